"""Polls during a session: single or multiple choice, results live or after closing."""

from __future__ import annotations

from server.i18n import _
from typing import Any

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from server.changes import announce, transaction
from server.validation import is_row_id, line_problem
from server.problems import Invalid, NotAllowed, NotFound
from sessions.protocol import PollShown
from sessions.questions import PollAnswered, QaContext, QaThreadChanged
from sessions.tables import Poll, PollStatus, PollVote

OPTIONS_MIN, OPTIONS_MAX = 2, 10


def _moderator(ctx: QaContext) -> None:
    if not ctx.is_moderator:
        raise NotAllowed(_("Only the session's presenters and the event's organisers run polls."))


async def create_poll(
    ctx: QaContext,
    question: str,
    options: list[str],
    multiple: bool = False,
    results_live: bool = True,
    *,
    at: datetime | None = None,
) -> int:
    _moderator(ctx)
    options = [option.strip() for option in options if option.strip()]
    errors = {}
    if not question.strip() or len(question) > 500:
        errors["question"] = _("Ask a question of up to 500 characters.")
    elif problem := line_problem(question.strip()):
        errors["question"] = problem
    if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX or any(len(option) > 200 for option in options):
        errors["options"] = _(
            "Give %(least)s to %(most)s options of up to 200 characters.", least=OPTIONS_MIN, most=OPTIONS_MAX
        )
    elif any(line_problem(option) for option in options):
        errors["options"] = _("Write each option on one line, without control characters.")
    if errors:
        raise Invalid(errors)
    poll = Poll(
        event=ctx.access.event_id,
        session_guid=uuid.UUID(ctx.session.guid),
        question=question.strip(),
        options=options,
        multiple=multiple,
        results_live=results_live,
        created_at=at or datetime.now(timezone.utc),
    )
    await poll.save()
    await announce(QaThreadChanged(ctx.session.guid))
    return poll.id


async def _poll(ctx: QaContext, poll_id: object) -> dict[str, Any]:
    if not is_row_id(poll_id):
        raise Invalid({"poll": _("Name a poll by its number.")})
    row = await Poll.select().where((Poll.id == poll_id) & (Poll.session_guid == uuid.UUID(ctx.session.guid))).first()
    if row is None or (row["status"] == PollStatus.draft and not ctx.is_moderator):
        raise NotFound(_("There is no such poll."))
    return row


async def set_poll_status(ctx: QaContext, poll_id: object, status: str) -> None:
    _moderator(ctx)
    if status not in {PollStatus.open, PollStatus.closed}:
        raise Invalid({"status": _("A poll is opened or closed.")})
    row = await _poll(ctx, poll_id)
    await Poll.update({Poll.status: status}).where(Poll.id == row["id"])
    await announce(QaThreadChanged(ctx.session.guid))


async def answer_poll(ctx: QaContext, poll_id: object, choices: object) -> None:
    """Record a person's choices, replacing any earlier ones, while the poll is open."""
    if not ctx.may_vote or ctx.account is None:  # one test; the second spells it out for the type checker
        raise NotAllowed(_("Log in to take part in polls."))
    row = await _poll(ctx, poll_id)
    if row["status"] != PollStatus.open:
        raise Invalid({"poll": _("This poll is not open.")})
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise Invalid({"choices": _("Choose options by their numbers.")})
    picked = sorted(set(choices))
    if not picked or any(not 0 <= c < len(row["options"]) for c in picked) or (len(picked) > 1 and not row["multiple"]):
        raise Invalid({"choices": _("Choose one option.") if not row["multiple"] else _("Choose one or more options.")})
    async with transaction(Poll):
        await PollVote.delete().where((PollVote.poll == row["id"]) & (PollVote.voter == ctx.account.id))
        for choice in picked:
            await PollVote(poll=row["id"], voter=ctx.account.id, option=choice).save()
        await announce(PollAnswered(ctx.session.guid))


async def polls_for(ctx: QaContext) -> list[PollShown]:
    """The session's polls as this person may see them: one shape for the pages and the /qa socket."""
    rows = await Poll.select().where(Poll.session_guid == uuid.UUID(ctx.session.guid)).order_by(Poll.id)
    rows = [row for row in rows if row["status"] != PollStatus.draft or ctx.is_moderator]
    votes = await PollVote.select().where(PollVote.poll.is_in([row["id"] for row in rows] or [0]))
    views = []
    for row in rows:
        mine_votes = [v for v in votes if v["poll"] == row["id"]]
        shown = (
            ctx.is_moderator
            or row["status"] == PollStatus.closed
            or (row["results_live"] and row["status"] == PollStatus.open)
        )
        counts = Counter(v["option"] for v in mine_votes)
        views.append(
            PollShown(
                id=row["id"],
                question=row["question"],
                options=list(row["options"]),
                multiple=row["multiple"],
                status=row["status"],
                results=[counts.get(i, 0) for i in range(len(row["options"]))] if shown else None,
                voters=len({v["voter"] for v in mine_votes}) if shown else None,
                mine=sorted(v["option"] for v in mine_votes if ctx.account and v["voter"] == ctx.account.id),
            )
        )
    return views


@dataclass(frozen=True)
class PollParticipation:
    question: str
    session_guid: str
    voters: int


async def poll_participation(event_id: int) -> list[PollParticipation]:
    """How many people answered each of the event's polls (a person choosing two options counts once)."""
    polls = await Poll.select(Poll.id, Poll.question, Poll.session_guid).where(Poll.event == event_id).order_by(Poll.id)
    votes = (
        await PollVote.select(PollVote.poll, PollVote.voter).where(PollVote.poll.is_in([p["id"] for p in polls]))
        if polls
        else []
    )
    voters: dict[int, set[int]] = {}
    for vote in votes:
        voters.setdefault(vote["poll"], set()).add(vote["voter"])
    return [PollParticipation(p["question"], str(p["session_guid"]), len(voters.get(p["id"], ()))) for p in polls]
