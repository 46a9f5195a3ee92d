"""Search in each document's own language on PostgreSQL (SQLite's FTS5 index is unchanged).

Builds a ``hallway_<language>`` text search configuration for each Snowball stemmer,
folding accents with the ``unaccent`` extension where the server has it, and records
each indexed document's configuration. Run ``hallway reindex`` after upgrading: items
indexed before this migration keep their English reading until then.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-01T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search each document in its own language (PostgreSQL)"

# The list of archive.search.languages.CONFIGURATIONS when this migration was written
# (a migration keeps its own copy: later changes to the module must not change it).
CONFIGURATIONS = (
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "turkish",
    "simple",
)
UNACCENT = (
    "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS unaccent;"
    " EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'unaccent is not available: accents are not folded (%)', SQLERRM;"
    " END $$"
)


def configuration(base: str) -> list[str]:
    dictionary = "simple" if base == "simple" else f"{base}_stem"
    return [
        f"CREATE TEXT SEARCH CONFIGURATION hallway_{base} (COPY = pg_catalog.{base})",
        "DO $$ BEGIN IF EXISTS (SELECT FROM pg_extension WHERE extname = 'unaccent') THEN"
        f" ALTER TEXT SEARCH CONFIGURATION hallway_{base} ALTER MAPPING FOR hword, hword_part, word"
        f" WITH unaccent, {dictionary}; END IF; END $$",
    ]


POSTGRES = [
    UNACCENT,
    *[statement for base in CONFIGURATIONS for statement in configuration(base)],
    "ALTER TABLE archive_search_item ADD COLUMN config regconfig NOT NULL DEFAULT 'hallway_english'",
    "ALTER TABLE archive_search_cue ADD COLUMN config regconfig NOT NULL DEFAULT 'hallway_english'",
    # The languages the index holds: a query is read in each (a handful of rows).
    "CREATE TABLE archive_search_language (config regconfig PRIMARY KEY)",
    "INSERT INTO archive_search_language SELECT DISTINCT config FROM archive_search_item",
]
DROP = [
    "DROP TABLE archive_search_language",
    "ALTER TABLE archive_search_cue DROP COLUMN config",
    "ALTER TABLE archive_search_item DROP COLUMN config",
    *[f"DROP TEXT SEARCH CONFIGURATION hallway_{base}" for base in CONFIGURATIONS],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="archive", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        assert engine is not None
        if isinstance(engine, PostgresEngine):
            for statement in POSTGRES:
                await engine.run_ddl(statement)

    async def drop() -> None:
        engine = engine_finder()
        assert engine is not None
        if isinstance(engine, PostgresEngine):
            for statement in DROP:
                await engine.run_ddl(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
