"""Chat messages carry the sender's key (room:author:nonce), so a message sent again is stored once.

Written by hand: SQLite cannot add a UNIQUE column, so the column is added plain here and the
next migration makes it unique with an index (NULLs, the messages without a key, never collide).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T21:27:17:013425"
VERSION = "1.38.0"
DESCRIPTION = "chat_message.client_key"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="networking", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ChatMessage",
        tablename="chat_message",
        column_name="client_key",
        db_column_name="client_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={"length": 100, "default": None, "null": True, "primary_key": False, "unique": False,
                "index": False, "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
                "secret": False},
        schema=None,
    )
    return manager
