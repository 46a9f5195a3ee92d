"""Indexes Piccolo cannot declare: one vote per person and question, each poll option once per person.

Piccolo runs a migration's raw statements before its tables, so these follow the
package's initial migration as a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "one vote per person and question; each poll option once per person"

# Two workers recording the same vote at the same moment still store it once.
CREATE = [
    "CREATE UNIQUE INDEX question_vote_once ON question_vote (question, voter)",
    "CREATE UNIQUE INDEX poll_vote_once ON poll_vote (poll, voter, option)",
]
DROP = ["DROP INDEX question_vote_once", "DROP INDEX poll_vote_once"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="sessions", description=DESCRIPTION)

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
