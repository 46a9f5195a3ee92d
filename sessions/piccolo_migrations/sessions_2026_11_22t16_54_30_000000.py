from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T16:54:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one vote per person and question"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sessions", description=DESCRIPTION)

    async def one_vote_per_person() -> None:
        # Piccolo has no composite unique constraint; this index makes a double vote impossible
        # even when two workers record the same vote at the same moment.
        await engine_finder().run_ddl("CREATE UNIQUE INDEX question_vote_once ON question_vote (question, voter)")

    async def allow_double_votes_again() -> None:
        await engine_finder().run_ddl("DROP INDEX question_vote_once")

    manager.add_raw(one_vote_per_person)
    manager.add_raw_backwards(allow_double_votes_again)
    return manager
