"""Infrastructure tables: accounts are Piccolo's ``BaseUser``; a profile says who someone is."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, Array, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns import Serial
from piccolo.table import Table

DISPLAY_NAME_MAX = 100
AFFILIATION_MAX = 200
BIO_MAX = 2000


class Profile(Table):
    """What other people see of an account. One per account, created with it."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=BaseUser, unique=True, null=False, on_delete=OnDelete.cascade)
    display_name = Varchar(length=DISPLAY_NAME_MAX)
    affiliation = Varchar(length=AFFILIATION_MAX, default="")
    bio = Text(default="")
    pronouns = Varchar(length=40, default="")
    job_role = Varchar(length=100, default="")
    expertise = Array(base_column=Varchar(length=60), default=list)
    contact_about = Text(default="", help_text="What others may contact this person about (shown when listed).")
    contact_details = Text(default="", help_text="Shown only to accepted connections.")
    listed = Boolean(default=False, help_text="Opted in to the people directory.")
    avatar = Varchar(length=200, default="", help_text="File name under HALLWAY_MEDIA_ROOT/avatars, or empty.")
    email_pref = Varchar(length=10, default="immediate", help_text="immediate, daily or never.")
    last_digest_at = Timestamptz(null=True, default=None)
    time_zone = Varchar(length=64, default="", help_text="IANA name the person reads times in; empty: each event's.")
    language = Varchar(length=10, default="", help_text="Interface and mail language chosen; empty: the browser's.")
    email_confirmed_at = Timestamptz(
        null=True, default=None, help_text="When the account proved it reads its address; none: unconfirmed."
    )
    updated_at = Timestamptz()


class Notification(Table):
    """Something a person should know about, shown in the app (and mailed, per their preference)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    recipient = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=40)
    text = Text(help_text="What it says in English (and all that older notifications kept).")
    sentences = JSON(default=[], help_text='[{"message": ..., "values": {...}}]: said in each reader\'s language.')
    link = Varchar(length=500, default="")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class OutboxMail(Table):
    """An email waiting to be sent. Written in the same step as what caused it, sent later, retried with back-off."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    body_text = Text()
    created_at = Timestamptz()
    send_after = Timestamptz(index=True)
    attempts = Integer(default=0)
    last_error = Text(default="")
    sent_at = Timestamptz(null=True, default=None)
    gave_up_at = Timestamptz(null=True, default=None)  # refused for good, or failed too often: kept to be seen


class ActivityCount(Table):
    """How many times something happened in one time bucket: aggregates only, never who."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    name = Varchar(length=40)  # e.g. "archive.view", "event.view", "archive.search_nothing"
    key = Varchar(length=200)  # what it happened to: an item handle, an event id, a search term
    bucket = Timestamptz()  # the start of the hour (or day) it happened in, UTC
    value = Integer(default=0)


class ActivityPeak(Table):
    """The most of something at once within a bucket (people in a room, viewers of a live page)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    name = Varchar(length=40)
    key = Varchar(length=200)
    bucket = Timestamptz()
    value = Integer(default=0)


class PasswordReset(Table):
    """A link to choose a new password: only a hash of its token is kept, it works once and for an hour."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class EmailConfirmation(Table):
    """A link that proves someone reads an address: at registration, or before an account moves to a new one.

    Only a hash of the token is kept; the link works once and for two days.
    """

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=100, help_text="The address this link confirms.")
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class Job(Table, tablename="background_job"):
    """Slow work done after the request that asked for it (making media derivatives, say), kept across restarts."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    kind = Varchar(length=60, index=True)
    key = Varchar(length=200)  # what the job is about, in its kind's terms (a recording's id)
    status = Varchar(length=10, default="queued", index=True)  # queued, running, done, failed
    progress = Integer(default=0)  # per cent, for the person waiting
    message = Text(default="")  # why it failed, in words an organiser can act on
    attempts = Integer(default=0)
    claimed_by = Varchar(length=100, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
