"""Questions and answers for the demo conference, in all three phases: before, during and after a talk."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from events.access import event_access
from events.programme import ProgrammeSession
from events.releases import published_programme
from server.accounts import Account, account_id_by_email, create_account, get_account
from server.notifications import set_email_preference
from sessions.polls import answer_poll, create_poll, set_poll_status
from sessions.questions import QaContext, answer_question, ask_question, has_questions, qa_context, vote
from sessions.tables import Phase, PollStatus

# (session title, phase, asker, question, votes, answer or None)
DEMO_THREADS = [
    (
        "Fifty Years after CONTU: Copyright Guidelines in a Licensed World",
        Phase.before,
        "Wei Chen",
        "Does the rule of five still apply when the article comes from a licensed e-journal?",
        6,
        "Usually the licence decides first. Check its ILL clause: if it allows lending, **CONTU still guides** how many "
        "copies from one title are reasonable in a year.",
    ),
    (
        "Fifty Years after CONTU: Copyright Guidelines in a Licensed World",
        Phase.during,
        "Maja Lindqvist",
        "How do you handle requests from libraries abroad, where CONTU means nothing?",
        9,
        "We follow the lender's law and the licence. For cross-border e-delivery, many licences say *print and scan* only.",
    ),
    (
        "Fifty Years after CONTU: Copyright Guidelines in a Licensed World",
        Phase.during,
        "Jonas Müller",
        "Is there a template for the annual compliance report?",
        4,
        None,
    ),
    (
        "Fifty Years after CONTU: Copyright Guidelines in a Licensed World",
        Phase.after,
        "Claire Dubois",
        "Watching the recording a month later: do accessible-format copies count towards the five?",
        3,
        "No: copies made for print-disabled patrons under the Marrakesh Treaty rules are outside the guidelines' count.",
    ),
    (
        "Measuring What Matters: Assessment Beyond Fill Rates",
        Phase.before,
        "Siobhan Brennan",
        "Which three numbers would you show a board that only has five minutes?",
        5,
        "Turnaround for patrons, cost per filled request, and how many requests came from people new to the library.",
    ),
]
DEMO_POLL = (
    "Fifty Years after CONTU: Copyright Guidelines in a Licensed World",
    "Does your library lend chapters of licensed e-books?",
    ["Yes", "No", "Only when the licence says so"],
)


async def _person(name: str) -> Account:
    """A demo person; they never get mail (their addresses end in .invalid)."""
    email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + "@demo.hallway.invalid"
    user_id = await account_id_by_email(email)
    if user_id is None:
        user_id = await create_account(email, secrets.token_urlsafe(24), name, confirmed=True)
        await set_email_preference(user_id, "never")
    account = await get_account(user_id)
    assert account is not None
    return account


async def _as(event_slug: str, session: ProgrammeSession, account: Account) -> QaContext:
    ctx = await qa_context(event_slug, session.guid, account)
    assert ctx is not None, "the demo event is public and published"
    return ctx


async def load_qa_demo(
    event_slug: str,
    threads: list[tuple[str, Phase, str, str, int, str | None]] | None = None,
    poll: tuple[str, str, list[str]] | None = DEMO_POLL,
) -> bool:
    """Add demo threads (and a poll) unless the event already has questions. Returns whether it added them.

    Everything goes through the operations people use (asking, voting, answering, polls), dated when it
    would have happened: a talk still to come gets its questions now, in the phase now is in.
    """
    access = await event_access(event_slug, None)
    programme = await published_programme(access.event_id) if access else None
    if access is None or programme is None or await has_questions(access.event_id):
        return False
    now = datetime.now(timezone.utc)
    voters = [await _person(f"Demo Voter {n}") for n in range(10)]
    for title, phase, asker, body, votes, answer in DEMO_THREADS if threads is None else threads:
        session = next(s for s in programme.sessions if s.title == title)
        asked = min(_moment(session, phase), now)
        question_id = await ask_question(await _as(event_slug, session, await _person(asker)), body, at=asked)
        for voter in voters[:votes]:
            await vote(await _as(event_slug, session, voter), question_id, at=asked)
        if answer:
            ctx = await _as(event_slug, session, await _presenter(session))
            await answer_question(ctx, question_id, answer, at=min(asked + timedelta(hours=2), now))
    if poll is None:
        return True
    title, text, options = poll
    session = next(s for s in programme.sessions if s.title == title)
    speaker = await _as(event_slug, session, await _presenter(session))  # the speaker runs the poll in the room
    poll_id = await create_poll(speaker, text, options, at=min(session.starts_at, now))
    await set_poll_status(speaker, poll_id, PollStatus.open)
    for number, voter in enumerate(voters):
        await answer_poll(await _as(event_slug, session, voter), poll_id, [(0, 2, 2, 1, 2, 0, 2, 2, 1, 2)[number]])
    await set_poll_status(speaker, poll_id, PollStatus.closed)
    return True


def _moment(session: ProgrammeSession, phase: Phase) -> datetime:
    """When a question of ``phase`` would have been asked."""
    return {
        Phase.before: session.starts_at - timedelta(days=2),
        Phase.during: session.starts_at + timedelta(minutes=20),
        Phase.after: session.ends_at + timedelta(days=1),
    }[phase]


async def _presenter(session: ProgrammeSession) -> Account:
    """The session's first presenter with an account (the demo's speakers have one)."""
    account = await get_account(next(p.user_id for p in session.presenters if p.user_id))
    assert account is not None
    return account
