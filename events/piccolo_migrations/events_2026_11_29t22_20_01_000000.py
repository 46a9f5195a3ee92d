import uuid

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID, ForeignKey, Serial, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-29T22:20:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "rooms that existed keep the guid their exports carried"


class Event(Table, tablename="event", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)
    slug = Varchar(length=100)


class Room(Table, tablename="room", schema=None):
    event = ForeignKey(references=Event)
    guid = UUID()
    name = Varchar(length=100)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def keep_the_guids_already_exported() -> None:
        """Existing rooms keep the guid their exports carried (made from the event's slug and the room's name)."""
        for row in await Room.select(Room.id, Room.name, Room.event.slug):
            guid = uuid.uuid5(uuid.NAMESPACE_URL, f"hallway:room:{row['event.slug']}:{row['name']}")
            await Room.update({Room.guid: guid}).where(Room.id == row["id"])

    manager.add_raw(keep_the_guids_already_exported)
    return manager
