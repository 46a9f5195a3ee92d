"""Migrations app for networking: rooms, chat, sanctions, connections, speed networking."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from networking.tables import (
    ChatMessage,
    ConnectionRequest,
    NetworkingRoom,
    RoomSanction,
    SpeedGroupMember,
    SpeedRound,
)

APP_CONFIG = AppConfig(
    app_name="networking",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[NetworkingRoom, ChatMessage, RoomSanction, ConnectionRequest, SpeedRound, SpeedGroupMember],
    migration_dependencies=["events.piccolo_app"],
)
