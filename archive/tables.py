"""Archive tables: topics, recordings, captions, materials and the permanent archive items.

Everything names its session by guid (like the Q&A), so an archive outlives any edit of
the programme. An :class:`ArchiveItem` copies what it needs to stand on its own (title,
presenters, event name), so a harvested record keeps its meaning even if the event is
later deleted or the archive is restored into an instance without the programme.
"""

from __future__ import annotations

from enum import Enum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    UUID,
    Array,
    BigInt,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns import Serial
from piccolo.table import Table


class RecordingKind(str, Enum):
    video = "video"
    audio = "audio"


class Provenance(str, Enum):
    machine = "machine"  # made by speech recognition, not checked
    corrected = "corrected"  # checked and corrected by a person


class ItemStatus(str, Enum):
    published = "published"
    withdrawn = "withdrawn"  # a tombstone: the citation stays, the content goes


class Topic(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    slug = Varchar(length=80, unique=True)
    name = Varchar(length=120)
    description = Text(default="")
    parent: ForeignKey["Topic"] = ForeignKey(references="self", null=True, on_delete=OnDelete.set_null)
    synonyms = Array(base_column=Varchar(length=120), default=list)


class SessionTopic(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    session_guid = UUID(index=True)
    topic = ForeignKey(references=Topic, null=False, on_delete=OnDelete.cascade)


class Recording(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    session_guid = UUID(index=True)
    kind = Varchar(length=8, choices=RecordingKind)
    file_name = Varchar(length=200, default="", help_text="Stored under HALLWAY_MEDIA_ROOT; empty for a link.")
    original_name = Varchar(length=200, default="")
    url = Varchar(length=1000, default="", help_text="An external source (PeerTube, YouTube, an institution's server).")
    mime_type = Varchar(length=100, default="")
    duration = Float(default=0.0)
    size = BigInt(default=0)
    language = Varchar(length=16, default="en")
    created_at = Timestamptz()


class MediaDerivative(Table):
    """A compressed copy of an uploaded recording (MP3 of audio, H.264 MP4 of video) for podcast apps and
    slow connections; made by ffmpeg in a background job, the original always kept beside it."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    recording = ForeignKey(references=Recording, null=False, on_delete=OnDelete.cascade, index=True)
    profile = Varchar(length=16)  # mp3, mp4
    file_name = Varchar(length=200)
    mime_type = Varchar(length=100)
    size = BigInt(default=0)
    created_at = Timestamptz()


class CaptionTrack(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    recording = ForeignKey(references=Recording, null=False, on_delete=OnDelete.cascade)
    language = Varchar(length=16, default="en")
    provenance = Varchar(length=12, choices=Provenance, default=Provenance.machine)
    vtt = Text(help_text="The captions as WebVTT, whatever format they arrived in.")
    reads_as = Varchar(
        length=16, default="", help_text="The language the text seems to be in when not the declared one: a flag."
    )
    created_at = Timestamptz()


class Cue(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    caption = ForeignKey(references=CaptionTrack, null=False, on_delete=OnDelete.cascade, index=True)
    session_guid = UUID(index=True)
    start = Float()
    end = Float()
    text = Text()


class Material(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    session_guid = UUID(index=True)
    title = Varchar(length=200)
    file_name = Varchar(length=200, default="")
    original_name = Varchar(length=200, default="")
    url = Varchar(length=1000, default="")
    mime_type = Varchar(length=100, default="")
    size = BigInt(default=0)
    created_at = Timestamptz()


class ArchiveItem(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    handle = Varchar(length=16, unique=True, help_text="The permanent identifier in /a/<handle>; never reused.")
    session_guid = UUID(unique=True)
    event_id = Integer(null=True, default=None, help_text="The programme's event, if it still exists here.")
    event_slug = Varchar(length=100)
    event_title = Varchar(length=200)
    event_visibility = Varchar(length=16, default="public")
    session_slug = Varchar(length=120)
    title = Varchar(length=300)
    subtitle = Varchar(length=300, default="")
    abstract = Text(default="")
    presenters = JSON(default=[], help_text='[{"name": ..., "affiliation": ...}] as published.')
    language = Varchar(length=16, default="en")
    kind = Varchar(length=16, default="talk")
    starts_at = Timestamptz()
    duration_minutes = Integer(default=0)
    status = Varchar(length=12, choices=ItemStatus, default=ItemStatus.published)
    withdrawn_reason = Text(default="")
    published_at = Timestamptz()
    updated_at = Timestamptz()
    questions = JSON(default=[], help_text="The Q&A as exported, for an archive restored without its programme.")


class ArchivePath(Table):
    """Every (event slug, session slug) an item has been known by, so old links redirect forever."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    item = ForeignKey(references=ArchiveItem, null=False, on_delete=OnDelete.cascade)
    event_slug = Varchar(length=100, index=True)
    session_slug = Varchar(length=120)


class ItemFacet(Table):
    """One (facet, value) of a published item: what search counts and filters by."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    item = ForeignKey(references=ArchiveItem, null=False, on_delete=OnDelete.cascade, index=True)
    facet = Varchar(length=16)
    value = Varchar(length=300)


class SavedSearch(Table):
    id: Serial  # the primary key Piccolo adds, declared for type checkers
    user = ForeignKey(references=BaseUser, null=False, on_delete=OnDelete.cascade)
    query = Varchar(length=300)
    filters = JSON(default={})
    notify = Boolean(default=True)
    created_at = Timestamptz()
    last_notified_item = Integer(default=0, help_text="The newest item already announced to this person.")
