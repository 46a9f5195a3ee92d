"""Polls: organisers and presenters run them; people answer once, may change their mind; results when allowed."""

from __future__ import annotations

from datetime import date

import pytest

from events.releases import publish_release
from server.accounts import get_account
from server.problems import Invalid, NotAllowed
from sessions import polls
from sessions.questions import qa_context
from tests.events.factories import local, make_account, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
async def people() -> dict:
    organiser = await make_account("org@library.org", "Olu")
    event_id = await make_event(organiser_id=organiser)
    await make_session(event_id, "Fair use at the desk", local(date(2027, 3, 27), 10))
    await publish_release(event_id)
    return {
        "organiser": organiser,
        "ben": await make_account("ben@library.org", "Ben"),
        "cleo": await make_account("cleo@library.org", "Cleo"),
    }


async def as_(user_id: int | None):
    return await qa_context("ill-days", "fair-use-at-the-desk", await get_account(user_id) if user_id else None)


async def test_a_poll_is_drafted_opened_answered_and_closed(people: dict) -> None:
    org, ben, cleo = await as_(people["organiser"]), await as_(people["ben"]), await as_(people["cleo"])
    poll = await polls.create_poll(org, "Do you lend e-books?", ["Yes", "No", "Chapters only"], results_live=False)
    assert await polls.polls_for(ben) == []

    await polls.set_poll_status(org, poll, "open")
    await polls.answer_poll(ben, poll, [0])
    await polls.answer_poll(ben, poll, [2])  # changed his mind
    await polls.answer_poll(cleo, poll, [2])
    [hidden] = await polls.polls_for(ben)
    assert hidden.results is None and hidden.mine == [2]
    assert (await polls.polls_for(org))[0].results == [0, 0, 2]

    await polls.set_poll_status(org, poll, "closed")
    [closed] = await polls.polls_for(cleo)
    assert (closed.results, closed.voters) == ([0, 0, 2], 2)
    with pytest.raises(Invalid, match="not open"):
        await polls.answer_poll(cleo, poll, [1])


async def test_multiple_choice_allows_several_and_single_choice_one(people: dict) -> None:
    org, ben = await as_(people["organiser"]), await as_(people["ben"])
    single = await polls.create_poll(org, "Best day?", ["Mon", "Tue"])
    several = await polls.create_poll(org, "Which systems?", ["ILLiad", "Rapido", "Tipasa"], multiple=True)
    for poll in (single, several):
        await polls.set_poll_status(org, poll, "open")

    await polls.answer_poll(ben, several, [0, 2, 2])
    with pytest.raises(Invalid):
        await polls.answer_poll(ben, single, [0, 1])

    assert {p.id: p.mine for p in await polls.polls_for(ben)} == {single: [], several: [0, 2]}


@pytest.mark.parametrize("choices", [[], [7], ["0"], "0", [True]])
async def test_bad_choices_are_refused(people: dict, choices: object) -> None:
    org = await as_(people["organiser"])
    poll = await polls.create_poll(org, "Q?", ["A", "B"])
    await polls.set_poll_status(org, poll, "open")

    with pytest.raises(Invalid):
        await polls.answer_poll(await as_(people["ben"]), poll, choices)


async def test_only_moderators_run_polls_and_guests_cannot_answer(people: dict) -> None:
    org, ben = await as_(people["organiser"]), await as_(people["ben"])
    with pytest.raises(NotAllowed):
        await polls.create_poll(ben, "Mine?", ["A", "B"])
    poll = await polls.create_poll(org, "Q?", ["A", "B"])
    with pytest.raises(NotAllowed):
        await polls.set_poll_status(ben, poll, "open")
    await polls.set_poll_status(org, poll, "open")
    with pytest.raises(NotAllowed, match="Log in"):
        await polls.answer_poll(await as_(None), poll, [0])
    with pytest.raises(Invalid):
        await polls.create_poll(org, "Too few?", ["Only one"])
