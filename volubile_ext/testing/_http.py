"""HTTP/1.1 request framing for the sandbox, strict where leniency lets an attacker in.

The sandbox is a server on a socket: whatever reaches it is read by these functions before the
API sees a byte. Each ambiguity that lets two parsers disagree about where a request ends
(request smuggling, RFC 9112 section 11.2) is refused with 400 and the connection closed:
repeated or malformed ``Content-Length``, ``Content-Length`` together with
``Transfer-Encoding``, obsolete line folding, malformed header lines. Every read is bounded in
size (request line, header section, body, chunk framing) and in time (a deadline for the
whole request once it has begun), so that a slow or endless client holds one thread for a
bounded time and a bounded amount of memory.
"""

from __future__ import annotations

import io
import re
import socket
import time
from email.message import Message

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_HEAD_BYTES",
    "MAX_REQUEST_LINE",
    "BodyError",
    "DeadlineSocket",
    "Framing",
    "HeadReader",
    "body_framing",
    "head_problem",
    "read_chunked",
    "request_line_problem",
]

# Far above the API's largest request (1,000 recipients with context); a bigger body is a bug
# or an attack, refused before it is read into memory.
MAX_BODY_BYTES = 8 * 1024 * 1024
# The request line and the header section together (http.server alone allows 64 KiB per line
# and 100 lines: 6.4 MB of headers). Browsers and proxies use 8 to 16 KiB for the line.
MAX_REQUEST_LINE = 8 * 1024
MAX_HEAD_BYTES = 64 * 1024
# What chunked framing may add to the body (size lines, extensions, CRLFs, trailers): a body
# sent one byte per chunk is six times its size on the wire.
_MAX_CHUNK_FRAMING = 1024 * 1024
_MAX_CHUNK_LINE = 1024
_MAX_TRAILER_BYTES = 8 * 1024

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# method SP request-target SP HTTP-version CRLF, single spaces, no control characters.
_REQUEST_LINE = re.compile(rb"(" + _TOKEN.encode() + rb") [^\x00-\x20\x7f]+ HTTP/[0-9]\.[0-9]\r\n")
_HEADER_NAME = re.compile(_TOKEN)
# Field values: visible characters, spaces, tabs and obs-text (bytes 0x80-0xFF, read as
# latin-1); no CR, LF, NUL or other control character.
_BAD_VALUE_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_DECIMAL = re.compile(r"[0-9]+")
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")
_WHITESPACE = " \t"


class BodyError(Exception):
    """The request cannot be read: answer ``status`` (``None``: the client went away)."""

    def __init__(self, status: int | None, message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class DeadlineSocket(io.RawIOBase):
    """The raw reader under the handler's buffered ``rfile``: each ``recv`` waits at most
    ``idle`` seconds between requests, and no longer than the :attr:`deadline` of the request
    in progress, however the client trickles its bytes."""

    def __init__(self, connection: socket.socket, idle: float) -> None:
        super().__init__()
        self._connection = connection
        self._idle = idle
        #: ``time.monotonic()`` by which the request in progress must have been read.
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.deadline is None:
            self._connection.settimeout(self._idle)
        else:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request took longer than the sandbox's request timeout")
            self._connection.settimeout(remaining)
        return self._connection.recv_into(buffer)


class HeadReader:
    """What ``http.server`` reads the header section through: a budget of bytes for the whole
    section, and a note of lines that do not end in CRLF."""

    def __init__(self, rfile: io.BufferedIOBase, budget: int) -> None:
        self._rfile = rfile
        self._remaining = budget
        self.bare_line_feed = False

    def readline(self, limit: int = -1) -> bytes:
        wanted = self._remaining + 1 if limit < 0 else min(limit, self._remaining + 1)
        line = self._rfile.readline(wanted)
        self._remaining -= len(line)
        if self._remaining < 0:
            import http.client

            # http.server answers this with 431 Request Header Fields Too Large.
            raise http.client.LineTooLong(f"header section over {MAX_HEAD_BYTES} bytes")
        if line.endswith(b"\n") and not line.endswith(b"\r\n"):
            self.bare_line_feed = True
        return line


def request_line_problem(raw: bytes) -> str | None:
    """Why the request line is malformed (``None``: it is well formed)."""
    if _REQUEST_LINE.fullmatch(raw):
        return None
    return "Malformed request line: expected METHOD SP target SP HTTP/1.1, single spaces"


def head_problem(headers: Message, *, bare_line_feed: bool, version: str) -> str | None:
    """Why the header section is malformed or ambiguous (``None``: it is fine).

    ``headers`` is what ``http.client.parse_headers`` made of it: a line it could not read as
    a header (no colon, a space before the colon) ends its headers early and leaves the rest
    as a "payload", so those are refused here, as RFC 9112 asks.
    """
    if bare_line_feed:
        return "Malformed header section: every line must end with CRLF"
    if headers.defects or headers.get_payload():
        return "Malformed header line: expected 'Name: value' with no space before the colon"
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            return "Malformed header name"
        if "\r" in value or "\n" in value:
            return "Obsolete line folding in a header is not accepted"
        if _BAD_VALUE_CHARACTER.search(value):
            return f"Control character in the value of {name}"
    hosts = headers.get_all("Host") or []
    if len(hosts) > 1:
        return "More than one Host header"
    if not hosts and version != "HTTP/1.0":
        return "Missing Host header (required in HTTP/1.1)"
    return None


class Framing:
    """Where the body ends: ``length`` bytes, or chunked (``length`` is ``None``)."""

    __slots__ = ("chunked", "length")

    def __init__(self, *, length: int | None, chunked: bool) -> None:
        self.length = length
        self.chunked = chunked


def body_framing(headers: Message, version: str) -> Framing:
    """The body's framing from ``Content-Length`` / ``Transfer-Encoding``; raises
    :class:`BodyError` (400, or 413 for a declared length over :data:`MAX_BODY_BYTES`)."""
    encodings = headers.get_all("Transfer-Encoding") or []
    lengths = headers.get_all("Content-Length") or []
    if len(lengths) > 1:
        raise BodyError(400, "More than one Content-Length header")
    if len(encodings) > 1:
        raise BodyError(400, "More than one Transfer-Encoding header")
    if encodings and lengths:
        raise BodyError(400, "Content-Length and Transfer-Encoding together: send only one")
    if encodings:
        encoding = encodings[0].strip(_WHITESPACE)
        if encoding.lower() != "chunked":
            raise BodyError(
                400, f"Unsupported Transfer-Encoding: {encoding[:100]!r} (only chunked)"
            )
        if version == "HTTP/1.0":
            raise BodyError(400, "Transfer-Encoding is not defined in HTTP/1.0")
        return Framing(length=None, chunked=True)
    if not lengths:
        return Framing(length=0, chunked=False)
    text = lengths[0].strip(_WHITESPACE)
    # int() would take "²", "+5", "-0", "1_000" and " 5\n"; HTTP takes ASCII digits only.
    if not _DECIMAL.fullmatch(text):
        raise BodyError(400, "Invalid Content-Length: expected ASCII digits only")
    significant = text.lstrip("0") or "0"
    # Compared as text first: int() of 5,000 digits raises (and costs time) in Python.
    if len(significant) > len(str(MAX_BODY_BYTES)) or int(significant) > MAX_BODY_BYTES:
        raise BodyError(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
    return Framing(length=int(significant), chunked=False)


def read_chunked(rfile: io.BufferedIOBase) -> bytes:
    """A chunked body (RFC 9112 section 7.1), strictly: hexadecimal sizes of at most 16 digits,
    CRLF after each size line and each chunk, trailers read and ignored; bounded in body
    size, in framing bytes and in trailer size. Raises :class:`BodyError`."""
    body = bytearray()
    framing = 0
    while True:
        line = _framing_line(rfile, _MAX_CHUNK_LINE)
        framing += len(line)
        size_part, semicolon, _extensions = line[:-2].partition(b";")
        if semicolon:
            size_part = size_part.rstrip(b" \t")  # BWS before an extension
        if not _CHUNK_SIZE.fullmatch(size_part):
            raise BodyError(400, "Malformed chunked body: a chunk size must be hexadecimal digits")
        size = int(size_part, 16)
        if size == 0:
            break
        if len(body) + size > MAX_BODY_BYTES:
            raise BodyError(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
        data = rfile.read(size + 2)
        if len(data) < size + 2:
            raise BodyError(None)
        if not data.endswith(b"\r\n"):
            raise BodyError(400, "Malformed chunked body: a chunk must end with CRLF")
        body += memoryview(data)[:-2]
        framing += 2
        if framing > _MAX_CHUNK_FRAMING:
            raise BodyError(413, "Chunked framing too large: send fewer, larger chunks")
    trailers = 0
    while True:  # trailer fields, ignored, up to the empty line
        line = _framing_line(rfile, _MAX_TRAILER_BYTES)
        trailers += len(line)
        if line == b"\r\n":
            return bytes(body)
        if trailers > _MAX_TRAILER_BYTES:
            raise BodyError(400, f"Chunked trailers over {_MAX_TRAILER_BYTES} bytes")


def _framing_line(rfile: io.BufferedIOBase, limit: int) -> bytes:
    line = rfile.readline(limit + 1)
    if not line.endswith(b"\n"):
        if len(line) > limit:
            raise BodyError(400, "Malformed chunked body: a framing line is too long")
        raise BodyError(None)  # the connection ended inside the body
    if not line.endswith(b"\r\n"):
        raise BodyError(400, "Malformed chunked body: every line must end with CRLF")
    return line
