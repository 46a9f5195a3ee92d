"""The programme's tables. Times are stored in UTC and shown in the event's zone."""

from enum import Enum

from piccolo.columns import (
    JSON,
    UUID,
    Array,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.apps.user.tables import BaseUser
from piccolo.columns.defaults.time import TimeCustom
from piccolo.columns import Serial
from piccolo.table import Table


class EventMode(str, Enum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class Visibility(str, Enum):
    public = "public"
    unlisted = "unlisted"
    private = "private"


class RoomKind(str, Enum):
    physical = "physical"
    virtual = "virtual"
    hybrid = "hybrid"


class SessionKind(str, Enum):
    talk = "talk"
    panel = "panel"
    workshop = "workshop"
    keynote = "keynote"
    break_ = "break"
    networking = "networking"


class SessionStatus(str, Enum):
    draft = "draft"
    confirmed = "confirmed"
    cancelled = "cancelled"


class Attendance(str, Enum):
    in_person = "in_person"
    online = "online"


class MemberRole(str, Enum):
    organiser = "organiser"
    presenter = "presenter"
    attendee = "attendee"


class Event(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    slug = Varchar(length=100, unique=True)
    title = Varchar(length=200)
    description = Text(default="")
    timezone = Varchar(length=64, default="UTC")
    start_date = Date()
    end_date = Date()
    venue = Varchar(length=300, default="")
    mode = Varchar(length=16, choices=EventMode, default=EventMode.hybrid)
    visibility = Varchar(length=16, choices=Visibility, default=Visibility.public)
    created_at = Timestamptz()
    # Local time at which one conference day gives way to the next (frab's day_change): with 04:00 a 01:00
    # party belongs to the night before; a festival whose days end at 06:00 keeps its 04:30 concert too.
    day_change = Time(default=TimeCustom(hour=4, minute=0, second=0))


class Track(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    name = Varchar(length=100)
    colour = Varchar(length=7, default="#3b6ea5")


class Room(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    # Its own identifier in frab exports and feeds: renaming a room (or the event) keeps it.
    guid = UUID()
    name = Varchar(length=100)
    kind = Varchar(length=16, choices=RoomKind, default=RoomKind.physical)
    capacity = Integer(null=True, default=None)
    location = Varchar(length=200, default="")
    stream_url = Varchar(length=500, default="")
    join_url = Varchar(length=500, default="", help_text="Members only: never in public pages or feeds.")
    description = Text(default="")
    position = Integer(default=0)


class Session(Table, tablename="programme_session"):
    """One item of an event's programme (not an HTTP session)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    guid = UUID(unique=True)
    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    slug = Varchar(length=120)
    title = Varchar(length=300)
    subtitle = Varchar(length=300, default="")
    abstract = Text(default="")
    description = Text(default="")
    kind = Varchar(length=16, choices=SessionKind, default=SessionKind.talk)
    track = ForeignKey(references=Track, null=True, on_delete=OnDelete.set_null)
    room = ForeignKey(references=Room, null=True, on_delete=OnDelete.set_null)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    language = Varchar(length=16, default="en")
    status = Varchar(length=16, choices=SessionStatus, default=SessionStatus.confirmed)
    tags = Array(base_column=Varchar(length=60), default=list)
    updated_at = Timestamptz()


class Presenter(Table):
    """Someone who presents: an account holder or an external person."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    name = Varchar(length=200)
    affiliation = Varchar(length=200, default="")
    bio = Text(default="")


class SessionPresenter(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade)
    presenter = ForeignKey(references=Presenter, null=False, on_delete=OnDelete.cascade)
    position = Integer(default=0)


class EventMember(Table):
    """A person's role in one event; every permission check asks this table."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    role = Varchar(length=16, choices=MemberRole)
    created_at = Timestamptz()
    attendance = Varchar(length=10, default="", help_text="Attendees: in_person or online, as they registered.")
    checked_in_at = Timestamptz(null=True, default=None, help_text="When an organiser checked them in at the venue.")


class Invitation(Table):
    """A link that makes whoever opens it (logged in) an organiser or presenter of an event."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    email = Varchar(length=100)
    role = Varchar(length=16, choices=MemberRole)
    presenter = ForeignKey(references=Presenter, null=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    invited_by = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)


class ScheduleRelease(Table):
    """A published, numbered, immutable copy of an event's programme and its changelog."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    version = Integer()
    comment = Text(default="")
    published_at = Timestamptz()
    published_by = ForeignKey(references=BaseUser, null=True, on_delete=OnDelete.set_null)
    snapshot = JSON()
    changelog = JSON()


class Star(Table):
    """A session in someone's personal agenda, by guid so it survives every release."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    event = ForeignKey(references=Event, null=False, on_delete=OnDelete.cascade)
    session_guid = UUID()
    created_at = Timestamptz()


class AgendaFeed(Table):
    """A personal calendar feed. Its URL carries a signature over this row's nonce; revoking deletes the row."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=BaseUser, null=False, unique=True, on_delete=OnDelete.cascade)
    nonce = Varchar(length=64)
    created_at = Timestamptz()
