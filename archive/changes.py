"""What the archive announces (server/changes.py delivers it after commit; the wiring decides who hears it)."""

from __future__ import annotations

from dataclasses import dataclass

from server.changes import Change


@dataclass(frozen=True)
class ArchiveSessionChanged(Change):
    """A session's recordings, captions, slides or topics changed: what search finds about it changed."""

    session_guid: str


@dataclass(frozen=True)
class ItemFirstPublished(Change):
    """A session entered the archive (or came back after a withdrawal): saved searches may match it."""

    item_id: int


@dataclass(frozen=True)
class RecordingStored(Change):
    """A recording's file was stored (uploaded, loaded by the demo, restored from a bag)."""

    recording_id: int
