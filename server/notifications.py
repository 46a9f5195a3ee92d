"""In-app notifications: stored first, then pushed live to every open page of the recipient.

Domain packages call :func:`notify`; the live layer installs the one
publisher with :func:`publish_notifications_with`, so no domain code touches sockets. (Email delivery
per person's preference joins this when the mail outbox exists.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Awaitable, Callable

from server.tables import Notification

Publisher = Callable[[int, dict[str, object]], Awaitable[None]]
_publisher: list[Publisher] = []


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read: bool


def publish_notifications_with(publisher: Publisher) -> None:
    """Install how notifications reach open pages (the app's socket.io server)."""
    _publisher[:] = [publisher]


async def notify(recipient_id: int, kind: str, text: str, link: str = "") -> None:
    await Notification(recipient=recipient_id, kind=kind, text=text[:1000], link=link[:500],
                       created_at=datetime.now(timezone.utc)).save()
    payload = {"kind": kind, "text": text, "link": link, "unread": await unread_count(recipient_id)}
    for publisher in _publisher:
        await publisher(recipient_id, payload)


async def unread_count(user_id: int) -> int:
    return await Notification.count().where((Notification.recipient == user_id) & Notification.read_at.is_null())


async def list_notifications(user_id: int, limit: int = 50) -> list[NotificationItem]:
    rows = await Notification.select().where(Notification.recipient == user_id).order_by(
        Notification.id, ascending=False).limit(limit)
    return [NotificationItem(row["id"], row["kind"], row["text"], row["link"], row["created_at"], row["read_at"] is not None)
            for row in rows]


async def mark_all_read(user_id: int) -> None:
    await Notification.update({Notification.read_at: datetime.now(timezone.utc)}).where(
        (Notification.recipient == user_id) & Notification.read_at.is_null())
