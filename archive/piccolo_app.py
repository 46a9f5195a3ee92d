"""Migrations app for `archive`."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="archive",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(["archive.tables"], exclude_imported=True),
    migration_dependencies=["events.piccolo_app", "sessions.piccolo_app"],
)
