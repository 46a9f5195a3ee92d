"""Piccolo's configuration module (``PICCOLO_CONF=server.piccolo_conf``).

It names each package's migrations app by string; Piccolo imports them. The
engine is replaced by :func:`server.database.use_engine` at start-up.
"""

from piccolo.conf.apps import AppRegistry

from server.database import engine_from_url
from server.settings import load_settings

DB = engine_from_url(load_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "server.piccolo_app",
        "events.piccolo_app",
        "sessions.piccolo_app",
        "networking.piccolo_app",
        "archive.piccolo_app",
    ]
)
