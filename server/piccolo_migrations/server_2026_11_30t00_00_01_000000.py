"""Indexes Piccolo cannot declare: one activity row per name, key and bucket.

Piccolo runs a migration's raw statements before its tables, so these follow the
package's initial migration as a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (name, key, bucket) for the activity upserts"

# The upsert that adds each worker's counts needs a unique (name, key, bucket) to conflict on.
CREATE = [
    f"CREATE UNIQUE INDEX {table}_slot ON {table} (name, key, bucket)" for table in ("activity_count", "activity_peak")
]
DROP = [f"DROP INDEX {table}_slot" for table in ("activity_count", "activity_peak")]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="server", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in CREATE:
            await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in DROP:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
