"""The search interface every engine implements, and the plain values it passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from archive.search.query import SearchQuery

MARK_START, MARK_END = "\ue000", "\ue001"  # engines wrap matched words in these; pages turn them into <mark>


@dataclass(frozen=True)
class ItemDocument:
    """What is searchable about one published item, field by field (weights differ per field)."""

    item_id: int
    title: str
    people: str
    topics: str
    abstract: str
    transcript: str
    questions: str


@dataclass(frozen=True)
class IndexedCue:
    cue_id: int
    start: float
    text: str


@dataclass(frozen=True)
class SearchScope:
    """Which items this person may find, and the facet values they narrowed the search to."""

    event_ids: frozenset[int]
    filters: tuple[tuple[str, str], ...] = ()
    only_item: int | None = None  # does this one item match? (saved-search alerts)


@dataclass(frozen=True)
class ItemHit:
    item_id: int
    snippet: str  # plain text with MARK_START/MARK_END around matches


@dataclass(frozen=True)
class Moment:
    item_id: int
    start: float
    snippet: str


@dataclass
class ItemPage:
    total: int
    hits: list[ItemHit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class SearchEngine(Protocol):
    async def index_items(self, entries: list[tuple[ItemDocument, list[IndexedCue]]]) -> None:
        """Replace everything indexed for each document's item, in one transaction."""

    async def remove_item(self, item_id: int) -> None: ...

    async def clear(self) -> None: ...

    async def search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        """Matching items, best first, with per-facet counts over all of them (not just this page)."""

    async def moments(self, query: SearchQuery, item_ids: list[int], per_item: int) -> list[Moment]:
        """The best-matching caption cues inside each of ``item_ids``."""
