"""``AccessToken``: a bearer token minted from the API key, read from ``AuthTokenResponse``.

A module of its own: perf: "`from volubile_ext import Volubile`" (scripts/bench.py). Only a
client given ``scopes=``, or a call of ``client.auth.issue_token``, mints tokens; any other
program loads neither this class nor the generated token model.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ._auth import _masked, refresh_margin
from ._wire import RESPONSE_PARSE_ERRORS, AuthTokenResponse, derived_fields_last

__all__ = ["AccessToken", "parse_token"]


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class AccessToken(AuthTokenResponse):
    """A bearer token and when it expires.

    ``expires_at`` is on the :func:`time.monotonic` clock (``None``: the server gave no
    lifetime, so the token is used until the server refuses it). ``str()`` and ``repr()`` never
    show the token itself (nor any other field of the response); read ``.token`` to use it.
    Derived from the generated ``AuthTokenResponse``: a field the spec adds to the token
    response is an attribute too, typed, after regeneration.
    """

    # The fields read as this library's types; any other comes from AuthTokenResponse.
    token: str
    expires_in: float | None = None  # type: ignore[assignment]
    token_type: str = "Bearer"
    scopes: tuple[str, ...] = ()
    expires_at: float | None = None

    def __repr__(self) -> str:
        return (
            f"AccessToken(token={_masked(self.token)}, expires_in={self.expires_in!r}, "
            f"token_type={self.token_type!r}, scopes={self.scopes!r})"
        )

    __str__ = __repr__

    def is_fresh(self, now: float) -> bool:
        """True while the token is not within its refresh margin of expiry."""
        if self.expires_at is None or self.expires_in is None:
            return True
        return now < self.expires_at - refresh_margin(self.expires_in)


def parse_token(
    document: AuthTokenResponse | object, *, scopes: tuple[str, ...], received_at: float
) -> AccessToken | None:
    """Build an :class:`AccessToken` from the generated ``AuthTokenResponse`` (or its JSON
    document); None without a token."""
    if isinstance(document, Mapping):
        try:
            document = AuthTokenResponse.from_dict(document)
        except RESPONSE_PARSE_ERRORS:
            return None
    if not isinstance(document, AuthTokenResponse):
        return None
    token = document.token
    if not isinstance(token, str) or not token:
        return None
    expires_in = document.expires_in
    lifetime = (
        float(expires_in)
        if isinstance(expires_in, int | float)
        and not isinstance(expires_in, bool)
        and expires_in > 0
        else None
    )
    token_type = document.token_type
    return AccessToken(
        token=token,
        expires_in=lifetime,
        token_type=token_type if isinstance(token_type, str) else "Bearer",
        scopes=scopes,
        expires_at=received_at + lifetime if lifetime is not None else None,
        **{name: getattr(document, name) for name in _TOKEN_DERIVED},
    )


# The fields of the spec's token response that AccessToken takes as the generated model reads
# them: whatever it declares beyond token, expiresIn and tokenType.
_TOKEN_DERIVED = tuple(
    field.name
    for field in attrs.fields(AuthTokenResponse)
    if field.init and field.name not in AccessToken.__annotations__
)
