"""The Q&A thread's rules, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import pytest

from events import editing
from events.access import add_member
from events.releases import publish_release
from events.tables import MemberRole
from server.accounts import get_account
from server.jobs import run_pending
from server.notifications import list_notifications
from server.problems import Invalid, NotAllowed, NotFound
from sessions import questions
from sessions.questions import qa_context, render_answer
from tests.events.factories import local, make_account, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")
DAY = date(2027, 3, 27)


@pytest.fixture
async def talk() -> dict:
    """A published talk presented by an account holder, plus an organiser and two attendees."""
    organiser = await make_account("org@library.org", "Olu Organiser")
    presenter = await make_account("ada@library.org", "Ada Presenter")
    event_id = await make_event(organiser_id=organiser)
    person = await editing.save_presenter(event_id, "Ada Presenter", user_id=presenter)
    await make_session(event_id, "Fair use at the desk", local(DAY, 10), presenter_ids=[person])
    await publish_release(event_id)
    people = {
        "organiser": organiser,
        "presenter": presenter,
        "ben": await make_account("ben@library.org", "Ben"),
        "cleo": await make_account("cleo@library.org", "Cleo"),
    }
    return {"event_id": event_id, **people}


async def as_(user_id: int | None):
    return await qa_context("ill-days", "fair-use-at-the-desk", await get_account(user_id) if user_id else None)


async def test_questions_are_sorted_pinned_first_then_by_votes(talk: dict) -> None:
    ben, cleo = await as_(talk["ben"]), await as_(talk["cleo"])
    dana = await as_(await make_account("dana@library.org", "Dana"))
    first = await questions.ask_question(ben, "Does CONTU apply to e-journals?")
    second = await questions.ask_question(cleo, "What about chapters of e-books?")
    third = await questions.ask_question(cleo, "Is the rule of five per title?")
    await questions.vote(ben, second)
    await questions.vote(dana, second)
    await questions.moderate(await as_(talk["organiser"]), third, "pin")

    assert [q.id for q in await questions.thread(ben)] == [third, second, first]
    assert [q.id for q in await questions.thread(ben, order="time")] == [third, first, second]


async def test_votes_are_one_per_person_withdrawable_and_exact_under_a_storm(talk: dict) -> None:
    ben = await as_(talk["ben"])
    question = await questions.ask_question(ben, "How do you track the rule of five?")
    voters = [await as_(await make_account(f"voter{n}@library.org", f"Voter {n}")) for n in range(20)]

    await asyncio.gather(*(questions.vote(ctx, question) for ctx in voters for _ in range(3)))
    await questions.vote(voters[0], question, up=False)

    view = (await questions.thread(ben))[0]
    assert view.votes == 19 and not view.voted


async def test_pre_moderation_keeps_questions_from_others_but_shows_the_asker_theirs(talk: dict) -> None:
    await questions.set_qa_settings(talk["event_id"], "pre", "logged_in")
    ben, cleo, org = await as_(talk["ben"]), await as_(talk["cleo"]), await as_(talk["organiser"])
    question = await questions.ask_question(ben, "Can we scan whole issues?")

    assert [q.status for q in await questions.thread(ben)] == ["awaiting"]
    assert await questions.thread(cleo) == []
    await questions.moderate(org, question, "approve")
    assert [q.id for q in await questions.thread(cleo)] == [question]


async def test_a_dismissed_question_is_hidden_from_all_but_its_asker_and_moderators(talk: dict) -> None:
    ben, cleo = await as_(talk["ben"]), await as_(talk["cleo"])
    question = await questions.ask_question(ben, "Off-topic: where is lunch?")
    await questions.moderate(await as_(talk["presenter"]), question, "dismiss")

    assert await questions.thread(cleo) == [] and await questions.thread(await as_(None)) == []
    assert [q.status for q in await questions.thread(ben)] == ["dismissed"]
    assert [q.status for q in await questions.thread(await as_(talk["organiser"]))] == ["dismissed"]
    with pytest.raises(NotFound):  # hidden from her, as if it were not there
        await questions.vote(cleo, question)


async def test_anonymous_askers_are_named_only_to_moderators_and_themselves(talk: dict) -> None:
    await questions.ask_question(await as_(talk["ben"]), "Is this legal?", anonymous=True)

    assert (await questions.thread(await as_(talk["cleo"])))[0].author == "Anonymous"
    assert (await questions.thread(await as_(talk["organiser"])))[0].author == "Ben (shown to others as Anonymous)"
    assert (await questions.thread(await as_(talk["ben"])))[0].author == "Ben (shown to others as Anonymous)"


async def test_the_phase_follows_the_session_times() -> None:
    class Session:
        starts_at = datetime(2027, 3, 27, 9, tzinfo=timezone.utc)
        ends_at = starts_at + timedelta(hours=1)

    assert [questions.phase_at(Session, Session.starts_at + timedelta(minutes=m)).value for m in (-1, 0, 59, 60)] == [
        "before",
        "during",
        "during",
        "after",
    ]


async def test_answers_come_from_presenters_and_organisers_and_notify_the_asker_and_voters(
    talk: dict, wired: None
) -> None:
    ben, cleo = await as_(talk["ben"]), await as_(talk["cleo"])
    question = await questions.ask_question(ben, "Does CONTU apply to e-journals?")
    await questions.vote(cleo, question)

    with pytest.raises(NotAllowed):
        await questions.answer_question(cleo, question, "I think so")
    await questions.answer_question(
        await as_(talk["presenter"]), question, "**Yes**, unless the licence says otherwise."
    )

    [view] = await questions.thread(ben)
    assert view.status == "answered" and view.answers[0].by_presenter
    assert view.answers[0].body_html == "<p><strong>Yes</strong>, unless the licence says otherwise.</p>\n"
    assert await list_notifications(talk["ben"]) == []  # told by a background job, after the request
    assert [job.status for job in await run_pending()] == ["done"]
    assert await list_notifications(talk["presenter"]) == []  # never told of their own answer
    for person in ("ben", "cleo"):
        [note] = await list_notifications(talk[person])
        assert note.text == "Ada Presenter answered a question on “Fair use at the desk”."


async def test_when_only_members_may_ask_others_cannot(talk: dict) -> None:
    await questions.set_qa_settings(talk["event_id"], "post", "members")
    with pytest.raises(NotAllowed, match="Only members"):
        await questions.ask_question(await as_(talk["ben"]), "May I?")
    await add_member(talk["event_id"], talk["ben"], MemberRole.attendee)
    assert await questions.ask_question(await as_(talk["ben"]), "Now may I?")


async def test_guests_and_bad_input_are_refused(talk: dict) -> None:
    for body in ("", "   ", 5, "x" * 1001, "\u200b", "\u200b\u2060 \ufeff"):  # zero-width characters alone show nothing
        with pytest.raises(Invalid):
            await questions.ask_question(await as_(talk["ben"]), body)
    with pytest.raises(NotAllowed):
        await questions.ask_question(await as_(None), "Guest question")
    with pytest.raises(Invalid):
        await questions.vote(await as_(talk["ben"]), "1")


async def test_a_private_events_thread_does_not_exist_for_strangers(talk: dict) -> None:
    await make_event("board", visibility="private")

    assert await qa_context("board", "anything", await get_account(talk["ben"])) is None


def test_answers_keep_a_safe_subset_of_markdown() -> None:
    html = render_answer("<script>alert(1)</script> [link](javascript:alert(1)) [ok](https://example.org) ![i](x.png)")

    assert "<script" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org" rel="nofollow noopener">ok</a>' in html and "<img" not in html


async def test_the_demo_has_answered_questions_in_all_three_phases() -> None:
    from events.demo import DEMO_SLUG, KEYNOTE_TITLE, load_demo
    from sessions.demo import load_qa_demo

    await load_demo(today=date.today() - timedelta(days=30))  # over: every phase has happened
    assert await load_qa_demo(DEMO_SLUG)
    assert not await load_qa_demo(DEMO_SLUG)

    guest = await qa_context(DEMO_SLUG, "fifty-years-after-contu-copyright-guidelines-in-a-licensed-world", None)
    assert guest.session.title == KEYNOTE_TITLE
    views = await questions.thread(guest)
    assert {q.phase for q in views} == {"before", "during", "after"}
    assert views[0].votes == 9 and views[0].answers[0].by_presenter
    assert any(q.status == "visible" and not q.answers for q in views)


async def test_the_demo_of_a_conference_still_to_come_asks_only_what_can_have_been_asked() -> None:
    from events.demo import DEMO_SLUG, load_demo
    from sessions.demo import load_qa_demo

    await load_demo(today=date.today() + timedelta(days=30))
    assert await load_qa_demo(DEMO_SLUG)

    guest = await qa_context(DEMO_SLUG, "fifty-years-after-contu-copyright-guidelines-in-a-licensed-world", None)
    views = await questions.thread(guest)
    assert views and {q.phase for q in views} == {"before"}  # nothing asked during or after a talk not yet given
    assert all(q.created_at <= datetime.now(timezone.utc) for q in views)
