"""Search on PostgreSQL: weighted tsvectors with GIN indexes, ts_rank, ts_headline, facet counts."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from archive.search.engine import (
    MARK_END, MARK_START, IndexedCue, ItemDocument, ItemHit, ItemPage, Moment, SearchScope,
)
from archive.search.query import SearchQuery
from archive.search.scope import scope_condition
from archive.search.sqlite import best_per_item, facet_counts

DOCUMENT = ("setweight(to_tsvector('english', {}), 'A') || setweight(to_tsvector('english', {}), 'B')"
            " || setweight(to_tsvector('english', {}), 'C') || setweight(to_tsvector('english', {}), 'D')")
HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=…"
CUE_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"


def tsquery(query: SearchQuery, *, any_term: bool = False) -> tuple[str, list[str]]:
    """A tsquery expression with every phrase bound as a parameter."""
    args: list[str] = []

    def alternatives(phrases: tuple[tuple[str, ...], ...]) -> str:
        args.extend(" ".join(p) for p in phrases)
        return "(" + " || ".join("phraseto_tsquery('english', {})" for _ in phrases) + ")"

    if any_term:
        return alternatives(tuple(a for c in query.clauses for a in c.alternatives)), args
    sql = " && ".join(alternatives(c.alternatives) for c in query.clauses)
    if query.excluded:
        sql += " && !!" + alternatives(query.excluded)
    return sql, args


class PostgresSearch:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def _run(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return await self.engine.run_querystring(QueryString(sql, *args))

    async def index_items(self, entries: list[tuple[ItemDocument, list[IndexedCue]]]) -> None:
        async with self.engine.transaction():
            for document, cues in entries:
                await self._index(document, cues)

    async def _index(self, document: ItemDocument, cues: list[IndexedCue]) -> None:
        heading = f"{document.people} {document.topics}"
        body = f"{document.transcript} {document.questions}"
        await self.remove_item(document.item_id)
        await self._run(
            "INSERT INTO archive_search_item (item_id, title, people, topics, abstract, transcript, questions,"
            f" document) VALUES ({{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {DOCUMENT})",
            document.item_id, document.title, document.people, document.topics, document.abstract,
            document.transcript, document.questions, document.title, heading, document.abstract, body)
        for start in range(0, len(cues), 300):
            batch = cues[start:start + 300]
            values = ", ".join("({}, {}, {}, {}, to_tsvector('english', {}))" for _ in batch)
            args = [v for cue in batch for v in (cue.cue_id, document.item_id, cue.start, cue.text, cue.text)]
            await self._run(f"INSERT INTO archive_search_cue (cue_id, item_id, start, text, document) VALUES {values}",
                            *args)

    async def remove_item(self, item_id: int) -> None:
        await self._run("DELETE FROM archive_search_item WHERE item_id = {}", item_id)
        await self._run("DELETE FROM archive_search_cue WHERE item_id = {}", item_id)

    async def clear(self) -> None:
        await self._run("TRUNCATE archive_search_item, archive_search_cue")

    async def search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        expression, query_args = tsquery(query)
        where, scope_args = scope_condition(scope)
        matched = (f"WITH q AS (SELECT {expression} AS query), matched AS ("
                   " SELECT s.item_id, ts_rank(s.document, q.query) AS score FROM archive_search_item AS s"
                   " CROSS JOIN q JOIN archive_item AS ai ON ai.id = s.item_id"
                   f" WHERE s.document @@ q.query AND {where})")
        rows = await self._run(
            f"{matched} SELECT m.item_id, (SELECT count(*) FROM matched) AS total,"
            " ts_headline('english', concat_ws(' … ', s.abstract, s.transcript, s.questions), q.query, {}) AS snippet"
            " FROM matched AS m JOIN archive_search_item AS s ON s.item_id = m.item_id CROSS JOIN q"
            f" ORDER BY m.score DESC, m.item_id LIMIT {int(limit)} OFFSET {int(offset)}",
            *query_args, *scope_args, HEADLINE)
        facets = await self._run(
            f"{matched} SELECT facet, value, count(*) AS n FROM item_facet WHERE item IN (SELECT item_id FROM matched)"
            " GROUP BY facet, value", *query_args, *scope_args)
        if rows:
            total = rows[0]["total"]
        else:
            total = (await self._run(f"{matched} SELECT count(*) AS n FROM matched", *query_args, *scope_args))[0]["n"]
        return ItemPage(total, [ItemHit(r["item_id"], r["snippet"] or "") for r in rows], facet_counts(facets))

    async def moments(self, query: SearchQuery, item_ids: list[int], per_item: int) -> list[Moment]:
        if not item_ids or query.is_empty:
            return []
        expression, args = tsquery(query, any_term=True)
        rows = await self._run(
            f"WITH q AS (SELECT {expression} AS query) SELECT c.item_id AS item, c.start,"
            " ts_headline('english', c.text, q.query, {}) AS snippet FROM archive_search_cue AS c CROSS JOIN q"
            " WHERE c.item_id = ANY({}::int[]) AND c.document @@ q.query"
            " ORDER BY ts_rank(c.document, q.query) DESC, c.start", *args, CUE_HEADLINE, item_ids)
        return best_per_item(rows, per_item, lambda r: int(r["item"]))
