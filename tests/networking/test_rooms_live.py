"""The rooms namespace against a real server: presence, chat, waitlists, moderation, limits and bad payloads."""

from __future__ import annotations

from events.demo import DEMO_SLUG

import uuid
from typing import Any

import httpx
import pytest

from tests.networking.conftest import add_room, demo_room, grant
from server.database import engine_from_url, use_engine
from tests.hallway_process import HallwayServer


async def test_joining_shows_who_is_there_and_the_others_see_me_arrive_and_leave(
    server: HallwayServer, people: Any
) -> None:
    room = await add_room(server, f"presence-{uuid.uuid4().hex[:6]}")
    ada, ben = await people(server, "Ada"), await people(server, "Ben")

    first = await ada.call("join", {"event": DEMO_SLUG, "room": room})
    second = await ben.call("join", {"event": DEMO_SLUG, "room": room})

    assert first["ok"] and [p["name"] for p in first["people"]] == ["Ada"]
    assert sorted(p["name"] for p in second["people"]) == ["Ada", "Ben"]
    assert (await ada.next("presence"))["joined"]["name"] == "Ben"
    assert "email" not in str(second["people"])
    await ben.call("leave", {"room": room})
    assert (await ada.next("presence"))["left"] == second["me"]


async def test_messages_are_stored_acknowledged_and_delivered_in_order(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"chat-{uuid.uuid4().hex[:6]}")
    ada, ben = await people(server, "Ada"), await people(server, "Ben")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    await ben.call("join", {"event": DEMO_SLUG, "room": room})

    acks = [await (ada if n % 2 else ben).call("send", {"room": room, "body": f"message {n}"}) for n in range(6)]
    seen = [await ada.next("message") for _ in range(6)]
    late = await people(server, "Cleo")
    history = (await late.call("join", {"event": DEMO_SLUG, "room": room}))["messages"]

    assert all(ack["ok"] for ack in acks)
    assert [m["body"] for m in seen] == [f"message {n}" for n in range(6)]
    assert [m["id"] for m in seen] == [ack["id"] for ack in acks] == sorted(ack["id"] for ack in acks)
    assert [m["body"] for m in history][-6:] == [f"message {n}" for n in range(6)]


async def test_typing_is_shown_to_the_others(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"typing-{uuid.uuid4().hex[:6]}")
    ada, ben = await people(server, "Ada"), await people(server, "Ben")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    await ben.call("join", {"event": DEMO_SLUG, "room": room})

    await ben.call("typing", {"room": room})

    assert (await ada.next("typing"))["user"]["name"] == "Ben"


async def test_guests_see_the_lounge_but_not_the_conversation(server: HallwayServer, people: Any) -> None:
    room = await demo_room(server)
    ada, guest = await people(server, "Ada"), await people(server)
    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    await ada.call("send", {"room": room, "body": "Only for the people in the room"})

    joined = await guest.call("join", {"event": DEMO_SLUG, "room": room})
    sent = await guest.call("send", {"room": room, "body": "hello"})

    assert joined == {"ok": False, "error": "Log in to join the conversation."}
    assert sent == {"ok": False, "error": "Log in to take part."}
    assert guest.drain("message") == []
    async with httpx.AsyncClient(base_url=server.url) as browser:
        page = await browser.get(f"/events/{DEMO_SLUG}/lounge/main-lounge/")
        history = await browser.get(f"/events/{DEMO_SLUG}/lounge/main-lounge/messages", params={"before": 2**40})
    assert page.status_code == 200 and "Only for the people in the room" not in page.text
    assert "Log in</a> to read and join the conversation" in page.text and "Leave the room" not in page.text
    assert history.status_code in (302, 401) and "Only for the people" not in history.text


async def test_a_room_answers_only_under_its_own_event(server: HallwayServer, people: Any) -> None:
    from datetime import date

    from events import editing
    from events.editing import EventInput

    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    other = f"unlisted-{uuid.uuid4().hex[:6]}"
    await editing.create_event(
        EventInput(
            slug=other,
            title="Unlisted",
            timezone="UTC",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 1, 1),
            visibility="unlisted",
        ),
        None,
    )
    hidden_room = await add_room(server, "hidden-table", event=other)
    ada = await people(server, "Ada")

    tried = await ada.call("join", {"event": DEMO_SLUG, "room": hidden_room})
    named_nothing = await ada.call("join", {"room": hidden_room})

    assert tried == {"ok": False, "error": "There is no such room."}
    assert named_nothing == {
        "ok": False,
        "error": "'event' must be an event address.",
        "fields": {"event": "'event' must be an event address."},
    }
    assert (await ada.call("join", {"event": other, "room": hidden_room}))["ok"]  # with the link, it opens


async def test_a_banned_person_cannot_read_the_room_any_other_way(server: HallwayServer, people: Any) -> None:
    slug = f"banned-{uuid.uuid4().hex[:6]}"
    room = await add_room(server, slug)
    host, troll = await people(server, "Host"), await people(server, "Troll")
    grant(server, host)
    await host.call("join", {"event": DEMO_SLUG, "room": room})
    troll_id = (await troll.call("join", {"event": DEMO_SLUG, "room": room}))["me"]
    assert (await host.call("moderate", {"room": room, "action": "ban", "user": troll_id}))["ok"]
    await host.call("send", {"room": room, "body": "After the ban"})

    async with httpx.AsyncClient(base_url=server.url, cookies=troll.cookies) as browser:
        page = await browser.get(f"/events/{DEMO_SLUG}/lounge/{slug}/")
        history = await browser.get(f"/events/{DEMO_SLUG}/lounge/{slug}/messages", params={"before": 2**40})
    guest_socket = await people(server)
    as_guest = await guest_socket.call("join", {"event": DEMO_SLUG, "room": room})

    assert page.status_code == 403 and "After the ban" not in page.text
    assert history.status_code == 403 and "After the ban" not in history.text
    assert as_guest["ok"] is False and guest_socket.drain("message") == []


async def test_rooms_of_a_private_event_are_closed_to_guests_and_strangers(server: HallwayServer, people: Any) -> None:
    from events import editing
    from events.editing import EventInput
    from datetime import date

    slug = f"private-{uuid.uuid4().hex[:6]}"
    from server.database import engine_from_url, use_engine

    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    await editing.create_event(
        EventInput(
            slug=slug,
            title="Board",
            timezone="UTC",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 1, 1),
            visibility="private",
        ),
        None,
    )
    room = await add_room(server, "board-table", event=slug)
    guest, stranger, member = await people(server), await people(server, "Stranger"), await people(server, "Member")
    grant(server, member, "attendee", event=slug)

    assert await guest.call("join", {"event": slug, "room": room}) == {"ok": False, "error": "There is no such room."}
    assert await stranger.call("join", {"event": slug, "room": room}) == {
        "ok": False,
        "error": "There is no such room.",
    }
    assert (await member.call("join", {"event": slug, "room": room}))["ok"]


async def test_a_full_room_puts_people_on_a_waitlist_and_lets_them_in_when_a_seat_frees(
    server: HallwayServer, people: Any
) -> None:
    room = await add_room(server, f"tiny-{uuid.uuid4().hex[:6]}", capacity=1)
    ada, ben, cleo = await people(server, "Ada"), await people(server, "Ben"), await people(server, "Cleo")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})

    ben_waits = await ben.call("join", {"event": DEMO_SLUG, "room": room})
    cleo_waits = await cleo.call("join", {"event": DEMO_SLUG, "room": room})
    assert (ben_waits["waitlisted"], ben_waits["position"]) == (True, 1)
    assert (cleo_waits["waitlisted"], cleo_waits["position"]) == (True, 2)

    await ada.call("leave", {"room": room})
    admitted = await ben.next("admitted")
    assert [p["name"] for p in admitted["people"]] == ["Ben"]
    assert (await ben.call("send", {"room": room, "body": "I got a seat"}))["ok"]
    assert cleo.drain("admitted") == []


async def test_organisers_delete_mute_remove_and_ban(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"moderated-{uuid.uuid4().hex[:6]}")
    mod, troll, other = await people(server, "Mod"), await people(server, "Troll"), await people(server, "Other")
    grant(server, mod)
    for person in (mod, troll, other):
        assert (await person.call("join", {"event": DEMO_SLUG, "room": room}))["ok"]
    troll_id = (await troll.call("join", {"event": DEMO_SLUG, "room": room}))["me"]
    sent = await troll.call("send", {"room": room, "body": "spam spam"})

    assert (await other.call("moderate", {"room": room, "action": "delete", "message": sent["id"]}))[
        "error"
    ] == "Only the event's organisers moderate its rooms."
    assert (await mod.call("moderate", {"room": room, "action": "delete", "message": sent["id"]}))["ok"]
    assert (await other.next("message_deleted"))["id"] == sent["id"]

    await mod.call("moderate", {"room": room, "action": "mute", "user": troll_id})
    assert (await troll.call("send", {"room": room, "body": "more"}))[
        "error"
    ] == "The moderators have muted you in this room."

    await mod.call("moderate", {"room": room, "action": "ban", "user": troll_id})
    assert (await troll.next("removed"))["room"] == room
    assert (await troll.call("join", {"event": DEMO_SLUG, "room": room}))[
        "error"
    ] == "You have been removed from this room by its moderators."
    history = (await other.call("join", {"event": DEMO_SLUG, "room": room}))["messages"]
    assert [(m["body"], m["deleted"]) for m in history if m["id"] == sent["id"]] == [("", True)]


async def test_sending_too_fast_is_refused(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"busy-{uuid.uuid4().hex[:6]}")
    ada = await people(server, "Ada")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})

    results = [await ada.call("send", {"room": room, "body": f"n{n}"}) for n in range(11)]

    assert all(r["ok"] for r in results[:10])
    assert not results[10]["ok"] and "too fast" in results[10]["error"]


async def test_an_event_sent_with_two_arguments_is_answered_not_left_hanging(
    server: HallwayServer, people: Any
) -> None:
    ada = await people(server, "Ada")

    answer = await ada.client.call("send", ({"room": 1, "body": "hi"}, {"extra": 1}), namespace="/rooms", timeout=10)

    assert answer == {
        "ok": False,
        "error": "Send one object with the event's fields.",
        "fields": {"payload": "Send one object with the event's fields."},
    }


NOT_TEXT = "This holds characters that are not text (unpaired surrogates)."


@pytest.mark.parametrize(
    ("event", "payload", "error"),
    [
        ("join", None, "'event' must be an event address."),
        ("join", {"event": DEMO_SLUG, "room": "1"}, "'room' must be a positive whole number."),
        ("join", {"event": DEMO_SLUG, "room": True}, "'room' must be a positive whole number."),
        ("join", {"event": DEMO_SLUG, "room": 10**30}, "'room' must be a positive whole number."),
        ("join", {"event": DEMO_SLUG, "room": 999999}, "There is no such room."),
        ("send", {"room": 1, "body": "hi"}, "Join the room first."),
        ("moderate", ["not", "a", "dict"], "'room' must be a positive whole number."),
        ("watch_lounge", {"event": 5}, "'event' must be an event address."),
        ("join", {"event": DEMO_SLUG, "room": "\ud800"}, NOT_TEXT),  # a lone surrogate no encoder can hold
        ("send", {"room": 1, "body": "why \udfff?"}, NOT_TEXT),
        ("no_such_event", {"room": 1}, "This namespace has no event of that name."),
        ("presence", {"room": 1}, "This namespace has no event of that name."),  # one the server sends
    ],
)
async def test_bad_payloads_get_an_error_acknowledgement(
    server: HallwayServer, people: Any, event: str, payload: Any, error: str
) -> None:
    ada = await people(server, "Ada")

    answer = await ada.call(event, payload)

    assert {key: value for key, value in answer.items() if key != "fields"} == {"ok": False, "error": error}
    assert list(answer.get("fields", {}).values()) in ([], [error])  # bad input also names its field
    assert (await ada.call("join", {"event": DEMO_SLUG, "room": await demo_room(server)}))["ok"]


async def test_a_message_sent_again_with_its_nonce_is_stored_and_shown_once(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"again-{uuid.uuid4().hex[:6]}")
    ada, ben = await people(server, "Ada"), await people(server, "Ben")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    await ben.call("join", {"event": DEMO_SLUG, "room": room})

    first = await ada.call("send", {"room": room, "body": "only once", "nonce": "a1b2c3d4e5f6"})
    again = await ada.call("send", {"room": room, "body": "only once", "nonce": "a1b2c3d4e5f6"})
    bens = await ben.call("send", {"room": room, "body": "same nonce, other person", "nonce": "a1b2c3d4e5f6"})
    bad = await ada.call("send", {"room": room, "body": "odd nonce", "nonce": "<script>"})

    assert first["ok"] and again == first and bens["id"] != first["id"]
    assert not bad["ok"] and "nonce" in bad["fields"]
    history = (await people(server, "Cleo")).call
    assert [m["body"] for m in (await history("join", {"event": DEMO_SLUG, "room": room}))["messages"]] == [
        "only once",
        "same nonce, other person",
    ]


@pytest.mark.parametrize("body", [5, "", "   ", "x" * 2001, None])
async def test_bad_messages_are_refused_and_nothing_is_stored(server: HallwayServer, people: Any, body: Any) -> None:
    room = await add_room(server, f"bad-{uuid.uuid4().hex[:6]}")
    ada = await people(server, "Ada")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})

    result = await ada.call("send", {"room": room, "body": body})

    assert not result["ok"] and "body" in result["fields"]
    assert (await ada.call("join", {"event": DEMO_SLUG, "room": room}))["messages"] == []


async def test_the_lounge_follows_occupancy_of_every_room(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"watched-{uuid.uuid4().hex[:6]}")
    watcher, ada = await people(server), await people(server, "Ada")
    snapshot = await watcher.call("watch_lounge", {"event": "resource-sharing-forum"})
    assert snapshot["occupancy"][str(room)] == []

    await ada.call("join", {"event": DEMO_SLUG, "room": room})

    update = await watcher.next("occupancy")
    while update["room"] != room:
        update = await watcher.next("occupancy")
    assert [p["name"] for p in update["people"]] == ["Ada"]


async def test_a_closed_room_turns_people_away_but_not_its_organisers(server: HallwayServer, people: Any) -> None:
    from datetime import datetime, timedelta, timezone

    from events.access import event_access
    from events.demo import DEMO_SLUG
    from networking.rooms import RoomInput, create_room
    from server.database import engine_from_url, use_engine

    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    room = await create_room(
        event_id,
        RoomInput(
            name="Yesterday's table",
            slug=f"closed-{uuid.uuid4().hex[:6]}",
            opens_at=yesterday - timedelta(hours=2),
            closes_at=yesterday,
        ),
    )
    ada, host = await people(server, "Ada"), await people(server, "Host")
    grant(server, host)

    assert await ada.call("join", {"event": DEMO_SLUG, "room": room.id}) == {
        "ok": False,
        "error": "This room is closed now.",
    }
    assert (await host.call("join", {"event": DEMO_SLUG, "room": room.id}))["ok"]


async def test_typing_is_relayed_at_most_every_two_seconds(server: HallwayServer, people: Any) -> None:
    room = await add_room(server, f"typing-{uuid.uuid4().hex[:6]}")
    ada, ben = await people(server, "Ada"), await people(server, "Ben")
    for person in (ada, ben):
        await person.call("join", {"event": DEMO_SLUG, "room": room})

    answers = [await ada.call("typing", {"room": room}) for _ in range(50)]

    assert answers[0] == {"ok": True, "relayed": True}
    assert all(answer == {"ok": True, "relayed": False} for answer in answers[1:])
    await ben.next("typing")
    assert ben.drain("typing") == []  # one "Ada is typing" reached Ben, not fifty


@pytest.mark.parametrize("reserved", ["connect", "disconnect", "connect_error"])
async def test_a_client_cannot_send_the_names_socketio_keeps(server: HallwayServer, people: Any, reserved: str) -> None:
    ada = await people(server, "Ada")
    me = (await ada.call("join", {"event": DEMO_SLUG, "room": await demo_room(server)}))["me"]

    refused = await ada.call(reserved, {})

    assert refused == {"ok": False, "error": "This event name is reserved by socket.io and cannot be sent."}
    again = await ada.call("join", {"event": DEMO_SLUG, "room": await demo_room(server)})
    assert again["ok"] and again["me"] == me  # still who she was: the session was not reset
