"""What a live client sends is decoded by the event's declared shape, and refused field by field when wrong."""

from __future__ import annotations

from typing import Any

import pytest

from networking.protocol import ROOMS_PROTOCOL, Join, Presence, Send
from server.problems import Invalid
from server.protocol import Payload, Person, decode, wire
from sessions.protocol import AnswerPoll, Ask, ShowThread


def refused(shape: type[Payload], data: Any) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        decode(shape, data)
    return caught.value.errors


def test_a_good_payload_arrives_typed_and_extra_fields_are_ignored() -> None:
    join = decode(Join, {"event": "ill-2026", "room": 7, "colour": "blue"})

    assert (join.event, join.room) == ("ill-2026", 7)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (None, "event", "'event' must be an event address."),
        (["not", "an", "object"], "event", "'event' must be an event address."),
        ({"event": 5, "room": 1}, "event", "'event' must be an event address."),
        ({"event": "", "room": 1}, "event", "'event' must be an event address."),
        ({"event": "x" * 101, "room": 1}, "event", "'event' must be an event address."),
        ({"event": "ill", "room": "1"}, "room", "'room' must be a positive whole number."),
        ({"event": "ill", "room": True}, "room", "'room' must be a positive whole number."),
        ({"event": "ill", "room": 1.0}, "room", "'room' must be a positive whole number."),
        ({"event": "ill", "room": 0}, "room", "'room' must be a positive whole number."),
        ({"event": "ill", "room": 10**30}, "room", "'room' must be a positive whole number."),
        ({"event": "ill"}, "room", "'room' must be a positive whole number."),
    ],
)
def test_each_wrong_field_is_refused_by_name(data: Any, field: str, message: str) -> None:
    assert refused(Join, data) == {field: message}


def test_fields_without_their_own_refusal_are_told_their_type() -> None:
    assert refused(Send, {"room": 1, "body": "hi", "nonce": 12}) == {"nonce": "'nonce' must be text."}
    assert refused(Ask, {"body": "Why?", "anonymous": "yes"}) == {"anonymous": "'anonymous' must be true or false."}


def test_a_bad_item_inside_a_list_names_the_list() -> None:
    assert refused(AnswerPoll, {"poll": 1, "choices": [0, "1"]}) == {"choices": "Choose options by their numbers."}
    assert refused(AnswerPoll, {"poll": 1, "choices": [[[[0]]]]}) == {"choices": "Choose options by their numbers."}


def test_a_choice_of_words_is_refused_outside_it() -> None:
    assert decode(ShowThread, {}).order == "votes"
    assert refused(ShowThread, {"order": "random"}) == {"order": "'order' is votes or time."}


def test_optional_fields_left_empty_are_not_sent() -> None:
    left = Presence(room=3, left=9)
    person = Person(id=9, name="Ada", affiliation="", pronouns="", role="", expertise=[], avatar="")

    assert wire(left) == {"room": 3, "left": 9}
    assert wire(Presence(room=3, joined=person))["joined"]["name"] == "Ada"


async def test_a_shape_that_is_not_declared_cannot_be_emitted() -> None:
    class Sent:
        emitted: list[tuple[str, dict[str, Any]]] = []

        async def emit(self, name: str, data: dict[str, Any], **where: Any) -> None:
            self.emitted.append((name, data))

    sio = Sent()
    await ROOMS_PROTOCOL.emit(sio, Presence(room=3, left=9), to="room:3")

    with pytest.raises(KeyError):
        await ROOMS_PROTOCOL.emit(sio, Join(event="ill", room=3), to="room:3")
    assert sio.emitted == [("presence", {"room": 3, "left": 9})]
