"""The pagers (volubile_ext/_pagination.py): what they hold while they fetch the next page."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from volubile_ext._calls_models import Page
from volubile_ext._pagination import AsyncPager, SyncPager


class Item:
    """An item a weak reference can follow."""


class Pages:
    """A fetch of three pages of two items that records, at each fetch, whether anything from
    the pages before is still alive (the caller keeps none of it)."""

    def __init__(self) -> None:
        self.earlier: list[weakref.ref[Any]] = []
        self.alive_at_fetch: list[int] = []

    def __call__(self, number: int, size: int) -> Page[Item]:
        self.alive_at_fetch.append(sum(ref() is not None for ref in self.earlier))
        page = Page(items=[Item(), Item()], page=number, size=size, total_pages=3)
        self.earlier += [weakref.ref(page), *(weakref.ref(item) for item in page.items)]
        return page

    async def fetch_async(self, number: int, size: int) -> Page[Item]:
        return self(number, size)


def test_a_pager_lets_go_of_a_page_before_it_fetches_the_next() -> None:
    for walk in ("pages", "items"):
        fetch = Pages()
        pager = SyncPager(fetch, 2)
        iterator = iter(pager.pages() if walk == "pages" else pager)
        count = 0
        while True:
            try:
                next(iterator)  # each page or item dropped at once, as a caller may
            except StopIteration:
                break
            count += 1
        assert count == (3 if walk == "pages" else 6)
        assert fetch.alive_at_fetch == [0, 0, 0], walk


def test_an_async_pager_lets_go_of_a_page_before_it_fetches_the_next() -> None:
    async def walk(kind: str) -> list[int]:
        fetch = Pages()
        pager = AsyncPager(fetch.fetch_async, 2)
        iterator = aiter(pager.pages() if kind == "pages" else pager)
        count = 0
        while True:
            try:
                await anext(iterator)
            except StopAsyncIteration:
                break
            count += 1
        assert count == (3 if kind == "pages" else 6)
        return fetch.alive_at_fetch

    assert asyncio.run(walk("pages")) == [0, 0, 0]
    assert asyncio.run(walk("items")) == [0, 0, 0]
