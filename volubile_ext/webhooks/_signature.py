"""The webhook signature scheme, in one place: what is signed, how, and how it is checked.

Once a call ends, the API posts it to the customer's webhook URL; with a secret set in the
Integration Settings, the request carries an ``X-Webhook-Signature`` header, a hex HMAC of the
body (reference notes, section 2.18: only that much is documented). What the reference leaves
unsaid is decided here, and only here (the sandbox's webhook poster signs with
:func:`sign_webhook` too):

- **What is signed**: the raw request body, byte for byte as sent; nothing else (no URL, no
  timestamp, no other header). So the receiver must check the bytes it received, never JSON
  parsed and serialised again: the same document in other bytes has another signature.
- **Algorithm**: HMAC-SHA256, unless ``algorithm=`` names another of
  :data:`SIGNATURE_ALGORITHMS` (``"sha1"`` is there for a sender that uses it; prefer the
  default). The key is the secret's UTF-8 bytes (a ``str``, with surrounding whitespace and a
  byte-order mark removed, as a secret read from a file or an environment variable carries
  them), or a ``bytes`` secret as it is.
- **Encoding**: the digest in hexadecimal, lowercase when signing; uppercase (or mixed) digits
  are accepted when verifying. A ``sha256=`` prefix (the algorithm's name, any case, then
  ``=``, as GitHub's webhooks write it) is accepted before the digits and ignored; a prefix
  naming another algorithm is refused as malformed. Whitespace around the value is not part of
  it (HTTP's optional whitespace) and is ignored.
- **Duplicates**: a request with the header more than once, or with several values in it
  separated by commas (how proxies and frameworks join repeated headers), is refused, never
  resolved by taking the first or the last: which one counts would depend on the parser, and
  two layers that read one request differently is how checks are bypassed.
- **Replays**: the scheme signs no timestamp, so a body and its signature can be sent again as
  they are; no receiver can tell. Handle a call idempotently, by its id (the API and the
  sandbox may deliver a call more than once, when a receiver failed). A body with another
  signature is refused like any mismatch.

Failures raise :class:`WebhookVerificationError`, whose ``reason`` says which check failed.
No message ever holds a secret or the expected signature: only what the sender can already see.
Comparison is constant-time (:func:`hmac.compare_digest`), against every secret given (several
during a rotation), without stopping at the first match.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Literal, Protocol, TypeAlias

from .._errors import VolubileError

__all__ = [
    "DEFAULT_SIGNATURE_ALGORITHM",
    "SIGNATURE_ALGORITHMS",
    "WEBHOOK_SIGNATURE_HEADER",
    "SignatureAlgorithm",
    "SigningKeys",
    "WebhookError",
    "WebhookHeaders",
    "WebhookSecrets",
    "WebhookVerificationError",
    "sign_webhook",
    "verify_signature",
    "verify_webhook",
]

WEBHOOK_SIGNATURE_HEADER: Final = "X-Webhook-Signature"
"""The header that carries a webhook's signature (its name is compared case-insensitively)."""

SignatureAlgorithm: TypeAlias = Literal["sha256", "sha384", "sha512", "sha1"]

# The HMAC hash functions a signature may use, by the name ``algorithm=`` takes.
SIGNATURE_ALGORITHMS: Final[Mapping[str, Callable[[], Any]]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
    "sha1": hashlib.sha1,
}
DEFAULT_SIGNATURE_ALGORITHM: Final[SignatureAlgorithm] = "sha256"

WebhookSecrets: TypeAlias = str | bytes | Iterable[str | bytes]
"""One secret, or several (during a rotation, the new one and the old one)."""


class _HeaderItems(Protocol):
    """Headers objects that are not mappings but list every field in ``items()``
    (``email.message.Message``, which ``http.server`` uses; werkzeug's ``Headers``)."""

    def items(self) -> Iterable[tuple[str, Any]]: ...


WebhookHeaders: TypeAlias = (
    Mapping[str, str] | _HeaderItems | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]
)
"""A request's headers: any mapping (a dict, ``httpx.Headers``, a framework's headers object),
an object whose ``items()`` lists every field, or pairs of name and value (ASGI's
``scope["headers"]``, as bytes)."""

_HEADER_NAME: Final = WEBHOOK_SIGNATURE_HEADER.lower()
_HEX_DIGITS: Final = re.compile(r"[0-9a-fA-F]+")
# HTTP's optional whitespace around a field value (RFC 9110, section 5.5).
_OWS: Final = " \t"

WebhookVerificationReason: TypeAlias = Literal["missing", "malformed", "duplicated", "mismatch"]


class WebhookError(VolubileError):
    """Base class of the errors raised while receiving a webhook."""


class WebhookVerificationError(WebhookError):
    """A webhook's signature did not verify: do not trust its body; answer 401.

    ``reason`` says which check failed: ``"missing"`` (no ``X-Webhook-Signature`` header),
    ``"malformed"`` (the header is not a signature of the expected form), ``"duplicated"``
    (more than one signature in the request, refused as ambiguous), ``"mismatch"`` (a
    well-formed signature that no given secret produces for these bytes: the body was altered
    or re-encoded, or was signed with another secret). The message never holds a secret or the
    expected signature.
    """

    def __init__(self, reason: WebhookVerificationReason, message: str) -> None:
        super().__init__(message)
        self.reason: WebhookVerificationReason = reason


class SigningKeys:
    """Secrets made HMAC keys once, checked, with a repr that shows only how many there are.

    What :func:`verify_webhook` builds from its ``secrets`` argument on every call; the
    receivers build it once. Raises ``TypeError`` or ``ValueError`` (never showing a secret) for
    secrets that cannot be keys, and for an algorithm not in :data:`SIGNATURE_ALGORITHMS`.
    """

    __slots__ = ("_digest", "_keys", "algorithm")

    def __init__(
        self, secrets: WebhookSecrets, algorithm: SignatureAlgorithm = DEFAULT_SIGNATURE_ALGORITHM
    ) -> None:
        if algorithm not in SIGNATURE_ALGORITHMS:
            raise ValueError(
                f"algorithm must be one of {', '.join(map(repr, SIGNATURE_ALGORITHMS))}, "
                f"not {algorithm!r}"
            )
        self.algorithm: SignatureAlgorithm = algorithm
        self._digest = SIGNATURE_ALGORITHMS[algorithm]
        if isinstance(secrets, str | bytes | bytearray | memoryview):
            given: tuple[object, ...] = (secrets,)
        elif isinstance(secrets, Iterable):
            given = tuple(secrets)
        else:
            raise TypeError(
                "secrets must be a str or bytes secret, or several of them (a list), "
                f"not {type(secrets).__name__}"
            )
        if not given:
            raise ValueError("secrets is empty: give the webhook secret (or several, to rotate)")
        self._keys = tuple(_key(secret, position) for position, secret in enumerate(given, 1))

    def __repr__(self) -> str:
        count = len(self._keys)
        return f"SigningKeys(<{count} secret{'s' if count != 1 else ''}>, {self.algorithm!r})"

    @property
    def digest_size(self) -> int:
        return int(self._digest().digest_size)

    def sign(self, body: bytes, position: int = 0) -> bytes:
        """The raw HMAC of ``body`` under the key at ``position``."""
        return hmac.new(self._keys[position], body, self._digest).digest()

    def matches(self, body: bytes, signature: bytes) -> bool:
        """Whether any key signs ``body`` as ``signature``, in constant time for each key and
        without stopping at the first match (which key matched is not revealed by timing)."""
        matched = False
        for position in range(len(self._keys)):
            matched |= hmac.compare_digest(self.sign(body, position), signature)
        return matched

    def __len__(self) -> int:
        return len(self._keys)


def _key(secret: object, position: int) -> bytes:
    if isinstance(secret, str):
        # Read from a file or an environment variable, a secret often ends with a newline.
        cleaned = secret.strip().removeprefix("\ufeff").strip()
        if not cleaned:
            raise ValueError(f"secret #{position} is empty or only whitespace")
        try:
            return cleaned.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                f"secret #{position} holds a lone surrogate, which is not text (the value is "
                "not shown)"
            ) from None
    if isinstance(secret, bytes | bytearray | memoryview):
        key = bytes(secret)
        if not key:
            raise ValueError(f"secret #{position} is empty")
        return key
    raise TypeError(f"secret #{position} must be a str or bytes, not {type(secret).__name__}")


def raw_body(body: object, function: str) -> bytes:
    """``body`` as bytes; ``TypeError`` saying why for anything that is not raw bytes."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        raise TypeError(
            f"{function} needs the request body as the raw bytes received, not a str: decoded "
            "text may not encode back to the bytes that were signed. Pass the bytes your "
            "framework gives (request.body, await request.body(), request.get_data())"
        )
    raise TypeError(f"{function} needs the request body as bytes, not {type(body).__name__}")


def sign_webhook(
    body: bytes, secret: str | bytes, *, algorithm: SignatureAlgorithm = DEFAULT_SIGNATURE_ALGORITHM
) -> str:
    """The ``X-Webhook-Signature`` value for ``body``: the lowercase hex HMAC of its bytes.

    What a sender puts in the header (the sandbox's webhook poster uses it; so can a test that
    posts to your receiver)::

        headers = {WEBHOOK_SIGNATURE_HEADER: sign_webhook(body, secret)}

    ``secret`` is a ``str`` (its UTF-8 bytes, surrounding whitespace removed) or ``bytes``.
    """
    data = raw_body(body, "sign_webhook")
    if not isinstance(secret, str | bytes | bytearray | memoryview):
        raise TypeError(f"secret must be a str or bytes, not {type(secret).__name__}")
    return SigningKeys(secret, algorithm).sign(data).hex()


def verify_webhook(
    body: bytes,
    headers: WebhookHeaders,
    secrets: WebhookSecrets,
    *,
    algorithm: SignatureAlgorithm = DEFAULT_SIGNATURE_ALGORITHM,
) -> None:
    """Check that ``body`` was signed with one of ``secrets``; return nothing when it was.

    ``body`` is the request body exactly as received (bytes; a ``str`` raises ``TypeError``,
    since text parsed or decoded is not the bytes that were signed). ``headers`` is the request's
    headers, a mapping or pairs (names compared case-insensitively). ``secrets`` is the secret,
    or several during a rotation (the new one and the old one): any of them may have signed.

    Raises :class:`WebhookVerificationError` (``reason`` ``"missing"``, ``"malformed"``,
    ``"duplicated"`` or ``"mismatch"``) when the request must not be trusted; ``TypeError`` or
    ``ValueError`` for arguments that are wrong whatever the request (no secret, say).
    """
    data = raw_body(body, "verify_webhook")
    verify_signature(data, headers, SigningKeys(secrets, algorithm))


def verify_signature(body: bytes, headers: WebhookHeaders, keys: SigningKeys) -> None:
    """:func:`verify_webhook` with keys built already (the receivers build them once)."""
    signature = _signature(_signature_value(headers), keys)
    if not keys.matches(body, signature):
        count = len(keys)
        secrets = "the secret" if count == 1 else f"any of the {count} secrets"
        raise WebhookVerificationError(
            "mismatch",
            f"the {WEBHOOK_SIGNATURE_HEADER} header does not match the body with {secrets}: "
            "the body was altered or re-encoded on the way, or signed with another secret",
        )


def _signature_value(headers: WebhookHeaders) -> str:
    """The one signature header's value; refuses none and more than one."""
    pairs: Iterable[Any]
    # httpx.Headers merges repeated headers in items(); its multi_items keeps them apart.
    multi_items = getattr(headers, "multi_items", None)
    items = getattr(headers, "items", None)
    if callable(multi_items):
        pairs = multi_items()
    elif callable(items):
        pairs = items()
    elif isinstance(headers, str | bytes | bytearray) or not isinstance(headers, Iterable):
        raise TypeError(
            f"headers must be a mapping or (name, value) pairs, not {type(headers).__name__}"
        )
    else:
        pairs = headers
    values = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(
                f"headers must be a mapping or (name, value) pairs; found a {type(pair).__name__}"
            )
        name, value = pair
        if isinstance(name, bytes | bytearray):
            name = bytes(name).decode("latin-1")
        if not isinstance(name, str):
            raise TypeError(f"a header name must be a str or bytes, not {type(name).__name__}")
        if name.lower() == _HEADER_NAME:
            values.append(value)
    if not values:
        raise WebhookVerificationError(
            "missing",
            f"the request has no {WEBHOOK_SIGNATURE_HEADER} header: it is not signed (a "
            "secret in the Integration Settings makes the API sign its webhooks)",
        )
    if len(values) > 1:
        raise WebhookVerificationError(
            "duplicated",
            f"the request has {len(values)} {WEBHOOK_SIGNATURE_HEADER} headers: refused, since "
            "which one counts would depend on who reads the request",
        )
    value = values[0]
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("latin-1")
    if not isinstance(value, str):
        raise TypeError(f"a header value must be a str or bytes, not {type(value).__name__}")
    if "," in value:
        raise WebhookVerificationError(
            "duplicated",
            f"the {WEBHOOK_SIGNATURE_HEADER} header holds {value.count(',') + 1} values "
            "separated by commas (repeated headers joined): refused, since which one counts "
            "would depend on who reads the request",
        )
    return value


def _signature(value: str, keys: SigningKeys) -> bytes:
    """The digest a header value holds; :class:`WebhookVerificationError` when it holds none."""
    text = value.strip(_OWS)
    prefix, equals, digits = text.rpartition("=")
    if equals and prefix.lower() != keys.algorithm:
        # Only the prefix is quoted, bounded: the sender's own text, never the expected value.
        shown = prefix[:16] + ("…" if len(prefix) > 16 else "")
        raise WebhookVerificationError(
            "malformed",
            f"the {WEBHOOK_SIGNATURE_HEADER} header names the algorithm {shown!r}; this "
            f"receiver checks {keys.algorithm!r} signatures",
        )
    expected = 2 * keys.digest_size
    if len(digits) != expected or not _HEX_DIGITS.fullmatch(digits):
        raise WebhookVerificationError(
            "malformed",
            f"the {WEBHOOK_SIGNATURE_HEADER} header is not an HMAC-{keys.algorithm.upper()} "
            f"signature: expected {expected} hexadecimal digits (optionally after "
            f"'{keys.algorithm}='), got {_described(digits)}",
        )
    return bytes.fromhex(digits)


def _described(digits: str) -> str:
    if not digits:
        return "nothing"
    bad = next((i for i, c in enumerate(digits, 1) if c not in "0123456789abcdefABCDEF"), None)
    where = f", not a hexadecimal digit at position {bad}" if bad else ""
    return f"{len(digits)} character{'s' if len(digits) != 1 else ''}{where}"
