"""Long lists (people at the check-in desk, the directory) in pages: one shape and one pager for all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from server.validation import whole_number

Item = TypeVar("Item")
PER_PAGE = 50


@dataclass(frozen=True)
class Paged(Generic[Item]):
    items: Sequence[Item]
    number: int
    pages: int
    total: int


def page_of(items: Sequence[Item], asked: str | None, per_page: int = PER_PAGE) -> Paged[Item]:
    """The asked page (a bad or too-large number shows the nearest real page rather than an error)."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(whole_number(asked or "1") or 1, 1), pages)
    start = (number - 1) * per_page
    return Paged(items[start : start + per_page], number, pages, len(items))
