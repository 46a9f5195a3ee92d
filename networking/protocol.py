"""The `/rooms` live protocol: every event clients send and the server emits (see server/protocol.py)."""

from __future__ import annotations

from server.protocol import LiveEvent, LiveNamespace

ROOMS_PROTOCOL = LiveNamespace(
    path="/rooms",
    notes=(
        'Every event a client sends is acknowledged with `{"ok": true, ...}` or `{"ok": false, "error": '
        '"..."}` (with `fields` naming the bad input, `retry_after` seconds when sent too fast). Messages are stored before they are acknowledged; each person '
        "may send 10 messages per 10 seconds."
    ),
    receives=(
        LiveEvent(
            "join",
            ("event", "room"),
            "enter a room: the event's address and the room's id (a room answers "
            "only under its own event; guests, banned people and people outside a breakout's group are "
            "refused, the same rule as the room's page and its message history)",
        ),
        LiveEvent("leave", ("room",), "leave it"),
        LiveEvent("send", ("room", "body"), "post a message"),
        LiveEvent("typing", ("room",), "say you are typing (relayed at most every few seconds)"),
        LiveEvent(
            "moderate",
            ("room", "action", "message|user"),
            "hosts delete a message, or mute, remove or ban someone (and undo it)",
        ),
        LiveEvent("watch_lounge", ("event",), "follow how many people are in each room of the event"),
        LiveEvent("speed_round", ("room", "minutes", "size"), "hosts split the room into small groups for a while"),
    ),
    emits=(
        LiveEvent("presence", ("room", "joined|left"), "someone came in or went"),
        LiveEvent("admitted", (), "you may now enter (from the waiting list): the room as you see it"),
        LiveEvent("occupancy", ("room", "people"), "who is in a room (to lounge watchers)"),
        LiveEvent("message", ("id", "room", "author", "body", "deleted", "created_at"), "a new message"),
        LiveEvent("message_deleted", ("room", "id"), "a host deleted a message"),
        LiveEvent("typing", ("room", "user"), "someone is typing"),
        LiveEvent("moderation", ("room", "action", "user"), "a host acted on someone"),
        LiveEvent("removed", ("room",), "you were removed from the room"),
        LiveEvent(
            "speed_group",
            ("round", "room", "slug", "name", "ends_at", "partners"),
            "your group in a speed round, and where to meet it",
        ),
        LiveEvent("speed_round", ("room", "round", "groups", "ends_at"), "a speed round started"),
        LiveEvent("speed_round_over", ("round", "back_to"), "the round ended: back to the main room"),
    ),
)
