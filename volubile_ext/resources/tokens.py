"""``client.auth``: mint short-lived bearer tokens (:class:`Auth`, :class:`AsyncAuth`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._base_client import _scopes
from ._base import AsyncAPIResource, SyncAPIResource

if TYPE_CHECKING:
    from .._token import AccessToken

__all__ = ["AsyncAuth", "Auth"]


class Auth(SyncAPIResource):
    """``client.auth``: mint short-lived bearer tokens from the API key."""

    def issue_token(self, scopes: Iterable[str] | str) -> AccessToken:
        """Mint a bearer token with ``scopes`` (e.g. ``["campaigns:read"]``).

        Only an API key can mint: a client built with ``bearer_token=`` gets
        ``PermissionDeniedError`` from the server.
        """
        chosen = _scopes(scopes)
        op = self._client._token_op(chosen)
        response = self._client._send(op)
        return self._client._token(op, response, chosen)


class AsyncAuth(AsyncAPIResource):
    """``client.auth`` of :class:`AsyncVolubile`."""

    async def issue_token(self, scopes: Iterable[str] | str) -> AccessToken:
        """Mint a bearer token with ``scopes``; see :meth:`Auth.issue_token`."""
        chosen = _scopes(scopes)
        op = self._client._token_op(chosen)
        response = await self._client._send(op)
        return self._client._token(op, response, chosen)
