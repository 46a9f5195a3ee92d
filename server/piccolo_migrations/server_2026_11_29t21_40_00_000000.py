from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "background jobs (media derivatives first), kept across restarts"

_COMMON = {"null": False, "primary_key": False, "unique": False, "index_method": IndexMethod.btree, "choices": None,
           "db_column_name": None, "secret": False}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="server", description=DESCRIPTION)
    manager.add_table(class_name="Job", tablename="background_job", schema=None, columns=None)
    columns = [
        ("kind", Varchar, {"length": 60, "default": "", "index": True}),
        ("key", Varchar, {"length": 200, "default": "", "index": False}),
        ("status", Varchar, {"length": 10, "default": "queued", "index": True}),
        ("progress", Integer, {"default": 0, "index": False}),
        ("message", Text, {"default": "", "index": False}),
        ("attempts", Integer, {"default": 0, "index": False}),
        ("claimed_by", Varchar, {"length": 100, "default": "", "index": False}),
        ("created_at", Timestamptz, {"default": TimestamptzNow(), "index": False}),
        ("updated_at", Timestamptz, {"default": TimestamptzNow(), "index": False}),
    ]
    for name, column_class, params in columns:
        manager.add_column(table_class_name="Job", tablename="background_job", column_name=name, db_column_name=name,
                           column_class_name=column_class.__name__, column_class=column_class,
                           params={**_COMMON, **params}, schema=None)
    return manager
