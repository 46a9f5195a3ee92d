"""Search on SQLite with FTS5: bm25 ranking with field weights, snippets, facet counts."""

from __future__ import annotations

import json
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from archive.search.engine import (
    MARK_END,
    MARK_START,
    RANK_LIMIT,
    IndexedCue,
    ItemDocument,
    ItemHit,
    ItemPage,
    Match,
    Moment,
    SearchScope,
    best_per_item,
    facet_counts,
    order_matches,
)
from archive.search.query import SearchQuery
from archive.search.scope import scope_condition

WEIGHTS = "10.0, 5.0, 5.0, 3.0, 1.0, 1.0"  # title, people, topics, abstract, transcript, questions
HEAD_COLUMNS = "title people topics abstract"
# Snippets come from what people wrote (the abstract, else the Q&A), like PostgreSQL's headlines: a topic match
# would otherwise be shown as the topic column, a list of topic names and synonyms.
SNIPPET_COLUMNS = {"abstract": 3, "questions": 5}
PAGE_SNIPPETS = ", ".join(
    f"snippet(archive_search_item, {column}, '{MARK_START}', '{MARK_END}', '…', 24) AS {name}"
    for name, column in SNIPPET_COLUMNS.items()
)


def _phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'  # words are \w+ only, so they cannot close the quote


def match_expression(query: SearchQuery) -> str:
    positive = " AND ".join("(" + " OR ".join(_phrase(a) for a in c.alternatives) + ")" for c in query.clauses)
    if query.excluded:
        positive += " NOT (" + " OR ".join(_phrase(p) for p in query.excluded) + ")"
    return positive


def any_term_expression(query: SearchQuery) -> str:
    """Cues rarely hold every word of a query; a moment is a cue that holds any of them."""
    return " OR ".join(_phrase(a) for c in query.clauses for a in c.alternatives)


def _best_snippet(row: dict[str, Any]) -> str:
    """The first written text that holds a matched word; else the abstract's opening words."""
    texts = [row[name] or "" for name in SNIPPET_COLUMNS]
    return next((text for text in texts if MARK_START in text), texts[0])


class SqliteSearch:
    def __init__(self, engine: Engine[Any]) -> None:
        self.engine = engine

    async def _run(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await self.engine.run_querystring(QueryString(sql, *args))
        return rows

    async def index_items(self, entries: list[tuple[ItemDocument, list[IndexedCue]]]) -> None:
        async with self.engine.transaction():
            for document, cues in entries:
                await self._index(document, cues)

    async def _index(self, document: ItemDocument, cues: list[IndexedCue]) -> None:
        await self.remove_item(document.item_id)
        await self._run(
            "INSERT INTO archive_search_item (rowid, title, people, topics, abstract, transcript, questions)"
            " VALUES ({}, {}, {}, {}, {}, {}, {})",
            document.item_id,
            document.title,
            document.people,
            document.topics,
            document.abstract,
            document.transcript,
            document.questions,
        )
        token = f"i{document.item_id}"
        for start in range(0, len(cues), 300):
            batch = cues[start : start + 300]
            values = ", ".join("({}, {}, {}, {})" for _ in batch)
            args = [v for cue in batch for v in (cue.cue_id, cue.text, token, cue.start)]
            await self._run(f"INSERT INTO archive_search_cue (rowid, text, item, start) VALUES {values}", *args)

    async def remove_item(self, item_id: int) -> None:
        await self._run("DELETE FROM archive_search_item WHERE rowid = {}", item_id)
        await self._run("DELETE FROM archive_search_cue WHERE item MATCH {}", f'"i{int(item_id)}"')

    async def clear(self) -> None:
        await self._run("DELETE FROM archive_search_item")
        await self._run("DELETE FROM archive_search_cue")

    async def optimize(self) -> None:
        """After a rebuild: merge FTS5's segments into one b-tree each, and refresh planner statistics."""
        await self._run("INSERT INTO archive_search_item (archive_search_item) VALUES ('optimize')")
        await self._run("INSERT INTO archive_search_cue (archive_search_cue) VALUES ('optimize')")
        await self._run("ANALYZE")

    async def search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        """All matches (cheap), ranked with bm25 (bounded by RANK_LIMIT), snippets for the page, facet counts."""
        where, args = scope_condition(scope)
        expression = match_expression(query)
        matches = [
            Match(r["item_id"], r["starts_at"])
            for r in await self._run(
                "SELECT s.rowid AS item_id, ai.starts_at FROM archive_search_item AS s"
                f" JOIN archive_item AS ai ON ai.id = s.rowid WHERE archive_search_item MATCH {{}} AND {where}",
                expression,
                *args,
            )
        ]
        ranked_expression = expression if len(matches) <= RANK_LIMIT else f"{{{HEAD_COLUMNS}}} : ({expression})"
        scores = {
            r["rowid"]: r["score"]
            for r in await self._run(
                f"SELECT rowid, bm25(archive_search_item, {WEIGHTS}) AS score FROM archive_search_item"
                " WHERE archive_search_item MATCH {}",
                ranked_expression,
            )
        }
        ordered = order_matches(matches, scores, higher_is_better=False)
        page = ordered[offset : offset + limit]
        snippets: dict[int, str] = {}
        if page:
            rows = await self._run(
                f"SELECT rowid, {PAGE_SNIPPETS} FROM archive_search_item WHERE archive_search_item MATCH {{}}"
                f" AND rowid IN ({','.join(str(int(i)) for i in page)})",
                expression,
            )
            snippets = {row["rowid"]: _best_snippet(row) for row in rows}
        facets = await self._run(
            "SELECT facet, value, count(*) AS n FROM item_facet WHERE item IN (SELECT value FROM json_each({}))"
            " GROUP BY facet, value",
            json.dumps(ordered),
        )
        return ItemPage(len(ordered), [ItemHit(i, snippets.get(i, "")) for i in page], facet_counts(facets))

    async def moments(self, query: SearchQuery, item_ids: list[int], per_item: int) -> list[Moment]:
        if not item_ids or query.is_empty:
            return []
        items = " OR ".join(f'"i{int(i)}"' for i in item_ids)
        expression = f"item : ({items}) AND text : ({any_term_expression(query)})"
        rows = await self._run(
            "SELECT item, start, snippet(archive_search_cue, 0, {}, {}, '…', 16) AS snippet FROM archive_search_cue"
            " WHERE archive_search_cue MATCH {} ORDER BY rank",
            MARK_START,
            MARK_END,
            expression,
        )
        return best_per_item(rows, per_item, lambda r: int(r["item"][1:]))
