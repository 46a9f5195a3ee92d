"""Networking tables: rooms and tables, their chat, sanctions, connection requests, speed-networking rounds."""

from enum import Enum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Array, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns import Serial
from piccolo.table import Table

from events.tables import Event

MESSAGE_MAX = 2000


class RoomKind(str, Enum):
    lounge = "lounge"
    table = "table"
    breakout = "breakout"
    speed = "speed"


class SanctionKind(str, Enum):
    mute = "mute"
    ban = "ban"


class NetworkingRoom(Table):
    """A live space of an event (the foreign key keeps rooms from outliving their event)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade, index=True)
    slug = Varchar(length=80)
    name = Varchar(length=100)
    description = Text(default="")
    tags = Array(base_column=Varchar(length=60), default=list)
    kind = Varchar(length=16, choices=RoomKind, default=RoomKind.table)
    capacity = Integer(null=True, default=None)
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)
    video_url = Varchar(length=500, default="")
    position = Integer(default=0)
    parent: ForeignKey["NetworkingRoom"] = ForeignKey(references="self", null=True, on_delete=OnDelete.cascade)
    archived_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ChatMessage(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    room = ForeignKey(references=NetworkingRoom, null=False, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    body = Text()
    created_at = Timestamptz()
    edited_at = Timestamptz(null=True, default=None)
    deleted_by = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    deleted_at = Timestamptz(null=True, default=None)
    # room:author:nonce from the sender, so a message sent again after a lost answer is stored once
    # (a unique index made by the migration networking_2026_11_22t21_27_17).
    client_key = Varchar(length=100, null=True, default=None)


class RoomSanction(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    room = ForeignKey(references=NetworkingRoom, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=8, choices=SanctionKind)
    created_by = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class ConnectionRequest(Table):
    """'Ask to connect': once accepted, both see each other's chosen contact details."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    sender = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    recipient = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    message = Text(default="")
    created_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    declined_at = Timestamptz(null=True, default=None)


class SpeedRound(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    room = ForeignKey(references=NetworkingRoom, null=False, on_delete=OnDelete.cascade)
    number = Integer()
    minutes = Integer()
    starts_at = Timestamptz()
    ends_at = Timestamptz()


class SpeedGroupMember(Table):
    """Who sat together in which breakout of a round: the history that keeps pairs from repeating."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    round = ForeignKey(references=SpeedRound, null=False, on_delete=OnDelete.cascade)
    breakout = ForeignKey(references=NetworkingRoom, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
