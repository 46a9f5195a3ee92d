"""Indexes Piccolo cannot declare: a chat message sent again (same client key) is stored once.

Piccolo runs a migration's raw statements before its tables, so these follow the
package's initial migration as a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique chat_message.client_key"

# NULLs (messages without a key) never collide; SQLite cannot add a UNIQUE column, hence an index.
CREATE = ["CREATE UNIQUE INDEX chat_message_client_key ON chat_message (client_key)"]
DROP = ["DROP INDEX chat_message_client_key"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="networking", description=DESCRIPTION)

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
