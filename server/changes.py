"""Telling other packages that content changed, without importing them.

A lower package (sessions) announces "this Q&A thread changed"; a higher one (archive)
listens and refreshes its search index. ``server/app.py`` connects the two, so the arrows
of ARCHITECTURE.md still point down.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

Listener = Callable[[str], Awaitable[None]]
QA_THREAD = "qa-thread"  # key: the session guid
RECORDING_STORED = "recording-stored"  # key: the id of a recording whose file was uploaded

_listeners: dict[str, list[Listener]] = {}
log = logging.getLogger(__name__)


def listen(kind: str, listener: Listener) -> None:
    if listener not in _listeners.setdefault(kind, []):
        _listeners[kind].append(listener)


async def changed(kind: str, key: str) -> None:
    """Tell every listener; a listener that fails is logged and does not undo the change."""
    for listener in _listeners.get(kind, []):
        try:
            await listener(key)
        except Exception:
            log.exception("listener for %s %s failed", kind, key)
