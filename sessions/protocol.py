"""The `/qa` live protocol: every event clients send and the server emits, and the shape of each.

``live.py`` decodes what clients send with these structs and sends only these; the README's protocol
section is made from them (see server/protocol.py).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec

from server.i18n import N_
from server.protocol import LiveEvent, LiveNamespace, Payload, RowId

NAME_A_SESSION = N_("Watch a session first, or name the event and the session.")

# What clients send ------------------------------------------------------------------------


class AboutThread(Payload):
    """Every event is about the watched session, unless it names another one."""

    event: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    session: Annotated[str, msgspec.Meta(max_length=130)] | None = None
    refusals: ClassVar[dict[str, str]] = {"event": NAME_A_SESSION, "session": NAME_A_SESSION}


class ShowThread(AboutThread, kw_only=True):
    order: Literal["votes", "time"] = "votes"
    refusals: ClassVar[dict[str, str]] = {**AboutThread.refusals, "order": N_("'order' is votes or time.")}


class Ask(AboutThread, kw_only=True):
    body: str
    anonymous: bool = False
    refusals: ClassVar[dict[str, str]] = {**AboutThread.refusals, "body": N_("Write your question first.")}


class Vote(AboutThread, kw_only=True):
    question: RowId
    up: bool = True
    refusals: ClassVar[dict[str, str]] = {**AboutThread.refusals, "question": N_("Name a question by its number.")}


class AnswerPoll(AboutThread, kw_only=True):
    poll: RowId
    choices: list[int]
    refusals: ClassVar[dict[str, str]] = {
        **AboutThread.refusals,
        "poll": N_("Name a poll by its number."),
        "choices": N_("Choose options by their numbers."),
    }


# What the server answers and emits -----------------------------------------------------------


class AnswerShown(Payload):
    id: int
    author: str
    html: str
    by_presenter: bool
    created_at: str


class QuestionShown(Payload):
    id: int
    body: str
    author: str
    mine: bool
    phase: str
    status: str
    pinned: bool
    votes: int
    voted: bool
    created_at: str
    answers: list[AnswerShown]


class PollShown(Payload):
    id: int
    question: str
    options: list[str]
    multiple: bool
    status: str
    results: list[int] | None  # None while they are hidden from this person
    voters: int | None
    mine: list[int]


class Thread(Payload):
    """A thread as this person may see it."""

    questions: list[QuestionShown]
    moderator: bool
    may_ask: bool
    moderation: str
    polls: list[PollShown]


class Asked(Payload):
    id: int
    waiting: bool  # a moderator approves it before others see it


class Votes(Payload):
    votes: int


class ThreadChanged(Payload):
    session: str


class VoteCounts(Payload):
    session: str
    counts: dict[str, int]  # question id -> up-votes


QA_PROTOCOL = LiveNamespace(
    path="/qa",
    notes=(
        "After `watch`, the connection's other events are about the watched session (each may also name "
        "`event` and `session` to act on another one). Each is acknowledged like `/rooms`'. Each person may "
        "ask 5 questions and vote 120 times a minute in each event."
    ),
    receives=(
        LiveEvent("watch", ShowThread, "follow a session's thread and polls, as this person may see them", (Thread,)),
        LiveEvent("thread", ShowThread, "the thread now, by `votes` or by `time`", (Thread,)),
        LiveEvent("ask", Ask, "ask a question (`waiting` when a moderator approves it first)", (Asked,)),
        LiveEvent("vote", Vote, "up-vote a question, or take the vote back", (Votes,)),
        LiveEvent("poll_answer", AnswerPoll, "answer an open poll (choices by their numbers)"),
    ),
    emits=(
        LiveEvent("thread_changed", ThreadChanged, "something in the thread changed: fetch your view again"),
        LiveEvent("votes", VoteCounts, "new vote counts, at most five times a second per thread"),
    ),
)
