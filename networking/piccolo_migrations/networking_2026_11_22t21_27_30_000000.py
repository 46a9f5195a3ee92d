"""A unique index on chat_message.client_key (see the migration before this one)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T21:27:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique chat_message.client_key"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="networking", description=DESCRIPTION)

    async def unique_index() -> None:
        from networking.tables import ChatMessage

        await ChatMessage.raw("CREATE UNIQUE INDEX chat_message_client_key ON chat_message (client_key)")

    manager.add_raw(unique_index)
    return manager
