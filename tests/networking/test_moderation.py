"""Who moderates a room, who may post, who starts speed rounds: the rules without a socket or a server."""

from __future__ import annotations

import pytest

from events.access import add_member, event_access
from events.tables import MemberRole
from networking import moderation, rooms
from networking.rooms import RoomInput
from networking.tables import SanctionKind
from server.accounts import Account, create_account, get_account
from server.problems import Invalid, NotAllowed, NotFound
from tests.events.factories import make_event


async def person(name: str) -> Account:
    account = await get_account(await create_account(f"{name.lower()}@library.org", "a long password 1", name))
    assert account is not None
    return account


@pytest.fixture
async def world(db: object) -> dict:
    event_id = await make_event()
    organiser, ben, cleo = await person("Olga"), await person("Ben"), await person("Cleo")
    await add_member(event_id, organiser.id, MemberRole.organiser)
    room = await rooms.create_room(event_id, RoomInput(name="Copyright table", slug="copyright", kind="table"))
    message = await rooms.post_message(room.id, ben.id, "Where is the CONTU checklist?", None)
    access = {who.id: await event_access("ill-days", who) for who in (organiser, ben, cleo)}
    return {"room": room, "message": message, "organiser": organiser, "ben": ben, "cleo": cleo, "access": access}


async def test_only_organisers_moderate_and_never_themselves(world: dict) -> None:
    room, ben, olga = world["room"], world["ben"], world["organiser"]
    as_ben, as_olga = world["access"][ben.id], world["access"][olga.id]

    with pytest.raises(NotAllowed, match="Log in to moderate"):
        await moderation.moderate(None, None, None, "mute", None, ben.id)
    with pytest.raises(NotAllowed, match="Only the event's organisers"):
        await moderation.moderate(room, as_ben, ben, "delete", world["message"].id, None)
    with pytest.raises(NotAllowed, match="cannot sanction themselves"):
        await moderation.moderate(room, as_olga, olga, "ban", None, olga.id)

    assert await rooms.recent_messages(room.id)  # nothing was deleted by the refused tries


async def test_a_muted_person_loses_their_voice_until_unmuted(world: dict) -> None:
    room, ben, olga = world["room"], world["ben"], world["organiser"]
    as_olga = world["access"][olga.id]

    await moderation.require_voice(room, ben)
    muted = await moderation.moderate(room, as_olga, olga, "mute", None, ben.id)
    assert (muted.action, muted.user_id, muted.removes) == ("mute", ben.id, False)
    with pytest.raises(NotAllowed, match="muted you"):
        await moderation.require_voice(room, ben)
    await moderation.require_voice(room, world["cleo"])  # only him

    await moderation.moderate(room, as_olga, olga, "unmute", None, ben.id)
    await moderation.require_voice(room, ben)


async def test_banning_removes_and_deleting_needs_a_message_of_this_room(world: dict) -> None:
    room, ben, olga = world["room"], world["ben"], world["organiser"]
    as_olga = world["access"][olga.id]

    assert (await moderation.moderate(room, as_olga, olga, "ban", None, ben.id)).removes
    assert await rooms.has_sanction(room.id, ben.id, SanctionKind.ban)
    deleted = await moderation.moderate(room, as_olga, olga, "delete", world["message"].id, None)
    assert deleted.message_id == world["message"].id
    assert [message.deleted for message in await rooms.recent_messages(room.id)] == [True]  # a tombstone
    with pytest.raises(NotFound):
        await moderation.moderate(room, as_olga, olga, "delete", world["message"].id + 1000, None)


@pytest.mark.parametrize(
    ("action", "message", "user", "field"),
    [("shout", None, 5, "action"), ("delete", "7", None, "message"), ("mute", None, 2**40, "user")],
)
async def test_bad_moderation_input_names_its_field(
    world: dict, action: str, message: object, user: object, field: str
) -> None:
    olga = world["organiser"]
    with pytest.raises(Invalid) as refused:
        await moderation.moderate(world["room"], world["access"][olga.id], olga, action, message, user)
    assert list(refused.value.errors) == [field]


async def test_only_organisers_start_speed_rounds(world: dict) -> None:
    olga, ben = world["organiser"], world["ben"]

    assert moderation.require_round_organiser(world["access"][olga.id], olga) == olga
    with pytest.raises(NotAllowed, match="Only the event's organisers start"):
        moderation.require_round_organiser(world["access"][ben.id], ben)
    with pytest.raises(NotAllowed, match="Log in"):
        moderation.require_round_organiser(None, None)
