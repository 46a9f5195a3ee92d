"""Keeping the search index in step with the archive.

The index holds only published items. Anything that changes what an item says (publishing,
withdrawing, captions, topics, its Q&A) calls :func:`reindex_session` or
:func:`reindex_item`; ``hallway reindex`` rebuilds everything with :func:`reindex_all`,
a few hundred items per round trip so that a 10,000-session archive rebuilds in minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from piccolo.engine.postgres import PostgresEngine

from sessions.questions import QaThreadChanged, archived_threads

from archive.changes import ArchiveSessionChanged
from archive.items import ItemView, item_for_session, item_view
from archive.recordings import media_by_session
from archive.search.engine import IndexedCue, ItemDocument, SearchEngine
from archive.search.postgres import PostgresSearch
from archive.search.sqlite import SqliteSearch
from archive.tables import ArchiveItem, ItemFacet, ItemStatus
from archive.topics import topics_by_session

TAGS = re.compile(r"<[^>]+>")
BATCH = 200


def search_engine() -> SearchEngine:
    engine = ArchiveItem._meta.db
    return PostgresSearch(engine) if isinstance(engine, PostgresEngine) else SqliteSearch(engine)


@dataclass(frozen=True)
class IndexEntry:
    document: ItemDocument
    cues: list[IndexedCue]
    facets: list[tuple[str, str]]


async def index_entries(items: list[ItemView]) -> list[IndexEntry]:
    """What the index and the facets hold for each item, read in a handful of queries for all of them."""
    guids = [item.session_guid for item in items]
    topics, media, threads = (
        await topics_by_session(guids),
        await media_by_session(guids),
        await archived_threads(guids),
    )
    entries = []
    for item in items:
        item_topics, item_media = topics.get(item.session_guid, []), media[item.session_guid]
        thread: list[dict[str, Any]] = [
            {"body": q.body, "answers": q.answers} for q in threads.get(item.session_guid, [])
        ]
        questions = " ".join(
            q["body"] + " " + " ".join(TAGS.sub(" ", a["body_html"]) for a in q["answers"])
            for q in thread or item.questions
        )
        document = ItemDocument(
            item_id=item.id,
            title=f"{item.title} {item.subtitle}".strip(),
            people=" ".join(f"{p['name']} {p.get('affiliation', '')}" for p in item.presenters),
            topics=" ".join(" ".join([t.name, *t.synonyms]) for t in item_topics),
            abstract=item.abstract,
            transcript=" ".join(c["text"] for c in item_media.cues),
            questions=questions,
            language=item.language,
        )
        kinds = set(item_media.kinds) | ({"transcript"} if item_media.cues else set())
        facets = [
            ("event", item.event_title),
            ("year", str(item.year)),
            *[("topic", t.name) for t in item_topics],
            *[("presenter", name) for name in item.presenter_names],
            *[("kind", k) for k in sorted(kinds)],
            *[("language", lang) for lang in sorted({item.language} | item_media.languages)],
        ]
        cues = [IndexedCue(c["id"], c["start"], c["text"], c["language"]) for c in item_media.cues]
        entries.append(IndexEntry(document, cues, list(dict.fromkeys((f, v[:300]) for f, v in facets))))
    return entries


async def reindex_items(item_ids: list[int]) -> None:
    """Bring these items' index entries and facets up to date (withdrawn or missing ones leave the index)."""
    rows = await ArchiveItem.select().where(ArchiveItem.id.is_in(item_ids)) if item_ids else []
    live = [item_view(row) for row in rows if row["status"] == ItemStatus.published]
    engine = search_engine()
    for item_id in set(item_ids) - {item.id for item in live}:
        await engine.remove_item(item_id)
    entries = await index_entries(live)
    await engine.index_items([(entry.document, entry.cues) for entry in entries])
    async with ItemFacet._meta.db.transaction():
        await ItemFacet.delete().where(ItemFacet.item.is_in(item_ids))
        facets = [ItemFacet(item=e.document.item_id, facet=f, value=v) for e in entries for f, v in e.facets]
        for start in range(0, len(facets), 500):
            await ItemFacet.insert(*facets[start : start + 500])


async def reindex_item(item_id: int) -> None:
    await reindex_items([item_id])


async def reindex_session(session_guid: str) -> None:
    """Refresh the session's archive item, if it has one (called whenever its content changes)."""
    item = await item_for_session(session_guid)
    if item is not None:
        await reindex_item(item.id)


async def reindex_for(change: QaThreadChanged | ArchiveSessionChanged) -> None:
    """Listener: what search finds about a session changed (its Q&A, recordings, captions, slides, topics)."""
    await reindex_session(change.session_guid)


async def reindex_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index; ``progress(done, total)`` after each batch."""
    await search_engine().clear()
    await ItemFacet.delete(force=True)
    ids = [
        row["id"]
        for row in await ArchiveItem.select(ArchiveItem.id)
        .where(ArchiveItem.status == ItemStatus.published)
        .order_by(ArchiveItem.id)
    ]
    for start in range(0, len(ids), BATCH):
        await reindex_items(ids[start : start + BATCH])
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    await search_engine().optimize()
    return len(ids)
