"""What every resource is: a view of one client, sync or async.

A resource holds no state of its own; it prepares a call (checks the arguments, builds the
operation through the client's runtime) and hands it to the client's send loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource"]


class SyncAPIResource:
    """A resource of :class:`~volubile_ext.Volubile`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    """A resource of :class:`~volubile_ext.AsyncVolubile`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
