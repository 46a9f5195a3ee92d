"""Migrations app for the programme tables."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from events.tables import (
    AgendaFeed,
    Event,
    EventMember,
    Invitation,
    Presenter,
    Room,
    ScheduleRelease,
    Session,
    SessionPresenter,
    Star,
    Track,
)

APP_CONFIG = AppConfig(
    app_name="events",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Event,
        Track,
        Room,
        Session,
        Presenter,
        SessionPresenter,
        EventMember,
        Invitation,
        ScheduleRelease,
        Star,
        AgendaFeed,
    ],
    migration_dependencies=["server.piccolo_app"],
)
