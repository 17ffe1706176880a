"""Paged lists: :class:`SyncPager` and :class:`AsyncPager`, iterated lazily, page after page.

A pager sends nothing until it is iterated, then asks for page 1, 2, ... one at a time, each
request through the client's send loop (its rate-limiter place, retries, deadline): iterating
ten thousand calls keeps within the rate limit by construction. Iterating a pager again starts
again from page 1 (a fresh read of the list). The last page is the one whose number reaches the
server's page count; a server that sends no count ends the list with a short or empty page.
A pager keeps nothing of a page it has handed over while it fetches the next one: what the
caller has let go of is freed before the next page arrives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Generic, TypeVar

from ._calls_models import Page

__all__ = ["AsyncPager", "SyncPager"]

T = TypeVar("T")


# _RELEASE. The pager lets go of a page (and its items) before it asks for the next one: what
# the caller no longer holds is freed then, not kept while the next page is read. Two pages'
# documents never live at once, and a page's objects die young instead of being promoted to
# the collector's oldest generation, whose full passes then walk every object of the program.
# perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`" (scripts/bench.py).


def _is_last(page: Page[T], number: int, size: int) -> bool:
    if not page.items:
        return True
    if page.total_pages is not None:
        return number >= page.total_pages
    return len(page.items) < size


class SyncPager(Generic[T]):
    """Every item of a list, fetched one page at a time as the iteration needs it.

    ``for item in pager`` gives the items; :meth:`pages` gives each :class:`Page` with the
    figures the server sent (``total_elements``, ``total_pages``...).
    """

    def __init__(self, fetch: Callable[[int, int], Page[T]], page_size: int) -> None:
        self._fetch = fetch
        self.page_size = page_size

    def pages(self) -> Iterator[Page[T]]:
        """Each page in turn, from page 1; the next one is asked for only when needed."""
        number = 1
        while True:
            page = self._fetch(number, self.page_size)
            last = _is_last(page, number, self.page_size)
            yield page
            if last:
                return
            del page  # see _RELEASE
            number += 1

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            items = page.items
            del page
            yield from items
            del items  # see _RELEASE

    def __repr__(self) -> str:
        return f"SyncPager(page_size={self.page_size})"


class AsyncPager(Generic[T]):
    """:class:`SyncPager` for :class:`~volubile_ext.AsyncVolubile`: ``async for item in pager``,
    ``async for page in pager.pages()``."""

    def __init__(self, fetch: Callable[[int, int], Awaitable[Page[T]]], page_size: int) -> None:
        self._fetch = fetch
        self.page_size = page_size

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page in turn, from page 1; the next one is asked for only when needed."""
        number = 1
        while True:
            page = await self._fetch(number, self.page_size)
            last = _is_last(page, number, self.page_size)
            yield page
            if last:
                return
            del page  # see _RELEASE
            number += 1

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            items = page.items
            del page
            for item in items:
                yield item
                del item  # see _RELEASE
            del items

    def __repr__(self) -> str:
        return f"AsyncPager(page_size={self.page_size})"
