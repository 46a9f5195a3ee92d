from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T17:06:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "each poll option once per person"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sessions", description=DESCRIPTION)

    async def one_choice_each() -> None:
        await engine_finder().run_ddl("CREATE UNIQUE INDEX poll_vote_once ON poll_vote (poll, voter, option)")

    async def undo() -> None:
        await engine_finder().run_ddl("DROP INDEX poll_vote_once")

    manager.add_raw(one_choice_each)
    manager.add_raw_backwards(undo)
    return manager
