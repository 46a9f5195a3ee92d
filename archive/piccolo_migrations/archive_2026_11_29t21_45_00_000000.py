from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import BigInt, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Recording(Table, tablename="recording", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


ID = "2026-11-29T21:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "compressed copies of uploaded recordings (MP3, H.264 MP4) made by ffmpeg"

_COMMON = {"null": False, "primary_key": False, "unique": False, "index_method": IndexMethod.btree, "choices": None,
           "db_column_name": None, "secret": False}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="archive", description=DESCRIPTION)
    manager.add_table(class_name="MediaDerivative", tablename="media_derivative", schema=None, columns=None)
    columns = [
        ("recording", ForeignKey, {"references": Recording, "on_delete": OnDelete.cascade,
                                   "on_update": OnUpdate.cascade, "target_column": None, "index": True}),
        ("profile", Varchar, {"length": 16, "default": "", "index": False}),
        ("file_name", Varchar, {"length": 200, "default": "", "index": False}),
        ("mime_type", Varchar, {"length": 100, "default": "", "index": False}),
        ("size", BigInt, {"default": 0, "index": False}),
        ("created_at", Timestamptz, {"default": TimestamptzNow(), "index": False}),
    ]
    for name, column_class, params in columns:
        manager.add_column(table_class_name="MediaDerivative", tablename="media_derivative", column_name=name,
                           db_column_name=name, column_class_name=column_class.__name__, column_class=column_class,
                           params={**_COMMON, **params}, schema=None)
    return manager
