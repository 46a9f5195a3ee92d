"""Networking rooms of an event, their chat and their sanctions, as plain values.

Nothing here knows about sockets: ``networking.live`` calls these functions and
broadcasts what they return.
"""

from __future__ import annotations

from server.i18n import _
import re
from typing import Any
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from networking import protocol
from networking.tables import MESSAGE_MAX, ChatMessage, NetworkingRoom, RoomKind, RoomSanction, SanctionKind
from server.accounts import display_names
from server.protocol import Named
from server.validation import has_visible_text, text_problem
from server.problems import Invalid

HISTORY_SIZE = 50
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")


@dataclass(frozen=True)
class RoomInfo:
    id: int
    event_id: int
    slug: str
    name: str
    description: str
    tags: tuple[str, ...]
    kind: str
    capacity: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    video_url: str
    position: int
    parent_id: int | None

    def is_open(self, now: datetime) -> bool:
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)


@dataclass(frozen=True)
class Message:
    id: int
    room_id: int
    author_id: int | None
    author_name: str
    body: str
    created_at: datetime
    deleted: bool

    def as_payload(self) -> protocol.ChatMessage:
        return protocol.ChatMessage(
            id=self.id,
            room=self.room_id,
            author=Named(id=self.author_id, name=self.author_name),
            body="" if self.deleted else self.body,
            deleted=self.deleted,
            created_at=self.created_at.isoformat(),
        )


@dataclass
class RoomInput:
    name: str
    slug: str
    kind: str = RoomKind.table.value
    description: str = ""
    tags: list[str] | None = None
    capacity: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    video_url: str = ""
    position: int = 0


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _room(row: dict[str, Any]) -> RoomInfo:
    return RoomInfo(
        id=row["id"],
        event_id=row["event"],
        slug=row["slug"],
        name=row["name"],
        description=row["description"],
        tags=tuple(row["tags"] or ()),
        kind=row["kind"],
        capacity=row["capacity"],
        opens_at=_utc(row["opens_at"]),
        closes_at=_utc(row["closes_at"]),
        video_url=row["video_url"],
        position=row["position"],
        parent_id=row["parent"],
    )


def check_room(data: RoomInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip() or len(data.name) > 100:
        errors["name"] = _("Give the room a name of up to 100 characters.")
    if not SLUG.match(data.slug):
        errors["slug"] = _("Use 2 to 80 lower-case letters, digits and hyphens.")
    if data.kind not in {kind.value for kind in RoomKind}:
        errors["kind"] = _("Choose lounge, table, breakout or speed networking.")
    if data.capacity is not None and not 1 <= data.capacity <= 10_000:
        errors["capacity"] = _("Seats must be between 1 and 10000, or empty for no limit.")
    if data.video_url and (urlsplit(data.video_url).scheme != "https" or not urlsplit(data.video_url).netloc):
        errors["video_url"] = _("Video links must start with https://.")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        errors["closes_at"] = _("A room must close after it opens.")
    if len(data.description) > 2000:
        errors["description"] = _("Use at most 2000 characters.")
    return errors


async def create_room(event_id: int, data: RoomInput, parent_id: int | None = None) -> RoomInfo:
    errors = check_room(data)
    if "slug" not in errors and await NetworkingRoom.exists().where(
        (NetworkingRoom.event == event_id) & (NetworkingRoom.slug == data.slug)
    ):
        errors["slug"] = _("This event already has a room at this address.")
    if errors:
        raise Invalid(errors)
    row = NetworkingRoom(
        event=event_id,
        slug=data.slug,
        name=data.name.strip(),
        kind=data.kind,
        description=data.description.strip(),
        tags=sorted({t.strip() for t in data.tags or [] if t.strip()})[:20],
        capacity=data.capacity,
        opens_at=_utc(data.opens_at),
        closes_at=_utc(data.closes_at),
        video_url=data.video_url,
        position=data.position,
        parent=parent_id,
        created_at=datetime.now(timezone.utc),
    )
    await row.save()
    created = await get_room(row.id)
    assert created is not None
    return created


async def get_room(room_id: int) -> RoomInfo | None:
    row = (
        await NetworkingRoom.select()
        .where((NetworkingRoom.id == room_id) & NetworkingRoom.archived_at.is_null())
        .first()
    )
    return _room(row) if row else None


async def room_by_slug(event_id: int, slug: str) -> RoomInfo | None:
    row = (
        await NetworkingRoom.select()
        .where(
            (NetworkingRoom.event == event_id) & (NetworkingRoom.slug == slug) & NetworkingRoom.archived_at.is_null()
        )
        .first()
    )
    return _room(row) if row else None


async def list_rooms(event_id: int, *, include_breakouts: bool = False) -> list[RoomInfo]:
    query = NetworkingRoom.select().where((NetworkingRoom.event == event_id) & NetworkingRoom.archived_at.is_null())
    if not include_breakouts:
        query = query.where(NetworkingRoom.kind != RoomKind.breakout)
    return [_room(row) for row in await query.order_by(NetworkingRoom.position).order_by(NetworkingRoom.id)]


async def archive_room(room_id: int) -> None:
    await NetworkingRoom.update({NetworkingRoom.archived_at: datetime.now(timezone.utc)}).where(
        NetworkingRoom.id == room_id
    )


# Chat -------------------------------------------------------------------------------------------


def check_message(body: object) -> str:
    """The message text to store, or Invalid for anything that is not a short, non-empty text."""
    if not isinstance(body, str):
        raise Invalid({"body": _("A message must be text.")})
    text = body.replace("\r\n", "\n").strip()
    if not has_visible_text(text):
        raise Invalid({"body": _("A message cannot be empty.")})
    if len(text) > MESSAGE_MAX:
        raise Invalid({"body": _("A message can be at most %(count)s characters.", count=MESSAGE_MAX)})
    if problem := text_problem(text):  # refused, not silently dropped: what is stored is what was sent
        raise Invalid({"body": problem})
    return text


NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def check_nonce(nonce: object) -> str | None:
    """The sender's own name for one message, or None; anything else is refused."""
    if nonce is None:
        return None
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        raise Invalid({"nonce": _("A nonce is 8 to 64 letters, digits, - or _.")})
    return nonce


async def post_message(room_id: int, author_id: int, body: str, nonce: str | None = None) -> Message:
    """Store a message first; only then is it acknowledged and broadcast.

    With a ``nonce`` the same message sent again (after an answer lost to a dropped connection or a
    dying worker) is stored once: the second call returns the first message.
    """
    text = check_message(body)
    key = f"{room_id}:{author_id}:{check_nonce(nonce)}" if nonce is not None else None
    if key is not None and (earlier := await _message_with_key(key)) is not None:
        return earlier
    row = ChatMessage(room=room_id, author=author_id, body=text, created_at=datetime.now(timezone.utc), client_key=key)
    try:
        await row.save()
    except Exception:
        if key is not None and (earlier := await _message_with_key(key)) is not None:
            return earlier  # the same message arrived twice at once, on two workers
        raise
    names = await display_names([author_id])
    return Message(row.id, room_id, author_id, names.get(author_id, ""), text, row.created_at, False)


async def _message_with_key(key: str) -> Message | None:
    rows = await ChatMessage.select().where(ChatMessage.client_key == key)
    return (await _messages(rows))[0] if rows else None


async def _messages(rows: list[dict[str, Any]]) -> list[Message]:
    names = await display_names(sorted({row["author"] for row in rows if row["author"]}))
    return [
        Message(
            row["id"],
            row["room"],
            row["author"],
            names.get(row["author"], "Former member"),
            row["body"],
            _utc(row["created_at"]) or datetime.now(timezone.utc),  # never missing: the column has a default
            row["deleted_at"] is not None,
        )
        for row in rows
    ]


async def recent_messages(room_id: int, *, before: int | None = None, limit: int = HISTORY_SIZE) -> list[Message]:
    """The ``limit`` messages before ``before`` (or the newest), oldest first."""
    query = ChatMessage.select().where(ChatMessage.room == room_id)
    if before is not None:
        query = query.where(ChatMessage.id < before)
    return await _messages(list(reversed(await query.order_by(ChatMessage.id, ascending=False).limit(limit))))


async def delete_message(room_id: int, message_id: int, moderator_id: int) -> bool:
    exists = await ChatMessage.exists().where((ChatMessage.id == message_id) & (ChatMessage.room == room_id))
    if not exists:
        return False
    await ChatMessage.update(
        {ChatMessage.deleted_at: datetime.now(timezone.utc), ChatMessage.deleted_by: moderator_id}
    ).where(ChatMessage.id == message_id)
    return True


# Sanctions --------------------------------------------------------------------------------------


async def sanction(room_id: int, user_id: int, kind: SanctionKind, moderator_id: int) -> None:
    if not await has_sanction(room_id, user_id, kind):
        await RoomSanction(
            room=room_id, user=user_id, kind=kind, created_by=moderator_id, created_at=datetime.now(timezone.utc)
        ).save()


async def lift_sanction(room_id: int, user_id: int, kind: SanctionKind) -> None:
    await RoomSanction.delete().where(
        (RoomSanction.room == room_id) & (RoomSanction.user == user_id) & (RoomSanction.kind == kind)
    )


async def has_sanction(room_id: int, user_id: int, kind: SanctionKind) -> bool:
    return await RoomSanction.exists().where(
        (RoomSanction.room == room_id) & (RoomSanction.user == user_id) & (RoomSanction.kind == kind)
    )
