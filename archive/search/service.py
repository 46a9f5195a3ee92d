"""Answering searches: what a person may find, grouped by item, with the moments inside recordings."""

from __future__ import annotations

import html
from dataclasses import dataclass

from markupsafe import Markup
from piccolo.querystring import QueryString

from server.accounts import Account

from archive.captions import format_moment
from archive.items import ItemView, item_view, listable_scope
from archive.search.engine import MARK_END, MARK_START, Moment, SearchScope, facet_counts
from archive.search.indexing import search_engine
from archive.search.scope import scope_condition
from archive.search.query import SearchQuery, parse_query
from archive.tables import ArchiveItem
from archive.topics import query_variants

FACETS = ("event", "year", "topic", "presenter", "kind", "language")
PAGE_SIZE = 20
MOMENTS_PER_ITEM = 3


@dataclass(frozen=True)
class MomentView:
    seconds: float
    label: str
    snippet: Markup


@dataclass(frozen=True)
class ResultView:
    item: ItemView
    snippet: Markup
    moments: list[MomentView]


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    total: int
    page: int
    results: list[ResultView]
    facets: dict[str, list[tuple[str, int]]]
    filters: tuple[tuple[str, str], ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def highlighted(text: str) -> Markup:
    """Escape an engine's snippet and turn its match markers into <mark> elements."""
    escaped = html.escape(text.replace(MARK_END + " " + MARK_START, " "))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def clean_filters(raw: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((facet, raw[facet].strip()[:300]) for facet in FACETS if raw.get(facet, "").strip())


async def search_archive(
    text: str, account: Account | None, *, filters: tuple[tuple[str, str], ...] = (), page: int = 1
) -> SearchResults:
    """Search what ``account`` may see; results grouped by item, each with its best moments."""
    query = parse_query(text, await query_variants())
    page = max(1, min(page, 500))
    scope = SearchScope(await listable_scope(account), filters)
    if query.is_empty:
        return await _browse(query, scope, page)
    engine = search_engine()
    found = await engine.search_items(query, scope, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    ids = [hit.item_id for hit in found.hits]
    moments = await engine.moments(query, ids, MOMENTS_PER_ITEM)
    items = {item.id: item for item in await _items(ids)}
    results = [
        ResultView(items[hit.item_id], highlighted(hit.snippet), _moments_for(hit.item_id, moments))
        for hit in found.hits
        if hit.item_id in items
    ]
    return SearchResults(query, found.total, page, results, found.facets, filters)


def _moments_for(item_id: int, moments: list[Moment]) -> list[MomentView]:
    return [
        MomentView(m.start, format_moment(m.start), highlighted(m.snippet)) for m in moments if m.item_id == item_id
    ]


async def _items(ids: list[int]) -> list[ItemView]:
    return [item_view(row) for row in await ArchiveItem.select().where(ArchiveItem.id.is_in(ids))] if ids else []


async def _browse(query: SearchQuery, scope: SearchScope, page: int) -> SearchResults:
    """No words typed: every visible item, newest first, narrowed by the chosen facets."""
    engine = ArchiveItem._meta.db
    where, args = scope_condition(scope)
    visible = f"SELECT ai.id FROM archive_item AS ai WHERE {where}"
    total = (await engine.run_querystring(QueryString(f"SELECT count(*) AS n FROM ({visible}) AS v", *args)))[0]["n"]
    ids = [
        row["id"]
        for row in await engine.run_querystring(
            QueryString(
                f"{visible} ORDER BY ai.starts_at DESC, ai.id DESC LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}",
                *args,
            )
        )
    ]
    facets = facet_counts(
        await engine.run_querystring(
            QueryString(
                f"SELECT facet, value, count(*) AS n FROM item_facet WHERE item IN ({visible}) GROUP BY facet, value",
                *args,
            )
        )
    )
    items = {item.id: item for item in await _items(ids)}
    results = [ResultView(items[i], Markup(html.escape(items[i].abstract[:240])), []) for i in ids if i in items]
    return SearchResults(query, total, page, results, facets, scope.filters)
