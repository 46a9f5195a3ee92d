"""One Q&A thread per session: asked before, during and after the talk, and never closed.

Who may ask, see, vote, moderate and answer is decided here from the event's
roles and the session's presenters, so pages, sockets and the inbox agree.
"""

from __future__ import annotations

from server.i18n import _
import uuid
from sessions.urls import questions_url
from dataclasses import dataclass, field
from typing import Any

from piccolo.columns import Column
from datetime import datetime, timezone

import nh3
from markdown_it import MarkdownIt

from events.access import EventAccess, event_access, who_may_see
from events.catalogue import presented_sessions, presenting_accounts
from events.programme import ProgrammeSession
from events.releases import published_programme
from litestar.stores.base import Store

from server.accounts import Account, display_names
from server.jobs import Progress, enqueue
from server.changes import Change, announce
from server.notifications import notify, said
from server.ratelimit import RateLimit
from server.validation import has_visible_text, is_row_id, text_problem
from server.problems import Invalid, NotAllowed, NotFound, TooFast
from sessions.protocol import AnswerShown, QuestionShown
from sessions.tables import (
    ANSWER_MAX,
    QUESTION_MAX,
    Answer,
    Moderation,
    Phase,
    QaSettings,
    Question,
    QuestionStatus,
    QuestionVote,
    WhoMayAsk,
)


@dataclass(frozen=True)
class QaThreadChanged(Change):
    """Something people watching a session's Q&A see changed: a question, an answer, a poll, moderation."""

    session_guid: str


@dataclass(frozen=True)
class QaVoteCounted(Change):
    """A question's vote count changed (pushed in batches: votes come many at a time)."""

    session_guid: str
    question_id: int
    votes: int


@dataclass(frozen=True)
class QuestionAnswered(Change):
    """A question got an answer (its asker and voters are told)."""

    answer_id: int


@dataclass(frozen=True)
class PollAnswered(Change):
    """Someone answered a poll (results are pushed in batches, like votes)."""

    session_guid: str


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image"])
ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a"}
ASKS_PER_MINUTE = 5
VOTES_PER_MINUTE = 120
MODERATION_ACTIONS = {"approve", "dismiss", "pin", "unpin", "answered", "reopen"}
OWN_ACTIONS = {"edit", "withdraw"}  # the asker's, until the question is answered


def render_answer(body: str) -> str:
    """A safe subset of Markdown: emphasis, lists, quotes, code and links; nothing that runs."""
    return clean_answer_html(_markdown.render(body))


def clean_answer_html(html: str) -> str:
    """Answer HTML from anywhere (rendered here, or read from an imported bag) cut down to the safe subset."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


@dataclass(frozen=True)
class QaContext:
    """One person looking at one session's thread."""

    access: EventAccess
    session: ProgrammeSession
    account: Account | None
    moderation: str
    who_may_ask: str
    presenters: frozenset[int] = frozenset()  # the accounts presenting it now (live, not as published)

    @property
    def is_presenter(self) -> bool:
        return self.account is not None and self.account.id in self.presenters

    @property
    def is_moderator(self) -> bool:
        return self.access.can_organise or self.is_presenter

    @property
    def may_vote(self) -> bool:
        """Anyone logged in who sees the thread up-votes and answers polls (asking may be for members only)."""
        return self.account is not None

    @property
    def questions_wait(self) -> bool:
        """Whether this person's questions wait for a moderator before others see them (pre-moderation)."""
        return self.moderation == Moderation.pre and not self.is_moderator

    @property
    def may_ask(self) -> bool:
        if self.account is None:
            return False
        return self.who_may_ask == WhoMayAsk.logged_in or self.access.is_member or self.access.can_organise


@dataclass(frozen=True)
class AnswerView:
    id: int
    author: str
    body_html: str
    by_presenter: bool
    created_at: datetime


@dataclass(frozen=True)
class QuestionView:
    id: int
    body: str
    author: str
    mine: bool
    phase: str
    status: str
    pinned: bool
    votes: int
    voted: bool
    created_at: datetime
    answers: list[AnswerView] = field(default_factory=list)

    def as_payload(self) -> QuestionShown:
        return QuestionShown(
            id=self.id,
            body=self.body,
            author=self.author,
            mine=self.mine,
            phase=self.phase,
            status=self.status,
            pinned=self.pinned,
            votes=self.votes,
            voted=self.voted,
            created_at=self.created_at.isoformat(),
            answers=[
                AnswerShown(
                    id=a.id,
                    author=a.author,
                    html=a.body_html,
                    by_presenter=a.by_presenter,
                    created_at=a.created_at.isoformat(),
                )
                for a in self.answers
            ],
        )


class QaLimits:
    """How fast one person may ask and vote in one event (the store is Redis across workers, memory on one).

    Counted per event: each event has its own audience and moderators, so a flood is that event's problem,
    and someone following two events at once is not slowed down in one by the other.
    """

    def __init__(self, store: Store) -> None:
        self.rules = {
            "ask": RateLimit(store, ASKS_PER_MINUTE, 60, "ask"),
            "vote": RateLimit(store, VOTES_PER_MINUTE, 60, "vote"),
        }

    async def check(self, action: str, ctx: QaContext) -> None:
        if ctx.account is None:
            return  # refused later, with its own message
        key = f"qa-{action}:{ctx.access.event_id}:{ctx.account.id}"
        wait = await self.rules[action].retry_after(key)
        if wait is not None:
            raise TooFast(f"You are going too fast; try again in {wait} seconds.", wait)
        await self.rules[action].hit(key)


async def qa_settings(event_id: int) -> tuple[str, str]:
    row = await QaSettings.select().where(QaSettings.event == event_id).first()
    return (row["moderation"], row["who_may_ask"]) if row else (Moderation.post.value, WhoMayAsk.logged_in.value)


async def set_qa_settings(event_id: int, moderation: str, who_may_ask: str) -> None:
    if moderation not in {m.value for m in Moderation} or who_may_ask not in {w.value for w in WhoMayAsk}:
        raise Invalid({"moderation": _("Choose pre- or post-moderation and who may ask.")})
    if await QaSettings.exists().where(QaSettings.event == event_id):
        await QaSettings.update({QaSettings.moderation: moderation, QaSettings.who_may_ask: who_may_ask}).where(
            QaSettings.event == event_id
        )
    else:
        await QaSettings(event=event_id, moderation=moderation, who_may_ask=who_may_ask).save()


async def qa_context(event_slug: str, session_key: str, account: Account | None) -> QaContext | None:
    """The thread as ``account`` may use it; ``None`` when the session is not theirs to see."""
    access = await event_access(event_slug, account)
    if access is None or not access.can_view:
        return None
    programme = await published_programme(access.event_id)
    session = programme.session(session_key) if programme else None
    if session is None:
        return None
    moderation, who_may_ask = await qa_settings(access.event_id)
    presenters = await presenting_accounts(session.guid) if account is not None else frozenset()
    return QaContext(access, session, account, moderation, who_may_ask, presenters)


def phase_at(session: ProgrammeSession, now: datetime) -> Phase:
    if now < session.starts_at:
        return Phase.before
    return Phase.during if now < session.ends_at else Phase.after


def _checked_question(body: object) -> str:
    """The words of a question, asked or reworded, or the reason they cannot be one."""
    if not isinstance(body, str) or not has_visible_text(body):
        raise Invalid({"body": _("Write your question first.")})
    if len(body) > QUESTION_MAX:
        raise Invalid({"body": _("A question can be at most %(count)s characters.", count=QUESTION_MAX)})
    if problem := text_problem(body):
        raise Invalid({"body": problem})
    return body


async def ask_question(ctx: QaContext, body: object, anonymous: bool = False, *, at: datetime | None = None) -> int:
    """Ask in the session's thread; ``at`` is when (now, unless a loader replays a thread of the past)."""
    if ctx.account is None:
        raise NotAllowed(_("Log in to ask a question."))
    if not ctx.may_ask:
        raise NotAllowed(_("Only members of this event may ask questions."))
    body = _checked_question(body)
    now = at or datetime.now(timezone.utc)
    status = QuestionStatus.awaiting if ctx.questions_wait else QuestionStatus.visible
    question = Question(
        event=ctx.access.event_id,
        session_guid=uuid.UUID(ctx.session.guid),
        author=ctx.account.id,
        body=body.strip(),
        anonymous=bool(anonymous),
        phase=phase_at(ctx.session, now),
        status=status,
        created_at=now,
    )
    await question.save()
    await announce(QaThreadChanged(ctx.session.guid))
    return question.id


async def _question(ctx: QaContext, question_id: object) -> dict[str, Any]:
    if not is_row_id(question_id):
        raise Invalid({"question": _("Name a question by its number.")})
    row = (
        await Question.select()
        .where((Question.id == question_id) & (Question.session_guid == uuid.UUID(ctx.session.guid)))
        .first()
    )
    if row is None or not _may_see(ctx, row):
        raise NotFound(_("There is no such question."))
    return row


def _may_see(ctx: QaContext, row: dict[str, Any]) -> bool:
    if row["status"] in {QuestionStatus.visible, QuestionStatus.answered}:
        return True
    return ctx.is_moderator or (ctx.account is not None and row["author"] == ctx.account.id)


async def vote(ctx: QaContext, question_id: object, up: bool = True, *, at: datetime | None = None) -> int:
    """Up-vote (or withdraw it); idempotent, and the stored count is always the number of votes."""
    if not ctx.may_vote or ctx.account is None:  # one test; the second spells it out for the type checker
        raise NotAllowed(_("Log in to vote."))
    row = await _question(ctx, question_id)
    if row["status"] not in {QuestionStatus.visible, QuestionStatus.answered}:
        raise Invalid({"question": _("This question cannot be voted on.")})
    if row["author"] == ctx.account.id:
        raise Invalid({"question": _("Votes show what others want to hear: you cannot up-vote your own question.")})
    # The stored count moves by exactly the vote rows added or removed, in the same transaction,
    # so concurrent votes on any number of workers can neither lose nor double a vote.
    async with Question._meta.db.transaction():
        if up:
            added = (
                await QuestionVote.insert(
                    QuestionVote(question=row["id"], voter=ctx.account.id, created_at=at or datetime.now(timezone.utc))
                )
                .on_conflict(action="DO NOTHING")
                .returning(QuestionVote.id)
            )  # the unique index: once per person
            change = len(added)
        else:
            removed = (
                await QuestionVote.delete()
                .where((QuestionVote.question == row["id"]) & (QuestionVote.voter == ctx.account.id))
                .returning(QuestionVote.id)
            )
            change = -len(removed)
        if change:
            await Question.update({Question.votes: Question.votes + change}).where(Question.id == row["id"])
    stored = await Question.select(Question.votes).where(Question.id == row["id"]).first()
    count = int(stored["votes"]) if stored else 0
    await announce(QaVoteCounted(ctx.session.guid, row["id"], count))
    return count


async def _own_open_question(ctx: QaContext, question_id: object) -> dict[str, Any]:
    row = await _question(ctx, question_id)
    if ctx.account is None or row["author"] != ctx.account.id:
        raise NotAllowed(_("Only the person who asked a question may change or withdraw it."))
    answered = row["status"] == QuestionStatus.answered or await Answer.exists().where(Answer.question == row["id"])
    if answered or row["status"] == QuestionStatus.dismissed:
        raise Invalid({"question": _("This question has been answered (or dismissed): it stays as it is.")})
    return row


async def edit_question(ctx: QaContext, question_id: object, body: object) -> None:
    """The asker rewords their question before it is answered; under pre-moderation it waits for approval again."""
    row = await _own_open_question(ctx, question_id)
    changes: dict[Any, Any] = {Question.body: _checked_question(body).strip()}
    if ctx.questions_wait:
        changes[Question.status] = QuestionStatus.awaiting
    await Question.update(changes).where(Question.id == row["id"])
    await announce(QaThreadChanged(ctx.session.guid))


async def withdraw_question(ctx: QaContext, question_id: object) -> None:
    """The asker takes back a question nobody has answered; its votes go with it."""
    row = await _own_open_question(ctx, question_id)
    await Question.delete().where(Question.id == row["id"])
    await announce(QaThreadChanged(ctx.session.guid))


async def has_questions(event_id: int) -> bool:
    """Whether anyone has asked anything at the event yet (a demo is loaded only into a quiet one)."""
    return bool(await Question.exists().where(Question.event == event_id))


async def vote_counts(question_ids: list[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    rows = await Question.select(Question.id, Question.votes).where(Question.id.is_in(question_ids))
    return {row["id"]: row["votes"] for row in rows}


async def moderate(ctx: QaContext, question_id: object, action: object) -> None:
    if not ctx.is_moderator:
        raise NotAllowed(_("Only the session's presenters and the event's organisers moderate."))
    if action not in MODERATION_ACTIONS:
        raise Invalid({"action": _("Choose approve, dismiss, pin, unpin, answered or reopen.")})
    row = await _question(ctx, question_id)
    by_action: dict[str, dict[Column | str, Any]] = {
        "approve": {Question.status: QuestionStatus.visible},
        "reopen": {Question.status: QuestionStatus.visible, Question.answered_at: None},
        "dismiss": {Question.status: QuestionStatus.dismissed, Question.pinned: False},
        "pin": {Question.pinned: True},
        "unpin": {Question.pinned: False},
        "answered": {Question.status: QuestionStatus.answered, Question.answered_at: datetime.now(timezone.utc)},
    }
    await Question.update(by_action[str(action)]).where(Question.id == row["id"])
    await announce(QaThreadChanged(ctx.session.guid))


async def answer_question(
    ctx: QaContext, question_id: object, body: object, base_url: str = "", *, at: datetime | None = None
) -> int:
    """Answer as a presenter or organiser; the asker and everyone who up-voted hear about it."""
    if not ctx.is_moderator:
        raise NotAllowed(_("Only the session's presenters and the event's organisers answer."))
    if not isinstance(body, str) or not body.strip():
        raise Invalid({"body": _("Write the answer first.")})
    if len(body) > ANSWER_MAX:
        raise Invalid({"body": _("An answer can be at most %(count)s characters.", count=ANSWER_MAX)})
    if problem := text_problem(body):
        raise Invalid({"body": problem})
    row = await _question(ctx, question_id)
    now = at or datetime.now(timezone.utc)
    assert ctx.account is not None  # moderators are logged in
    answer = Answer(
        question=row["id"],
        author=ctx.account.id,
        body=body.strip(),
        body_html=render_answer(body.strip()),
        by_presenter=ctx.is_presenter,
        created_at=now,
    )
    await answer.save()
    await Question.update({Question.status: QuestionStatus.answered, Question.answered_at: now}).where(
        Question.id == row["id"]
    )
    await announce(QaThreadChanged(ctx.session.guid))
    await announce(QuestionAnswered(answer.id))  # the asker and voters are told by a background job
    return answer.id


TELL_ASKERS = "sessions.tell-askers"


async def queue_answer_notices(change: QuestionAnswered) -> None:
    """Listener: a popular question may have hundreds of voters; telling them leaves the request."""
    await enqueue(TELL_ASKERS, str(change.answer_id))


async def tell_askers(key: str, progress: Progress) -> None:
    """The job: the asker and everyone who voted hear that their question was answered (not the answerer)."""
    answer = (
        await Answer.select(
            Answer.author,
            Answer.question.id,
            Answer.question.author,
            Answer.question.event,
            Answer.question.session_guid,
        )
        .where(Answer.id == int(key))
        .first()
    )
    if answer is None:
        return  # the question went away with its answers: nothing to tell
    question_id, guid = answer["question.id"], str(answer["question.session_guid"])
    programme = await published_programme(answer["question.event"])
    session = programme.session(guid) if programme else None
    title, link = (
        (session.title, questions_url(programme.event.slug, session.slug, question_id))
        if programme and session
        else ("a session", "")
    )
    name = (await display_names([answer["author"]])).get(answer["author"], "Someone")
    voters = [
        v["voter"]
        for v in await QuestionVote.select(QuestionVote.voter)
        .where(QuestionVote.question == question_id)
        .order_by(QuestionVote.id)
    ]
    recipients = [r for r in dict.fromkeys([answer["question.author"], *voters]) if r and r != answer["author"]]
    allowed = await who_may_see(answer["question.event"], recipients)  # removed from a private event: not told
    recipients = [r for r in recipients if r in allowed]
    for number, recipient in enumerate(recipients, start=1):
        words = said("%(name)s answered a question on “%(title)s”.", name=name, title=title)
        await notify(recipient, "question-answered", words, link)
        if number % 50 == 0:
            await progress(number * 100 // len(recipients))


async def thread(ctx: QaContext, order: str = "votes") -> list[QuestionView]:
    """The session's questions as this person may see them: pinned first, then by votes or by time."""
    rows = await Question.select().where(Question.session_guid == uuid.UUID(ctx.session.guid)).order_by(Question.id)
    rows = [row for row in rows if _may_see(ctx, row)]
    ids = [row["id"] for row in rows]
    answers = await Answer.select().where(Answer.question.is_in(ids or [0])).order_by(Answer.id)
    mine_voted: set[int] = set()
    if ctx.account is not None and ids:
        mine_voted = {
            v["question"]
            for v in await QuestionVote.select(QuestionVote.question).where(
                (QuestionVote.voter == ctx.account.id) & QuestionVote.question.is_in(ids)
            )
        }
    names = await display_names(
        sorted({r["author"] for r in rows if r["author"]} | {a["author"] for a in answers if a["author"]})
    )
    views = []
    for row in rows:
        mine = ctx.account is not None and row["author"] == ctx.account.id
        hidden = row["anonymous"] and not (ctx.is_moderator or mine)
        author = "Anonymous" if hidden else names.get(row["author"], "Former member")
        if row["anonymous"] and not hidden:
            author += " (shown to others as Anonymous)"
        views.append(
            QuestionView(
                id=row["id"],
                body=row["body"],
                author=author,
                mine=mine,
                phase=row["phase"],
                status=row["status"],
                pinned=row["pinned"],
                votes=row["votes"],
                voted=row["id"] in mine_voted,
                created_at=row["created_at"],
                answers=[
                    AnswerView(
                        a["id"],
                        names.get(a["author"], "Former member"),
                        a["body_html"],
                        a["by_presenter"],
                        a["created_at"],
                    )
                    for a in answers
                    if a["question"] == row["id"]
                ],
            )
        )
    if order == "time":
        views.sort(key=lambda q: (not q.pinned, q.created_at))
    else:
        views.sort(key=lambda q: (not q.pinned, -q.votes, q.created_at))
    return views


@dataclass(frozen=True)
class InboxItem:
    event_slug: str
    event_title: str
    session_slug: str
    session_title: str
    question: QuestionView


async def presenter_inbox(account: Account) -> list[InboxItem]:
    """Every question on every session this person presents, across events: unanswered first, oldest first."""
    items = []
    for presented in await presented_sessions(account.id):
        ctx = await qa_context(presented.event_slug, presented.guid, account)
        if ctx is None:
            continue
        for view in await thread(ctx, order="time"):
            if view.status != QuestionStatus.dismissed:
                items.append(
                    InboxItem(presented.event_slug, presented.event_title, presented.slug, presented.title, view)
                )
    items.sort(key=lambda item: (item.question.status == QuestionStatus.answered, item.question.created_at))
    return items


@dataclass(frozen=True)
class ArchivedQuestion:
    """A question as the archive keeps it: what anyone may read, no names of anonymous askers."""

    body: str
    author: str
    phase: str
    votes: int
    asked_at: datetime
    answers: list[dict[str, Any]]


async def archived_thread(session_guid: str) -> list[ArchivedQuestion]:
    """The public part of a session's thread (approved and answered questions, with their answers)."""
    return (await archived_threads([session_guid])).get(session_guid, [])


async def archived_threads(session_guids: list[str]) -> dict[str, list[ArchivedQuestion]]:
    """:func:`archived_thread` for many sessions at once (the archive's index rebuild reads thousands)."""
    if not session_guids:
        return {}
    rows = (
        await Question.select()
        .where(
            Question.session_guid.is_in([uuid.UUID(g) for g in session_guids])
            & Question.status.is_in([QuestionStatus.visible, QuestionStatus.answered])
        )
        .order_by(Question.id)
    )
    ids = [row["id"] for row in rows]
    answers = await Answer.select().where(Answer.question.is_in(ids)).order_by(Answer.id) if ids else []
    names = await display_names(sorted({r["author"] for r in [*rows, *answers] if r["author"]}))
    by_question: dict[int, list[dict[str, Any]]] = {}
    for a in answers:
        by_question.setdefault(a["question"], []).append(
            {
                "author": names.get(a["author"], "Former member"),
                "body_html": a["body_html"],
                "by_presenter": a["by_presenter"],
                "answered_at": a["created_at"].isoformat(),
            }
        )
    threads: dict[str, list[ArchivedQuestion]] = {}
    for row in rows:
        threads.setdefault(str(row["session_guid"]), []).append(
            ArchivedQuestion(
                body=row["body"],
                author="Anonymous" if row["anonymous"] else names.get(row["author"], "Former member"),
                phase=row["phase"],
                votes=row["votes"],
                asked_at=row["created_at"],
                answers=by_question.get(row["id"], []),
            )
        )
    return threads


@dataclass(frozen=True)
class QuestionFact:
    """One question as statistics see it: when, in which phase, answered when (no text, no author)."""

    phase: str
    asked_at: datetime
    answered_at: datetime | None


async def question_facts(event_id: int) -> list[QuestionFact]:
    """Every question of the event that anyone saw (dismissed ones excluded), for the organisers' figures."""
    rows = await Question.select(Question.phase, Question.created_at, Question.answered_at).where(
        (Question.event == event_id) & (Question.status != QuestionStatus.dismissed)
    )
    return [QuestionFact(r["phase"], r["created_at"], r["answered_at"]) for r in rows]
