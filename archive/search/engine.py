"""The search interface every engine implements, and the plain values it passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from archive.search.query import SearchQuery

MARK_START, MARK_END = "\ue000", "\ue001"  # engines wrap matched words in these; pages turn them into <mark>
# Up to this many matches are ranked on everything they say. Beyond it (a word said in most
# talks), ranking every transcript would cost more than the ranking is worth: items whose title,
# presenters, topics or abstract match come first, by rank, then the rest newest first.
RANK_LIMIT = 1000


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
    language: str = "en"  # the item's spoken language: it chooses the stemmer (archive.search.languages)


@dataclass(frozen=True)
class IndexedCue:
    cue_id: int
    start: float
    text: str
    language: str = "en"  # its caption track's declared language


@dataclass(frozen=True)
class SearchScope:
    """Which items this person may find, and the facet values they narrowed the search to."""

    event_ids: frozenset[int]
    filters: tuple[tuple[str, str], ...] = ()
    only_item: int | None = None  # does this one item match? (saved-search alerts)


@dataclass(frozen=True)
class Match:
    item_id: int
    starts_at: object  # only compared with other matches' starts_at


def order_matches(matches: list[Match], scores: dict[int, float], *, higher_is_better: bool) -> list[int]:
    """Scored items best first, then unscored ones newest first (see RANK_LIMIT)."""
    sign = -1 if higher_is_better else 1
    scored = sorted((m for m in matches if m.item_id in scores), key=lambda m: (sign * scores[m.item_id], m.item_id))
    rest = sorted((m for m in matches if m.item_id not in scores), key=lambda m: (m.starts_at, m.item_id), reverse=True)
    return [m.item_id for m in scored + rest]


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

    async def optimize(self) -> None:
        """Tidy the index after a full rebuild."""

    async def search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        """Matching items, best first, with per-facet counts over all of them (not just this page)."""

    async def moments(self, query: SearchQuery, item_ids: list[int], per_item: int) -> list[Moment]:
        """The best-matching caption cues inside each of ``item_ids``."""


def best_per_item(rows: list[dict[str, Any]], per_item: int, item_of: Callable[[dict[str, Any]], int]) -> list[Moment]:
    """The first ``per_item`` rows (best first) of each item, as moments in playback order."""
    taken: dict[int, list[Moment]] = {}
    for row in rows:
        moments = taken.setdefault(item_of(row), [])
        if len(moments) < per_item:
            moments.append(Moment(item_of(row), float(row["start"]), row["snippet"]))
    return [m for moments in taken.values() for m in sorted(moments, key=lambda m: m.start)]


def facet_counts(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, int]]]:
    """``(facet, value, n)`` rows as each facet's values, most frequent first."""
    facets: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        facets.setdefault(row["facet"], []).append((row["value"], row["n"]))
    for values in facets.values():
        values.sort(key=lambda pair: (-pair[1], pair[0]))
    return facets
