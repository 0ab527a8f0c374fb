"""limit/offset pagination over list endpoints that return the total ``count``.

SMS list calls take ``limit`` and ``offset`` (records to skip) and return ``count``, the total number
of matches independent of the page (stated for ``GET /v3/sources``, assumed for the others). OMS list
calls work the same way (``taskgroups`` + ``count``). :func:`iterate_pages` walks every page:

* it stops when ``offset`` reaches ``count``, when a page comes back empty, or after
  ``ceil(first_count / limit) + 1`` pages (a server whose count keeps growing cannot loop forever);
* objects that shift between pages while the listing runs (an insert or delete at the front) may be
  seen twice or missed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Page", "iterate_pages"]

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its items and the server's total ``count`` (None if not reported)."""

    items: Sequence[T]
    count: int | None


def iterate_pages(
    fetch: Callable[[int, int], Page[T]],
    *,
    page_size: int,
    start_offset: int = 0,
    max_items: int | None = None,
) -> Iterator[T]:
    """Yield the items of every page; ``fetch(limit, offset)`` returns one :class:`Page`."""
    if page_size < 1:
        raise ValueError("page_size must be >= 1")
    offset = start_offset
    yielded = 0
    pages = 0
    page_budget: int | None = None
    while True:
        page = fetch(page_size, offset)
        pages += 1
        for item in page.items:
            if max_items is not None and yielded >= max_items:
                return
            yield item
            yielded += 1
        offset += len(page.items)
        if not page.items:
            return
        if page.count is None:
            # No total: a short page is the last one.
            if len(page.items) < page_size:
                return
        else:
            if page_budget is None:
                page_budget = math.ceil(max(page.count - start_offset, 0) / page_size) + 1
            if offset >= page.count:
                return
        if page_budget is not None and pages >= page_budget:
            return
        if max_items is not None and yielded >= max_items:
            return

