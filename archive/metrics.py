"""The names (and keys) under which the archive counts its use, for ``server.activity`` and the insights pages."""

from __future__ import annotations

ITEM_VIEW, ITEM_PLAY = "archive.view", "archive.play"
SEARCH_NOTHING, OAI_REQUEST = "archive.search_nothing", "archive.oai"
SEARCH_NOTHING_IN_EVENT = "archive.search_nothing_event"  # keyed by event_search_key(event title, words)


def event_search_key(event_title: str, words: str) -> str:
    """The key of an empty search made within one event's sessions: that event's insights show it, no other's."""
    return f"{event_title[:95]} | {words[:100]}"
