"""The full-text search index (FTS5 on SQLite, tsvector on PostgreSQL) and indexes Piccolo cannot declare.

Piccolo runs a migration's raw statements before its tables, so these follow the
package's initial migration as a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-30T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "full-text search index (FTS5 on SQLite, tsvector on PostgreSQL)"

# The index holds one document per published item (for ranking and facets) and one per
# caption cue (for the moments inside a recording). archive/search/ reads and writes it.
FACETS = "CREATE INDEX item_facet_counts ON item_facet (item, facet, value)"  # facet counts read only this index
SQLITE = [
    "CREATE UNIQUE INDEX session_topic_once ON session_topic (session_guid, topic)",
    FACETS,
    "CREATE VIRTUAL TABLE archive_search_item USING fts5("
    " title, people, topics, abstract, transcript, questions,"
    " tokenize = 'porter unicode61 remove_diacritics 2')",
    # `item` holds one token per cue ("i42"): matching it narrows a query to one item cheaply.
    "CREATE VIRTUAL TABLE archive_search_cue USING fts5("
    " text, item, start UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')",
]
POSTGRES = [
    "CREATE UNIQUE INDEX session_topic_once ON session_topic (session_guid, topic)",
    FACETS,
    # `head` (title, people, topics, abstract) ranks very common terms cheaply; `document` adds the rest.
    "CREATE TABLE archive_search_item (item_id integer PRIMARY KEY, title text, people text, topics text,"
    " abstract text, transcript text, questions text, head tsvector NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX archive_search_item_document ON archive_search_item USING GIN (document)",
    "CREATE INDEX archive_search_item_head ON archive_search_item USING GIN (head)",
    "CREATE TABLE archive_search_cue (cue_id bigint PRIMARY KEY, item_id integer NOT NULL,"
    " start double precision NOT NULL, text text NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX archive_search_cue_document ON archive_search_cue USING GIN (document)",
    "CREATE INDEX archive_search_cue_item ON archive_search_cue (item_id)",
]
DROP = [
    "DROP INDEX session_topic_once",
    "DROP INDEX item_facet_counts",
    "DROP TABLE archive_search_item",
    "DROP TABLE archive_search_cue",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="archive", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in POSTGRES if isinstance(engine, PostgresEngine) else SQLITE:
            await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in DROP:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
