"""Search on PostgreSQL: weighted tsvectors with GIN indexes, ts_rank, ts_headline, facet counts."""

from __future__ import annotations

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
from archive.search.languages import search_configuration
from archive.search.query import SearchQuery
from archive.search.scope import scope_condition

HEAD = (
    "setweight(to_tsvector({0}, {{}}), 'A') || setweight(to_tsvector({0}, {{}}), 'B')"
    " || setweight(to_tsvector({0}, {{}}), 'C')"
).format("{}::regconfig")
HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=…"
CUE_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"


def tsquery(query: SearchQuery, configurations: list[str], *, any_term: bool = False) -> tuple[str, list[str]]:
    """A tsquery expression with every phrase bound as a parameter, read in each of ``configurations``."""
    args: list[str] = []

    def alternatives(phrases: tuple[tuple[str, ...], ...]) -> str:
        readings = []
        for phrase in phrases:
            for configuration in configurations:
                args.extend((configuration, " ".join(phrase)))
                readings.append("phraseto_tsquery({}::regconfig, {})")
        return "(" + " || ".join(readings) + ")"

    if any_term:
        return alternatives(tuple(a for c in query.clauses for a in c.alternatives)), args
    sql = " && ".join(alternatives(c.alternatives) for c in query.clauses)
    if query.excluded:
        sql += " && !!" + alternatives(query.excluded)
    return sql, args


class PostgresSearch:
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
        heading = f"{document.people} {document.topics}"
        body = f"{document.transcript} {document.questions}"
        configuration = search_configuration(document.language)
        await self.remove_item(document.item_id)
        await self._run(
            "INSERT INTO archive_search_item (item_id, title, people, topics, abstract, transcript, questions,"
            " config, head, document) SELECT {}, {}, {}, {}, {}, {}, {}, {}::regconfig, head,"
            f" head || setweight(to_tsvector({{}}::regconfig, {{}}), 'D') FROM (SELECT {HEAD} AS head) AS parts",
            document.item_id,
            document.title,
            document.people,
            document.topics,
            document.abstract,
            document.transcript,
            document.questions,
            configuration,
            configuration,
            body,
            configuration,
            document.title,
            configuration,
            heading,
            configuration,
            document.abstract,
        )
        for start in range(0, len(cues), 300):
            batch = cues[start : start + 300]
            values = ", ".join("({}, {}, {}, {}, {}::regconfig, to_tsvector({}::regconfig, {}))" for _ in batch)
            args = [
                v
                for cue in batch
                for reading in [search_configuration(cue.language)]
                for v in (cue.cue_id, document.item_id, cue.start, cue.text, reading, reading, cue.text)
            ]
            await self._run(
                f"INSERT INTO archive_search_cue (cue_id, item_id, start, text, config, document) VALUES {values}",
                *args,
            )
        readings = sorted({configuration} | {search_configuration(cue.language) for cue in cues})
        await self._run(
            "INSERT INTO archive_search_language (config) SELECT unnest({}::text[])::regconfig ON CONFLICT DO NOTHING",
            readings,
        )

    async def _configurations(self) -> list[str]:
        """The configurations of the languages the index holds: a query is read in each."""
        rows = await self._run("SELECT config::text AS config FROM archive_search_language ORDER BY config::text")
        return [row["config"] for row in rows] or [search_configuration("en")]

    async def remove_item(self, item_id: int) -> None:
        await self._run("DELETE FROM archive_search_item WHERE item_id = {}", item_id)
        await self._run("DELETE FROM archive_search_cue WHERE item_id = {}", item_id)

    async def clear(self) -> None:
        await self._run("TRUNCATE archive_search_item, archive_search_cue, archive_search_language")

    async def optimize(self) -> None:
        """After a rebuild: planner statistics, and a visibility map so facet counts read only their index."""
        for table in ("archive_search_item", "archive_search_cue", "archive_item", "item_facet"):
            await self.engine.run_ddl(f"VACUUM (ANALYZE) {table}")  # not in a transaction: VACUUM refuses one

    async def search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        """All matches from the GIN index, ranked with ts_rank (bounded by RANK_LIMIT), headlines, facets."""
        async with self.engine.transaction():
            await self._prefer_indexes()
            return await self._search_items(query, scope, limit, offset)

    async def _prefer_indexes(self) -> None:
        # The tsvectors live in TOAST, so the heap looks small and the planner walks it (by sequential
        # or primary-key scan), decompressing every document: 110-400 ms for 10,000 talks, against
        # 9 ms through a bitmap scan of the GIN index. Bitmap scans serve every query here well.
        await self._run("SET LOCAL enable_seqscan = off")
        await self._run("SET LOCAL enable_indexscan = off")

    async def _search_items(self, query: SearchQuery, scope: SearchScope, limit: int, offset: int) -> ItemPage:
        expression, query_args = tsquery(query, await self._configurations())
        where, scope_args = scope_condition(scope)
        rows = await self._run(
            f"WITH q AS (SELECT {expression} AS query) SELECT s.item_id, ai.starts_at,"
            " CASE WHEN s.head @@ q.query THEN ts_rank(s.head, q.query) END AS head_score"
            " FROM archive_search_item AS s CROSS JOIN q JOIN archive_item AS ai ON ai.id = s.item_id"
            f" WHERE s.document @@ q.query AND {where}",
            *query_args,
            *scope_args,
        )
        matches = [Match(r["item_id"], r["starts_at"]) for r in rows]
        if len(matches) > RANK_LIMIT:  # the small head tsvector was ranked on the way: no second pass
            scores = {r["item_id"]: r["head_score"] for r in rows if r["head_score"] is not None}
        else:
            scores = (
                {
                    r["item_id"]: r["score"]
                    for r in await self._run(
                        f"WITH q AS (SELECT {expression} AS query) SELECT s.item_id, ts_rank(s.document, q.query) AS score"
                        " FROM archive_search_item AS s CROSS JOIN q WHERE s.item_id = ANY({}::int[])",
                        *query_args,
                        [m.item_id for m in matches],
                    )
                }
                if matches
                else {}
            )
        ordered = order_matches(matches, scores, higher_is_better=True)
        page = ordered[offset : offset + limit]
        # Headlines come from the abstract and the Q&A: headlining a whole transcript costs a
        # millisecond per item, and the moments already show where the transcript matched.
        snippets = (
            {
                r["item_id"]: r["snippet"] or ""
                for r in await self._run(
                    f"WITH q AS (SELECT {expression} AS query) SELECT s.item_id, ts_headline(s.config,"
                    " concat_ws(' … ', s.abstract, s.questions), q.query, {}) AS snippet"
                    " FROM archive_search_item AS s CROSS JOIN q WHERE s.item_id = ANY({}::int[])",
                    *query_args,
                    HEADLINE,
                    page,
                )
            }
            if page
            else {}
        )
        facets = (
            await self._run(
                "SELECT facet, value, count(*) AS n FROM item_facet WHERE item = ANY({}::int[]) GROUP BY facet, value",
                ordered,
            )
            if ordered
            else []
        )
        return ItemPage(len(ordered), [ItemHit(i, snippets.get(i, "")) for i in page], facet_counts(facets))

    async def moments(self, query: SearchQuery, item_ids: list[int], per_item: int) -> list[Moment]:
        if not item_ids or query.is_empty:
            return []
        expression, args = tsquery(query, await self._configurations(), any_term=True)
        async with self.engine.transaction():
            await self._prefer_indexes()
            rows = await self._run(
                f"WITH q AS (SELECT {expression} AS query) SELECT c.item_id AS item, c.start,"
                " ts_headline(c.config, c.text, q.query, {}) AS snippet FROM archive_search_cue AS c CROSS JOIN q"
                " WHERE c.item_id = ANY({}::int[]) AND c.document @@ q.query"
                " ORDER BY ts_rank(c.document, q.query) DESC, c.start",
                *args,
                CUE_HEADLINE,
                item_ids,
            )
        return best_per_item(rows, per_item, lambda r: int(r["item"]))
