"""The `/rooms` live protocol: every event clients send and the server emits, and the shape of each.

``live.py`` decodes what clients send with these structs and sends only these; the README's protocol
section is made from them (see server/protocol.py).
"""

from __future__ import annotations

from typing import ClassVar

from server.i18n import N_
from server.protocol import EventAddress, LiveEvent, LiveNamespace, Named, Payload, Person, RowId

AN_EVENT_ADDRESS = N_("'event' must be an event address.")

# What clients send ------------------------------------------------------------------------


class Join(Payload):
    event: EventAddress
    room: RowId
    refusals: ClassVar[dict[str, str]] = {"event": AN_EVENT_ADDRESS}


class InRoom(Payload):
    room: RowId


class Send(Payload):
    room: RowId
    body: str
    nonce: str | None = None  # the sender's own name for the message: sent again, it is stored once
    refusals: ClassVar[dict[str, str]] = {"body": N_("A message must be text.")}


class Moderate(Payload):
    room: RowId
    action: str
    message: RowId | None = None
    user: RowId | None = None


class WatchLounge(Payload):
    event: EventAddress
    refusals: ClassVar[dict[str, str]] = {"event": AN_EVENT_ADDRESS}


class StartSpeedRound(Payload):
    room: RowId
    minutes: float
    size: int = 2


# What the server answers and emits -----------------------------------------------------------


class RoomShown(Payload):
    """a room as its people see it"""

    id: int
    name: str
    description: str
    kind: str
    capacity: int | None
    video_url: str


class Seated(Payload):
    """A room as the person who just sat down in it sees it."""

    room: RoomShown
    people: list[Person]
    messages: list[ChatMessage]
    moderator: bool
    muted: bool
    me: int | None


class RoomNamed(Payload):
    """in the answer to a `join` that waits"""

    id: int
    name: str


class Waiting(Payload):
    """The room was full: a place on its waiting list (``admitted`` follows when a seat is free)."""

    waitlisted: bool
    position: int
    room: RoomNamed


class Sent(Payload):
    id: int


class Relayed(Payload):
    relayed: bool


class Lounge(Payload):
    occupancy: dict[str, list[Person]]  # room id -> who sits there


class RoundStarted(Payload):
    round: int
    groups: list[list[int]]


class Presence(Payload, omit_defaults=True):
    room: int
    joined: Person | None = None
    left: int | None = None


class Occupancy(Payload):
    room: int
    people: list[Person]


class ChatMessage(Payload):
    id: int
    room: int
    author: Named
    body: str
    deleted: bool
    created_at: str


class MessageDeleted(Payload):
    room: int
    id: int


class Typing(Payload):
    room: int
    user: Named


class Moderation(Payload):
    room: int
    action: str
    user: int | None


class Removed(Payload):
    room: int


class SpeedGroup(Payload):
    round: int
    room: int
    slug: str
    name: str
    ends_at: str
    partners: list[Person]


class SpeedRound(Payload):
    room: int
    round: int
    groups: int
    ends_at: str


class SpeedRoundOver(Payload):
    round: int
    back_to: str


ROOMS_PROTOCOL = LiveNamespace(
    path="/rooms",
    notes=(
        'Every event a client sends is acknowledged with `{"ok": true, ...}` or `{"ok": false, "error": '
        '"..."}` (with `fields` naming the bad input, `retry_after` seconds when sent too fast). Messages are '
        "stored before they are acknowledged; each person may send 10 messages per 10 seconds. A field marked "
        "`?` may be left out. An event the namespace does not have, or one sent with more than one argument, is "
        "refused the same way; a packet over 1 MB closes the connection (engine.io's limit)."
    ),
    receives=(
        LiveEvent(
            "join",
            Join,
            "enter a room: the event's address and the room's id (a room answers "
            "only under its own event; guests, banned people and people outside a breakout's group are "
            "refused, the same rule as the room's page and its message history)",
            (Seated, Waiting),
        ),
        LiveEvent("leave", InRoom, "leave it"),
        LiveEvent("send", Send, "post a message (a message sent again with the same `nonce` is stored once)", (Sent,)),
        LiveEvent("typing", InRoom, "say you are typing (relayed at most every few seconds)", (Relayed,)),
        LiveEvent("moderate", Moderate, "hosts delete a `message`, or mute, remove or ban a `user` (and undo it)"),
        LiveEvent("watch_lounge", WatchLounge, "follow how many people are in each room of the event", (Lounge,)),
        LiveEvent(
            "speed_round", StartSpeedRound, "hosts split the room into small groups for a while", (RoundStarted,)
        ),
    ),
    emits=(
        LiveEvent("presence", Presence, "someone came in or went"),
        LiveEvent("admitted", Seated, "you may now enter (from the waiting list): the room as you see it"),
        LiveEvent("occupancy", Occupancy, "who is in a room (to lounge watchers)"),
        LiveEvent("message", ChatMessage, "a new message"),
        LiveEvent("message_deleted", MessageDeleted, "a host deleted a message"),
        LiveEvent("typing", Typing, "someone is typing"),
        LiveEvent("moderation", Moderation, "a host acted on someone"),
        LiveEvent("removed", Removed, "you were removed from the room"),
        LiveEvent("speed_group", SpeedGroup, "your group in a speed round, and where to meet it"),
        LiveEvent("speed_round", SpeedRound, "a speed round started"),
        LiveEvent("speed_round_over", SpeedRoundOver, "the round ended: back to the main room"),
    ),
)
