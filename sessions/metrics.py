"""The names under which live sessions count their audience, for ``server.activity`` and the insights pages."""

from __future__ import annotations

LIVE_VIEWERS = "session.live"  # peak people on a session's live page at once, per hour, keyed by session guid
ONLINE_NOW = "event.online"  # peak people on any of an event's live pages at once, per hour, keyed by event id
