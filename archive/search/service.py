"""Keeping the search index in step with the archive, and answering searches.

The index holds only published items. Anything that changes what an item says (publishing,
withdrawing, captions, topics, its Q&A) calls :func:`reindex_session` or
:func:`reindex_item`; ``hallway reindex`` rebuilds everything with :func:`reindex_all`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup
from piccolo.engine.postgres import PostgresEngine

from server.accounts import Account
from sessions.questions import archived_thread

from archive.captions import format_moment
from archive.items import ItemView, item_by_id, item_for_session, item_view, listable_scope, list_items
from archive.recordings import session_cues, session_materials, session_recordings
from archive.search.engine import (
    MARK_END, MARK_START, IndexedCue, ItemDocument, Moment, SearchEngine, SearchScope,
)
from archive.search.postgres import PostgresSearch
from archive.search.query import SearchQuery, parse_query
from archive.search.sqlite import SqliteSearch
from archive.tables import ArchiveItem, ItemFacet, ItemStatus
from archive.topics import ancestor_ids, list_topics, query_variants, session_topics

FACETS = ("event", "year", "topic", "presenter", "kind", "language")
PAGE_SIZE = 20
MOMENTS_PER_ITEM = 3
TAGS = re.compile(r"<[^>]+>")


def search_engine() -> SearchEngine:
    engine = ArchiveItem._meta.db
    return PostgresSearch(engine) if isinstance(engine, PostgresEngine) else SqliteSearch(engine)


async def item_document(item: ItemView) -> tuple[ItemDocument, list[IndexedCue], list[tuple[str, str]]]:
    """What the index and the facets hold for one item."""
    topics = await topics_with_ancestors(item.session_guid)
    cues = await session_cues(item.session_guid)
    thread = [{"body": q.body, "answers": q.answers} for q in await archived_thread(item.session_guid)]
    questions = " ".join(q["body"] + " " + " ".join(TAGS.sub(" ", a["body_html"]) for a in q["answers"])
                         for q in thread or item.questions)
    document = ItemDocument(
        item_id=item.id, title=f"{item.title} {item.subtitle}".strip(),
        people=" ".join(f"{p['name']} {p.get('affiliation', '')}" for p in item.presenters),
        topics=" ".join(" ".join([t.name, *t.synonyms]) for t in topics),
        abstract=item.abstract, transcript=" ".join(c["text"] for c in cues), questions=questions,
    )
    recordings = await session_recordings(item.session_guid)
    kinds = {r.kind for r in recordings} | ({"transcript"} if cues else set())
    if await session_materials(item.session_guid):
        kinds.add("slides")
    languages = {item.language} | {t.language for r in recordings for t in r.captions}
    facets = [("event", item.event_title), ("year", str(item.year)), *[("topic", t.name) for t in topics],
              *[("presenter", name) for name in item.presenter_names], *[("kind", k) for k in sorted(kinds)],
              *[("language", lang) for lang in sorted(languages)]]
    return document, [IndexedCue(c["id"], c["start"], c["text"]) for c in cues], facets


async def topics_with_ancestors(session_guid: str) -> list:
    tagged = await session_topics(session_guid)
    wanted: set[int] = set()
    for topic in tagged:
        wanted |= await ancestor_ids(topic.id)
    return [t for t in await list_topics() if t.id in wanted]


async def reindex_item(item_id: int) -> None:
    item = await item_by_id(item_id)
    engine = search_engine()
    if item is None or item.withdrawn:
        await engine.remove_item(item_id)
        await ItemFacet.delete().where(ItemFacet.item == item_id)
        return
    document, cues, facets = await item_document(item)
    await engine.index_item(document, cues)
    async with ItemFacet._meta.db.transaction():
        await ItemFacet.delete().where(ItemFacet.item == item_id)
        await ItemFacet.insert(*[ItemFacet(item=item_id, facet=f, value=v[:300]) for f, v in dict.fromkeys(facets)])


async def reindex_session(session_guid: str) -> None:
    """Refresh the session's archive item, if it has one (called whenever its content changes)."""
    item = await item_for_session(session_guid)
    if item is not None:
        await reindex_item(item.id)


async def reindex_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index; ``progress(done, total)`` after each item."""
    await search_engine().clear()
    await ItemFacet.delete(force=True)
    ids = [row["id"] for row in await ArchiveItem.select(ArchiveItem.id).where(
        ArchiveItem.status == ItemStatus.published).order_by(ArchiveItem.id)]
    for done, item_id in enumerate(ids, start=1):
        await reindex_item(item_id)
        if progress:
            progress(done, len(ids))
    return len(ids)


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


async def search_archive(text: str, account: Account | None, *, filters: tuple[tuple[str, str], ...] = (),
                         page: int = 1) -> SearchResults:
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
    results = [ResultView(items[hit.item_id], highlighted(hit.snippet), _moments_for(hit.item_id, moments))
               for hit in found.hits if hit.item_id in items]
    return SearchResults(query, found.total, page, results, found.facets, filters)


def _moments_for(item_id: int, moments: list[Moment]) -> list[MomentView]:
    return [MomentView(m.start, format_moment(m.start), highlighted(m.snippet)) for m in moments if m.item_id == item_id]


async def _items(ids: list[int]) -> list[ItemView]:
    return [item_view(row) for row in await ArchiveItem.select().where(ArchiveItem.id.is_in(ids))] if ids else []


async def _browse(query: SearchQuery, scope: SearchScope, page: int) -> SearchResults:
    """No words typed: every visible item, newest first, narrowed by the chosen facets."""
    items = await list_items(scope.event_ids, limit=10_000)
    if scope.filters:
        allowed = None
        for facet, value in scope.filters:
            rows = await ItemFacet.select(ItemFacet.item).where((ItemFacet.facet == facet) & (ItemFacet.value == value))
            ids = {row["item"] for row in rows}
            allowed = ids if allowed is None else allowed & ids
        items = [item for item in items if item.id in (allowed or set())]
    ids = [item.id for item in items]
    facet_rows = await ItemFacet.select(ItemFacet.facet, ItemFacet.value).where(ItemFacet.item.is_in(ids)) if ids else []
    counts: dict[str, dict[str, int]] = {}
    for row in facet_rows:
        counts.setdefault(row["facet"], {}).setdefault(row["value"], 0)
        counts[row["facet"]][row["value"]] += 1
    facets = {facet: sorted(values.items(), key=lambda pair: (-pair[1], pair[0])) for facet, values in counts.items()}
    shown = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    results = [ResultView(item, Markup(html.escape(item.abstract[:240])), []) for item in shown]
    return SearchResults(query, len(items), page, results, facets, scope.filters)
