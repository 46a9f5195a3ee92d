from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one activity row per name, key and bucket"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="server", description=DESCRIPTION)

    async def one_row_per_bucket() -> None:
        # The upsert that adds each worker's counts needs a unique (name, key, bucket) to conflict on.
        for table in ("activity_count", "activity_peak"):
            await engine_finder().run_ddl(f"CREATE UNIQUE INDEX {table}_slot ON {table} (name, key, bucket)")

    async def drop_unique() -> None:
        for table in ("activity_count", "activity_peak"):
            await engine_finder().run_ddl(f"DROP INDEX {table}_slot")

    manager.add_raw(one_row_per_bucket)
    manager.add_raw_backwards(drop_unique)
    return manager
