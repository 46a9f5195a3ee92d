"""Migrations app for the infrastructure tables (profiles, notifications, mail outbox, activity counts, links
mailed to people, background jobs)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.tables import (
    ActivityCount,
    ActivityPeak,
    EmailConfirmation,
    Job,
    Notification,
    OutboxMail,
    PasswordReset,
    Profile,
)

APP_CONFIG = AppConfig(
    app_name="server",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Profile,
        Notification,
        OutboxMail,
        ActivityCount,
        ActivityPeak,
        PasswordReset,
        EmailConfirmation,
        Job,
    ],
    migration_dependencies=["piccolo.apps.user.piccolo_app"],
)
