"""Contains some shared types for properties"""

import functools
import json
from collections.abc import Callable, Mapping, MutableMapping
from enum import Enum
from http import HTTPStatus
from typing import (
    IO,
    Any,
    BinaryIO,
    Generic,
    Literal,
    Protocol,
    TypedDict,
    TypeVar,
    cast,
)

import httpx
from attrs import define, field


class Unset:
    def __bool__(self) -> Literal[False]:
        return False

    def __reduce__(self) -> str:
        # Pickled and copied as a reference to the module's UNSET, never as a second instance.
        return "UNSET"


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


class RequestOptions(TypedDict, total=False):
    """Per-request httpx options, forwarded by every operation to ``httpx.Client.request``

    A wrapper that runs its own attempts passes what each attempt needs: an ``auth`` flow (one
    that waits for a rate-limit place, say), a ``timeout`` clipped to what is left of a deadline,
    httpx ``extensions``. Keys left out keep the httpx client's defaults.
    """

    auth: httpx.Auth
    timeout: httpx.Timeout
    extensions: dict[str, Any]


class EncodedJSONBody(Protocol):
    """A JSON request body model that can hand over its body already encoded

    ``encoded_json()`` returns the bytes httpx's ``json=`` would send for ``to_dict()``
    (:func:`encode_json` of it), or None to have ``to_dict()`` sent as usual. A model that
    keeps part of its body as encoded JSON (checked once, sent as is on every attempt) saves
    building and serialising that part again for each request.
    """

    def encoded_json(self) -> bytes | None: ...


def encoded_json_of(body: object) -> bytes | None:
    """``body.encoded_json()`` when the body model has that method (EncodedJSONBody), else None"""
    encoded: Callable[[], bytes | None] | None = getattr(body, "encoded_json", None)
    return None if encoded is None else encoded()


def json_request(body: Any, headers: dict[str, Any]) -> dict[str, Any]:
    """The httpx arguments that send the JSON body model ``body``

    ``json=body.to_dict()``, or, when the model hands over its body already encoded
    (EncodedJSONBody), ``content=`` those bytes, with the headers httpx's ``json=`` would set
    (the same Content-Length and Content-Type, in its order) added to ``headers``.
    """
    encoded = encoded_json_of(body)
    if encoded is None:
        return {"json": body.to_dict()}
    headers["Content-Length"] = str(len(encoded))
    headers["Content-Type"] = "application/json"
    return {"content": encoded}


def encode_json(document: Any) -> bytes | None:
    """The bytes httpx's ``json=`` sends for ``document``, or None when that encoding is not known

    The installed httpx's own encoding (0.28 writes compact UTF-8 JSON, 0.27 ``json.dumps``'
    defaults), found once by encoding a probe both ways: bytes made here are the bytes
    ``json=`` would have sent. None (an httpx that encodes some other way): send ``json=``.
    """
    options = _httpx_json_options()
    if options is None:
        return None
    return json.dumps(document, **options).encode("utf-8")


# The encodings httpx has used for json= (0.28: compact, UTF-8; 0.27: json.dumps' defaults).
_HTTPX_JSON_OPTIONS: tuple[dict[str, Any], ...] = (
    {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": False},
    {},
)


@functools.cache
def _httpx_json_options() -> dict[str, Any] | None:
    probe = {"t\u00e9l": ['\u2028"\\', 1, -2.5, None, True, {}, []], "b": {"c": ""}}
    sent = httpx.Request("POST", "http://localhost/", json=probe).content
    for options in _HTTPX_JSON_OPTIONS:
        if json.dumps(probe, **options).encode("utf-8") == sent:
            return options
    return None


T = TypeVar("T")


@define(eq=False, repr=False)
class Response(Generic[T]):
    """A response from an endpoint

    ``status_code`` is an ``HTTPStatus`` for a code the standard library knows, otherwise the
    code as a plain ``int`` (a proxy's 520, say). ``parsed`` is None for a status the spec does
    not document, and when the body could not be parsed: ``parse_error`` then holds the
    exception. ``http_response`` is always the response as httpx received it.

    The body is parsed when ``parsed`` or ``parse_error`` is first read (by ``parse``, which the
    operation gives), once: reading neither costs no parsing.
    """

    status_code: HTTPStatus | int
    content: bytes
    headers: MutableMapping[str, str]
    _parsed: T | None = field(default=None, alias="parsed")
    _parse_error: Exception | None = field(
        default=None, kw_only=True, alias="parse_error"
    )
    http_response: httpx.Response = field(kw_only=True)
    _parse: Callable[[httpx.Response], T | None] | None = field(
        default=None, kw_only=True, alias="parse"
    )

    # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`"
    # (scripts/bench.py): parsing a page into 100 generated models costs twice the request.
    def _settle(self) -> None:
        parse = self._parse
        if parse is None:
            return
        try:
            self._parsed = parse(self.http_response)
        except RESPONSE_PARSE_ERRORS as error:
            self._parse_error = error
        # Last: a thread reading at the same time parses again, and never sees half a result.
        self._parse = None

    @property
    def parsed(self) -> T | None:
        """The body as the operation's model (None: an undocumented status, or see parse_error)"""
        self._settle()
        return self._parsed

    @property
    def parse_error(self) -> Exception | None:
        """What parsing the body raised, when it could not be parsed"""
        self._settle()
        return self._parse_error

    def _compared(self) -> tuple[Any, ...]:
        return (
            self.status_code,
            self.content,
            self.headers,
            self.parsed,
            self.parse_error,
            self.http_response,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == cast("Response[Any]", other)._compared()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Response(status_code={self.status_code!r}, content={self.content!r}, "
            f"headers={self.headers!r}, parsed={self.parsed!r}, parse_error={self.parse_error!r}, "
            f"http_response={self.http_response!r})"
        )


# What parsing a body can raise: invalid JSON (a ValueError), a value of the wrong type or form,
# a missing key, nesting deeper than the interpreter's limit.
RESPONSE_PARSE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RecursionError,
)


def status_code_of(code: int) -> HTTPStatus | int:
    """The ``HTTPStatus`` member for ``code``, or ``code`` itself when it has none"""
    # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): a dict lookup on every
    # response rather than the enum call HTTPStatus(code) (about 0.7 µs, and an exception for
    # an unknown code).
    return _STATUSES.get(code, code)


_STATUSES: Mapping[int, HTTPStatus] = {member.value: member for member in HTTPStatus}


# Where json_body() keeps the decoded document: an attribute of the httpx response no httpx
# version defines (a dict key of the instance, so that nothing else can be mistaken for it).
_DOCUMENT = "_volubile_api_document"


def json_body(response: httpx.Response) -> Any:
    """``response.json()``, decoded once: the document is kept on the response, and read from
    there by the next call (callers must not mutate it). A body that is not JSON raises
    ValueError every time, as ``response.json()`` does."""
    # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`"
    # (scripts/bench.py): a page of 100 calls was decoded twice, once for the generated model
    # and once for the document volubile_ext keeps (raw, the page's figures).
    kept = response.__dict__
    try:
        return kept[_DOCUMENT]
    except KeyError:
        document = kept[_DOCUMENT] = response.json()
        return document


EnumT = TypeVar("EnumT", bound=Enum)
EnumValueT = TypeVar("EnumValueT", str, int)


def parse_open_enum(
    enum: type[EnumT], value: object, passthrough: type[EnumValueT]
) -> EnumT | EnumValueT:
    """The member of ``enum`` for ``value``, else ``value`` itself when it is a ``passthrough``

    Response models read enums as open: a server that adds a value tomorrow must not break
    parsing today. Requests are built from the members only. Any other value raises ValueError.
    """
    # perf: "sync `campaigns.get` vs generated" (scripts/bench.py): a dict lookup, not enum(),
    # and isinstance() (no call of Python code) rather than typing.cast() to say its type.
    try:
        member = _members_by_value(enum).get(value)
    except TypeError:  # unhashable (a list, an object): no member has it
        member = None
    if isinstance(member, enum):
        return member
    if isinstance(value, passthrough) and not isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not a valid {enum.__qualname__}")


@functools.cache
def _members_by_value(enum: type[Enum]) -> Mapping[Any, Enum]:
    """Each member of ``enum`` by its value (enums are fixed: built once per enum)."""
    return {member.value: member for member in enum}


__all__ = [
    "RESPONSE_PARSE_ERRORS",
    "UNSET",
    "EncodedJSONBody",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "encode_json",
    "encoded_json_of",
    "json_body",
    "json_request",
    "parse_open_enum",
    "status_code_of",
]
