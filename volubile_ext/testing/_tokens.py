"""Bearer tokens for the sandbox: HS256 JWTs signed with a secret that lives only in memory.

They look like the API's tokens (``header.payload.signature``, base64url, an HS256 header) so a
client that peeks at ``exp`` works unchanged, and they are really signed, so a forged, altered
or expired token is refused exactly as the API would refuse it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import attrs

__all__ = ["TokenClaims", "TokenError", "TokenSigner"]

_HEADER = {"alg": "HS256", "typ": "JWT"}
# Secrets retired by expire_all() are kept a while only to tell "expired" from "forged" in the
# 401 message; beyond this many rotations an old token is simply reported as invalid.
_RETIRED_SECRETS_KEPT = 16


class TokenError(Exception):
    """The token is refused; the message says why, without ever quoting the token."""


@attrs.frozen
class TokenClaims:
    """What a verified token grants: the account (``sub``), its scopes, and its validity."""

    subject: str
    scopes: frozenset[str]
    issued_at: int
    expires_at: int


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    # JWTs drop the padding; b64decode wants it back, and must refuse anything not base64url.
    if not text or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Mints and verifies the sandbox's bearer tokens; thread-safe.

    ``clock`` returns the current time in seconds since the epoch (``iat`` and ``exp`` are
    whole seconds, as in any JWT).
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)
        self._retired: list[bytes] = []

    def mint(self, subject: str, scopes: Iterable[str], lifetime: int) -> str:
        """A signed token for ``subject`` with ``scopes``, valid for ``lifetime`` seconds."""
        issued_at = int(self._clock())
        payload = {
            "sub": subject,
            # RFC 9068 (JWT access tokens): scopes are one space-separated string.
            "scope": " ".join(sorted(set(scopes))),
            "iat": issued_at,
            "exp": issued_at + lifetime,
            "jti": str(uuid.uuid4()),
        }
        signing_input = ".".join(
            _b64encode(json.dumps(part, separators=(",", ":")).encode())
            for part in (_HEADER, payload)
        )
        with self._lock:
            secret = self._secret
        return f"{signing_input}.{_b64encode(_sign(secret, signing_input))}"

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid token; :class:`TokenError` when forged, altered or expired."""
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError("Invalid bearer token: not a JWT")
        header_part, payload_part, signature_part = parts
        try:
            header = json.loads(_b64decode(header_part))
            payload = json.loads(_b64decode(payload_part))
            signature = _b64decode(signature_part)
        except (ValueError, binascii.Error):
            raise TokenError("Invalid bearer token: not a JWT") from None
        # Only HS256 is accepted: a token claiming "none" or another algorithm is a forgery.
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise TokenError("Invalid bearer token: unsupported algorithm")
        signing_input = f"{header_part}.{payload_part}"
        with self._lock:
            current, retired = self._secret, list(self._retired)
        if not hmac.compare_digest(signature, _sign(current, signing_input)):
            if any(hmac.compare_digest(signature, _sign(old, signing_input)) for old in retired):
                raise TokenError("Bearer token expired")
            raise TokenError("Invalid bearer token: bad signature")
        claims = _claims(payload)
        if claims.expires_at <= self._clock():
            raise TokenError("Bearer token expired")
        return claims

    def expire_all(self) -> None:
        """Make every token minted so far expire now; tokens minted afterwards are valid."""
        with self._lock:
            self._retired = [self._secret, *self._retired][:_RETIRED_SECRETS_KEPT]
            self._secret = secrets.token_bytes(32)


def _sign(secret: bytes, signing_input: str) -> bytes:
    return hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()


def _claims(payload: Any) -> TokenClaims:
    # A correctly signed token was minted by us, so a malformed payload would be our own bug;
    # it is still checked, because a 500 would hide it less well than a clear 401.
    if not isinstance(payload, dict):
        raise TokenError("Invalid bearer token: bad payload")
    subject, scope = payload.get("sub"), payload.get("scope")
    issued_at, expires_at = payload.get("iat"), payload.get("exp")
    if not (
        isinstance(subject, str)
        and isinstance(scope, str)
        and isinstance(issued_at, int)
        and isinstance(expires_at, int)
    ):
        raise TokenError("Invalid bearer token: bad payload")
    return TokenClaims(subject, frozenset(scope.split()), issued_at, expires_at)
