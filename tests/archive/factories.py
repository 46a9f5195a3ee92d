"""Archived talks for tests, made through the same functions organisers use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import AsyncIterator

from archive.items import ItemView
from archive.media import AUDIO, store_upload
from archive.publishing import archive_session
from archive.recordings import add_captions, add_recording, wav_bytes
from archive.topics import save_topic, tag_session
from events import editing
from events.access import event_access
from events.releases import publish_release, published_programme
from tests.events.factories import local, make_event, make_session

CONTU_CAPTIONS = """WEBVTT

00:00:01.000 --> 00:00:04.000
Welcome to the session on copyright.

00:00:05.000 --> 00:00:09.500
<v Ada>The CONTU rule of five limits copies from one journal.

00:00:12.250 --> 00:00:15.000
Licences come first &amp; guidelines second.
"""


RECORDING = wav_bytes(16)  # made once: sixteen seconds of tone, enough for every caption below


@dataclass(frozen=True)
class ArchivedTalk:
    event_id: int
    slug: str
    guid: str
    item: ItemView


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 4096):
        yield data[start : start + 4096]


async def vocabulary() -> None:
    await save_topic("interlibrary-loan", "Interlibrary loan", synonyms=["ILL"])
    await save_topic("copyright", "Copyright")
    await save_topic("contu", "CONTU guidelines", parent_slug="copyright", synonyms=["rule of five"])


async def archived_talk(
    media_root: Path,
    *,
    slug: str = "ill-days",
    title: str = "Copyright at the desk",
    visibility: str = "public",
    captions: str = CONTU_CAPTIONS,
    topics: tuple[str, ...] = ("contu",),
    presenter: str = "Ada Okafor",
    organiser_id: int | None = None,
    day: date = date(2026, 3, 27),
    language: str = "en",
    abstract: str = "",
) -> ArchivedTalk:
    """A published talk with a real WAV recording, captions and topics, archived."""
    access = await event_access(slug, None)
    event_id = (
        access.event_id
        if access
        else await make_event(slug, visibility=visibility, start=day, organiser_id=organiser_id)
    )
    person = await editing.save_presenter(event_id, presenter, "Northgate University")
    guid = await make_session(
        event_id,
        title,
        local(day, 10),
        presenter_ids=[person],
        abstract=abstract or f"All about {title}.",
        language=language,
    )
    await publish_release(event_id)
    stored = await store_upload(chunks(RECORDING), media_root, AUDIO)
    recording = await add_recording(guid, "audio", stored=stored, original_name="talk.wav", media_root=media_root)
    await add_captions(recording, captions.encode(), language, "corrected")
    if topics:
        await tag_session(guid, list(topics))
    access = await event_access(slug, None)  # private events too: this is the organiser's own call
    programme = await published_programme(event_id)
    item = await archive_session(access, programme.session(guid))
    return ArchivedTalk(event_id, slug, guid, item)
