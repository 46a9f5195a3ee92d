"""Q&A tables. Questions name their session by guid, so they outlive any edit of the programme."""

from enum import Enum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import UUID, Array, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns import Serial
from piccolo.table import Table

from events.tables import Event

QUESTION_MAX = 1000
ANSWER_MAX = 10_000


class Phase(str, Enum):
    before = "before"
    during = "during"
    after = "after"


class QuestionStatus(str, Enum):
    awaiting = "awaiting"
    visible = "visible"
    answered = "answered"
    dismissed = "dismissed"


class Moderation(str, Enum):
    pre = "pre"  # questions wait for a moderator before anyone else sees them
    post = "post"  # questions show at once; moderators can dismiss them


class WhoMayAsk(str, Enum):
    members = "members"
    logged_in = "logged_in"


class QaSettings(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    event = ForeignKey(references=Event, null=False, unique=True, on_delete=OnDelete.cascade)
    moderation = Varchar(length=8, choices=Moderation, default=Moderation.post)
    who_may_ask = Varchar(length=16, choices=WhoMayAsk, default=WhoMayAsk.logged_in)


class Question(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade, index=True)
    session_guid = UUID(index=True)
    author = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    body = Text()
    anonymous = Boolean(default=False)
    phase = Varchar(length=8, choices=Phase)
    status = Varchar(length=12, choices=QuestionStatus)
    pinned = Boolean(default=False)
    votes = Integer(default=0)
    created_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)


class QuestionVote(Table):
    """One up-vote per person and question; a unique index (see migrations) makes a double vote impossible."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    question = ForeignKey(references=Question, null=False, on_delete=OnDelete.cascade)
    voter = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz()


class Answer(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    question = ForeignKey(references=Question, null=False, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    body = Text(help_text="As written (a safe subset of Markdown).")
    body_html = Text(help_text="Rendered and sanitised once, when saved.")
    by_presenter = Boolean(default=False)
    created_at = Timestamptz()
    edited_at = Timestamptz(null=True, default=None)


class PollStatus(str, Enum):
    draft = "draft"
    open = "open"
    closed = "closed"


class Poll(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    session_guid = UUID(index=True)
    question = Text()
    options = Array(base_column=Varchar(length=200))
    multiple = Boolean(default=False)
    status = Varchar(length=8, choices=PollStatus, default=PollStatus.draft)
    results_live = Boolean(default=True, help_text="Show results while the poll is open, or only once it closes.")
    created_at = Timestamptz()


class PollVote(Table):
    """A person's choice in a poll; a unique index (see migrations) allows each option once per person."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    poll = ForeignKey(references=Poll, null=False, on_delete=OnDelete.cascade)
    voter = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    option = Integer()
