from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Time
from piccolo.columns.defaults.time import TimeCustom
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "each event's own day change (frab's day_change), 04:00 as before"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Event",
        tablename="event",
        column_name="day_change",
        db_column_name="day_change",
        column_class_name="Time",
        column_class=Time,
        params={
            "default": TimeCustom(hour=4, minute=0, second=0), "null": False, "primary_key": False, "unique": False,
            "index": False, "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
