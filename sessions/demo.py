"""Questions and answers for the demo conference, in all three phases: before, during and after a talk."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone

from events.access import event_access
from events.releases import published_programme
from server.accounts import account_id_by_email, create_account
from sessions.questions import render_answer
from sessions.tables import Answer, Phase, Poll, PollStatus, PollVote, Question, QuestionStatus, QuestionVote

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


async def _person(name: str) -> int:
    email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + "@demo.hallway.invalid"
    return await account_id_by_email(email) or await create_account(
        email, secrets.token_urlsafe(24), name, confirmed=True
    )


async def load_qa_demo(
    event_slug: str, threads: list[tuple] | None = None, poll: tuple[str, str, list[str]] | None = DEMO_POLL
) -> bool:
    """Add demo threads (and a poll) unless the event already has questions. Returns whether it added them."""
    access = await event_access(event_slug, None)
    programme = await published_programme(access.event_id) if access else None
    if programme is None or await Question.exists().where(Question.event == access.event_id):
        return False
    now = datetime.now(timezone.utc)
    voters = [await _person(f"Demo Voter {n}") for n in range(10)]
    for title, phase, asker, body, votes, answer in DEMO_THREADS if threads is None else threads:
        session = next(s for s in programme.sessions if s.title == title)
        asked = {
            Phase.before: session.starts_at - timedelta(days=2),
            Phase.during: session.starts_at + timedelta(minutes=20),
            Phase.after: session.ends_at + timedelta(days=1),
        }[phase]
        question = Question(
            event=access.event_id,
            session_guid=uuid.UUID(session.guid),
            author=await _person(asker),
            body=body,
            phase=phase,
            status=QuestionStatus.answered if answer else QuestionStatus.visible,
            votes=votes,
            created_at=min(asked, now),
        )
        await question.save()
        for voter in voters[:votes]:
            await QuestionVote(question=question.id, voter=voter, created_at=min(asked, now)).save()
        if answer:
            presenter = next(p.user_id for p in session.presenters if p.user_id)
            await Answer(
                question=question.id,
                author=presenter,
                body=answer,
                body_html=render_answer(answer),
                by_presenter=True,
                created_at=min(asked + timedelta(hours=2), now),
            ).save()
    if poll is None:
        return True
    title, text, options = poll
    session = next(s for s in programme.sessions if s.title == title)
    saved = Poll(
        event=access.event_id,
        session_guid=uuid.UUID(session.guid),
        question=text,
        options=options,
        status=PollStatus.closed,
        results_live=True,
        created_at=min(session.starts_at, now),
    )
    await saved.save()
    for number, voter in enumerate(voters):
        await PollVote(poll=saved.id, voter=voter, option=(0, 2, 2, 1, 2, 0, 2, 2, 1, 2)[number]).save()
    return True
