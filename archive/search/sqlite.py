"""Search on SQLite with FTS5: bm25 ranking with field weights, snippets, facet counts."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from archive.search.engine import (
    MARK_END, MARK_START, IndexedCue, ItemDocument, ItemHit, ItemPage, Moment, SearchScope,
)
from archive.search.query import SearchQuery
from archive.search.scope import scope_condition

WEIGHTS = "10.0, 5.0, 5.0, 3.0, 1.0, 1.0"  # title, people, topics, abstract, transcript, questions
PAGE_SNIPPET = f"snippet(archive_search_item, -1, '{MARK_START}', '{MARK_END}', '…', 24)"


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


class SqliteSearch:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def _run(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return await self.engine.run_querystring(_querystring(sql, args))

    async def index_items(self, entries: list[tuple[ItemDocument, list[IndexedCue]]]) -> None:
        async with self.engine.transaction():
            for document, cues in entries:
                await self._index(document, cues)

    async def _index(self, document: ItemDocument, cues: list[IndexedCue]) -> None:
        await self.remove_item(document.item_id)
        await self._run(
            "INSERT INTO archive_search_item (rowid, title, people, topics, abstract, transcript, questions)"
            " VALUES ({}, {}, {}, {}, {}, {}, {})", document.item_id, document.title, document.people,
            document.topics, document.abstract, document.transcript, document.questions)
        token = f"i{document.item_id}"
        for start in range(0, len(cues), 300):
            batch = cues[start:start + 300]
            values = ", ".join("({}, {}, {}, {})" for _ in batch)
            args = [v for cue in batch for v in (cue.cue_id, cue.text, token, cue.start)]
            await self._run(f"INSERT INTO archive_search_cue (rowid, text, item, start) VALUES {values}", *args)

    async def remove_item(self, item_id: int) -> None:
        await self._run("DELETE FROM archive_search_item WHERE rowid = {}", item_id)
        await self._run("DELETE FROM archive_search_cue WHERE item MATCH {}", f'"i{int(item_id)}"')

    async def clear(self) -> None:
        await self._run("DELETE FROM archive_search_item")
        await self._run("DELETE FROM archive_search_cue")

    async def search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        where, args = scope_condition(scope)
        matched = (f"SELECT s.rowid AS item_id, bm25(archive_search_item, {WEIGHTS}) AS score,"
                   f" {PAGE_SNIPPET} AS snippet FROM archive_search_item AS s"
                   f" JOIN archive_item AS ai ON ai.id = s.rowid"
                   f" WHERE archive_search_item MATCH {{}} AND {where}")
        expression = match_expression(query)
        rows = await self._run(
            f"WITH matched AS ({matched}) SELECT item_id, snippet, (SELECT count(*) FROM matched) AS total"
            f" FROM matched ORDER BY score LIMIT {int(limit)} OFFSET {int(offset)}", expression, *args)
        total = rows[0]["total"] if rows else await self._count(expression, where, args)
        facets = await self._run(
            "SELECT facet, value, count(*) AS n FROM item_facet WHERE item IN"
            f" (SELECT s.rowid FROM archive_search_item AS s JOIN archive_item AS ai ON ai.id = s.rowid"
            f"  WHERE archive_search_item MATCH {{}} AND {where})"
            " GROUP BY facet, value", expression, *args)
        return ItemPage(total, [ItemHit(r["item_id"], r["snippet"] or "") for r in rows], facet_counts(facets))

    async def _count(self, expression: str, where: str, args: list[str]) -> int:
        rows = await self._run(
            f"SELECT count(*) AS n FROM archive_search_item AS s JOIN archive_item AS ai ON ai.id = s.rowid"
            f" WHERE archive_search_item MATCH {{}} AND {where}", expression, *args)
        return rows[0]["n"]

    async def moments(self, query: SearchQuery, item_ids: list[int], per_item: int) -> list[Moment]:
        if not item_ids or query.is_empty:
            return []
        items = " OR ".join(f'"i{int(i)}"' for i in item_ids)
        expression = f"item : ({items}) AND text : ({any_term_expression(query)})"
        rows = await self._run(
            "SELECT item, start, snippet(archive_search_cue, 0, {}, {}, '…', 16) AS snippet FROM archive_search_cue"
            " WHERE archive_search_cue MATCH {} ORDER BY rank", MARK_START, MARK_END, expression)
        return best_per_item(rows, per_item, lambda r: int(r["item"][1:]))


def best_per_item(rows: list[dict[str, Any]], per_item: int, item_of: Any) -> list[Moment]:
    taken: dict[int, list[Moment]] = {}
    for row in rows:
        moments = taken.setdefault(item_of(row), [])
        if len(moments) < per_item:
            moments.append(Moment(item_of(row), float(row["start"]), row["snippet"]))
    return [m for moments in taken.values() for m in sorted(moments, key=lambda m: m.start)]


def facet_counts(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        facets.setdefault(row["facet"], []).append((row["value"], row["n"]))
    for values in facets.values():
        values.sort(key=lambda pair: (-pair[1], pair[0]))
    return facets


def _querystring(sql: str, args: tuple[Any, ...]) -> QueryString:
    return QueryString(sql, *args)
