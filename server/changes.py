"""Telling other packages that something changed, without importing them, once it is committed.

A package announces a typed change (a frozen dataclass it declares next to the operation that makes
it: ``sessions.questions.QaThreadChanged``); packages above it react to it (the archive reindexes,
the live layer pushes, jobs are queued). ``server/app.py``'s ``connect_packages`` connects them, for
the web app and the CLI alike, so the arrows of ARCHITECTURE.md still point down.

Listeners see committed data: an announcement made inside :func:`transaction` waits for the commit,
and is dropped if the transaction rolls back. A listener that fails is logged and never undoes the
change or stops the other listeners.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """What every announced change is: a frozen dataclass naming what changed."""


C = TypeVar("C", bound=Change)
Listener = Callable[[Any], Awaitable[None]]

_listeners: dict[type[Change], list[Listener]] = {}
_pending: ContextVar[list[Change] | None] = ContextVar("hallway_pending_changes", default=None)


def listen(kind: type[C], listener: Callable[[C], Awaitable[None]]) -> None:
    """Call ``listener`` with every committed change of ``kind`` (registering twice keeps one)."""
    if listener not in _listeners.setdefault(kind, []):
        _listeners[kind].append(listener)


def forget(kind: type[Change], listener: Listener) -> None:
    """Stop calling ``listener`` (tests that listen for a while)."""
    if listener in _listeners.get(kind, []):
        _listeners[kind].remove(listener)


def forget_all() -> None:
    """No listeners at all (the wiring starts from here)."""
    _listeners.clear()


async def announce(change: Change) -> None:
    """Tell every listener of ``change``'s kind: now, or after the surrounding :func:`transaction` commits."""
    pending = _pending.get()
    if pending is not None:
        pending.append(change)
        return
    await _deliver(change)


async def _deliver(change: Change) -> None:
    for listener in list(_listeners.get(type(change), [])):
        try:
            await listener(change)
        except Exception:
            log.exception("listener %s for %s failed", getattr(listener, "__qualname__", listener), change)


@asynccontextmanager
async def transaction(table: Any) -> AsyncIterator[None]:
    """A database transaction on ``table``'s engine whose announcements are delivered after it commits."""
    outer = _pending.get()
    if outer is not None:  # already collecting: the outermost transaction delivers
        async with table._meta.db.transaction():
            yield
        return
    collected: list[Change] = []
    token = _pending.set(collected)
    try:
        async with table._meta.db.transaction():
            yield
    finally:
        _pending.reset(token)
    for change in collected:  # reached only after the commit; a rollback raised past this
        await _deliver(change)
