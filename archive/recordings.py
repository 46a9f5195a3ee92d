"""A session's recordings, caption tracks and materials (before and after it is archived)."""

from __future__ import annotations

from server.i18n import _
from typing import Any

import io
import re
import uuid
import wave
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from server.changes import announce
from server.problems import Invalid

from archive.captions import parse_captions
from archive.changes import ArchiveSessionChanged, RecordingStored
from archive.derivatives import remove_derivatives
from archive.media import StoredFile, label_for, remove_stored
from archive.text_language import mislabelled_as
from archive.tables import CaptionTrack, Cue, Material, MediaDerivative, Provenance, Recording, RecordingKind

LANGUAGE_MAX = 16
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")  # BCP 47's shape, in ASCII only


@dataclass(frozen=True)
class CaptionView:
    id: int
    language: str
    provenance: str
    reads_as: str = ""  # the language its text seems to be in, when that is not the declared one


@dataclass(frozen=True)
class RecordingView:
    id: int
    kind: str
    file_name: str
    original_name: str
    url: str
    mime_type: str
    duration: float
    size: int
    language: str
    captions: tuple[CaptionView, ...]

    @property
    def is_file(self) -> bool:
        return bool(self.file_name)


@dataclass(frozen=True)
class MaterialView:
    id: int
    title: str
    file_name: str
    original_name: str
    url: str
    mime_type: str
    size: int


def _now() -> datetime:
    return datetime.now(timezone.utc)


def check_link(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
        raise Invalid({"url": _("Give a full http(s) address of at most 1000 characters.")})
    return url


def check_language(language: str) -> str:
    language = (language or "en").strip().lower()
    if not LANGUAGE_TAG.fullmatch(language) or len(language) > LANGUAGE_MAX:
        raise Invalid({"language": _("Use a language code such as en, fr or pt-br.")})
    return language


def wav_duration(path: Path) -> float:
    """Seconds of audio in a WAV file (0 when it is not one we can read)."""
    try:
        with wave.open(str(path), "rb") as audio:
            return audio.getnframes() / float(audio.getframerate())
    except (wave.Error, EOFError, OSError):
        return 0.0


async def add_recording(
    session_guid: str,
    kind: str,
    *,
    stored: StoredFile | None = None,
    original_name: str = "",
    url: str = "",
    language: str = "en",
    duration: float = 0.0,
    media_root: Path | None = None,
) -> int:
    """Attach an uploaded file (``stored``) or an external ``url`` to the session."""
    if kind not in RecordingKind.__members__:
        raise Invalid({"kind": _("A recording is video or audio.")})
    if stored is None:
        url = check_link(url)
    elif stored.mime_type.split("/")[0] != kind:
        raise Invalid(
            {"file": _("This file is %(found)s, not %(kind)s.", found=stored.mime_type.split("/")[0], kind=_(kind))}
        )
    if stored is not None and not duration and media_root is not None and stored.mime_type == "audio/wav":
        duration = wav_duration(media_root / stored.file_name)
        if not duration:
            raise Invalid({"file": _("This WAV file holds no sound (or is damaged); export it again.")})
    row = Recording(
        session_guid=uuid.UUID(session_guid),
        kind=kind,
        file_name=stored.file_name if stored else "",
        original_name=label_for(original_name) if stored else "",
        url=url,
        mime_type=stored.mime_type if stored else "",
        size=stored.size if stored else 0,
        language=check_language(language),
        duration=max(0.0, float(duration or 0)),
        created_at=_now(),
    )
    await row.save()
    if stored is not None:
        await announce(RecordingStored(row.id))  # its compressed copy is made in the background
    await announce(ArchiveSessionChanged(session_guid))
    return row.id


async def add_captions(recording_id: int, data: bytes, language: str = "en", provenance: str = "machine") -> int:
    """Parse and store captions (replacing any in the same language); every cue is kept for search."""
    if provenance not in Provenance.__members__:
        raise Invalid({"provenance": _("Captions are machine-made or corrected.")})
    recording = await Recording.select(Recording.session_guid).where(Recording.id == recording_id).first()
    if recording is None:
        raise Invalid({"recording": _("There is no such recording.")})
    parsed = parse_captions(data)
    language = check_language(language)
    async with CaptionTrack._meta.db.transaction():
        await CaptionTrack.delete().where(
            (CaptionTrack.recording == recording_id) & (CaptionTrack.language == language)
        )
        track = CaptionTrack(
            recording=recording_id,
            language=language,
            provenance=provenance,
            vtt=parsed.vtt,
            reads_as=mislabelled_as(language, " ".join(c.text for c in parsed.cues)),
            created_at=_now(),
        )
        await track.save()
        for start in range(0, len(parsed.cues), 500):
            await Cue.insert(
                *[
                    Cue(caption=track.id, session_guid=recording["session_guid"], start=c.start, end=c.end, text=c.text)
                    for c in parsed.cues[start : start + 500]
                ]
            )
    await announce(ArchiveSessionChanged(str(recording["session_guid"])))
    return track.id


async def relabel_captions(session_guid: str, track_id: int, language: str) -> None:
    """Declare a caption track's right language (one that said "en" for Spanish text, say).

    A track already in that language for the same recording is replaced, as uploading would."""
    language = check_language(language)
    track = (
        await CaptionTrack.select(CaptionTrack.recording, CaptionTrack.recording.session_guid.as_alias("guid"))
        .where(CaptionTrack.id == track_id)
        .first()
    )
    if track is None or str(track["guid"]) != session_guid:
        raise Invalid({"captions": _("There are no such captions in this session.")})
    text = " ".join(row["text"] for row in await Cue.select(Cue.text).where(Cue.caption == track_id))
    async with CaptionTrack._meta.db.transaction():
        await CaptionTrack.delete().where(
            (CaptionTrack.recording == track["recording"])
            & (CaptionTrack.language == language)
            & (CaptionTrack.id != track_id)
        )
        await CaptionTrack.update(
            {CaptionTrack.language: language, CaptionTrack.reads_as: mislabelled_as(language, text)}
        ).where(CaptionTrack.id == track_id)
    await announce(ArchiveSessionChanged(session_guid))


async def add_material(
    session_guid: str, title: str, *, stored: StoredFile | None = None, original_name: str = "", url: str = ""
) -> int:
    title = title.strip() or label_for(original_name)
    if len(title) > 200:
        raise Invalid({"title": _("A title can be at most 200 characters.")})
    if stored is None:
        url = check_link(url)
    row = Material(
        session_guid=uuid.UUID(session_guid),
        title=title,
        file_name=stored.file_name if stored else "",
        original_name=label_for(original_name) if stored else "",
        url=url,
        mime_type=stored.mime_type if stored else "",
        size=stored.size if stored else 0,
        created_at=_now(),
    )
    await row.save()
    await announce(ArchiveSessionChanged(session_guid))
    return row.id


async def session_recordings(session_guid: str) -> list[RecordingView]:
    rows = await Recording.select().where(Recording.session_guid == uuid.UUID(session_guid)).order_by(Recording.id)
    ids = [row["id"] for row in rows]
    tracks = (
        await CaptionTrack.select(
            CaptionTrack.id,
            CaptionTrack.recording,
            CaptionTrack.language,
            CaptionTrack.provenance,
            CaptionTrack.reads_as,
        ).where(CaptionTrack.recording.is_in(ids))
        if ids
        else []
    )
    return [
        _recording_view(
            row,
            tuple(
                CaptionView(t["id"], t["language"], t["provenance"], t["reads_as"])
                for t in tracks
                if t["recording"] == row["id"]
            ),
        )
        for row in rows
    ]


def _recording_view(row: dict[str, Any], captions: tuple[CaptionView, ...] = ()) -> RecordingView:
    return RecordingView(
        row["id"],
        row["kind"],
        row["file_name"],
        row["original_name"],
        row["url"],
        row["mime_type"],
        row["duration"],
        row["size"],
        row["language"],
        captions,
    )


async def session_materials(session_guid: str) -> list[MaterialView]:
    rows = await Material.select().where(Material.session_guid == uuid.UUID(session_guid)).order_by(Material.id)
    return [
        MaterialView(r["id"], r["title"], r["file_name"], r["original_name"], r["url"], r["mime_type"], r["size"])
        for r in rows
    ]


async def caption_vtt(caption_id: int) -> tuple[str, str] | None:
    """``(session guid, WebVTT text)`` of a caption track."""
    row = (
        await CaptionTrack.select(CaptionTrack.vtt, CaptionTrack.recording.session_guid)
        .where(CaptionTrack.id == caption_id)
        .first()
    )
    return (str(row["recording.session_guid"]), row["vtt"]) if row else None


@dataclass(frozen=True)
class TranscriptLine:
    id: int
    start: float
    end: float
    text: str


async def transcript(session_guid: str, language: str | None = None) -> list[TranscriptLine]:
    """The cues of the session's first caption track (in ``language`` if there is one)."""
    recordings = await session_recordings(session_guid)
    tracks = [t for r in recordings for t in r.captions]
    chosen = next((t for t in tracks if t.language == language), tracks[0] if tracks else None)
    if chosen is None:
        return []
    rows = await Cue.select(Cue.id, Cue.start, Cue.end, Cue.text).where(Cue.caption == chosen.id).order_by(Cue.start)
    return [TranscriptLine(r["id"], r["start"], r["end"], r["text"]) for r in rows]


async def delete_recording(recording_id: int, media_root: Path) -> str | None:
    """Remove a recording, its captions and its stored file; returns its session guid."""
    row = (
        await Recording.select(Recording.session_guid, Recording.file_name).where(Recording.id == recording_id).first()
    )
    if row is None:
        return None
    await remove_derivatives(recording_id, media_root)
    await Recording.delete().where(Recording.id == recording_id)
    remove_stored(media_root, row["file_name"])
    await announce(ArchiveSessionChanged(str(row["session_guid"])))
    return str(row["session_guid"])


async def delete_material(material_id: int, media_root: Path) -> str | None:
    row = await Material.select(Material.session_guid, Material.file_name).where(Material.id == material_id).first()
    if row is None:
        return None
    await Material.delete().where(Material.id == material_id)
    remove_stored(media_root, row["file_name"])
    await announce(ArchiveSessionChanged(str(row["session_guid"])))
    return str(row["session_guid"])


async def stored_file(file_name: str) -> tuple[str, str, str] | None:
    """``(session guid, mime type, download name)`` of a stored recording, compressed copy or material file."""
    if not file_name:
        return None
    for table in (Recording, Material):
        row = (
            await table.select(table.session_guid, table.mime_type, table.original_name)
            .where(table.file_name == file_name)
            .first()
        )
        if row is not None:
            return str(row["session_guid"]), row["mime_type"], row["original_name"]
    copy = (
        await MediaDerivative.select(
            MediaDerivative.recording.session_guid,
            MediaDerivative.mime_type,
            MediaDerivative.recording.original_name,
            MediaDerivative.profile,
        )
        .where(MediaDerivative.file_name == file_name)
        .first()
    )
    if copy is None:
        return None
    stem = copy["recording.original_name"].rsplit(".", 1)[0] or "recording"
    return str(copy["recording.session_guid"]), copy["mime_type"], f"{stem}.{copy['profile']}"


def wav_bytes(seconds: float, rate: int = 8000, tone: float = 440.0) -> bytes:
    """A small real WAV file (a quiet tone), for the demo and for tests."""
    import math
    import struct

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        frames = int(seconds * rate)
        audio.writeframes(
            b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * tone * n / rate))) for n in range(frames))
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class SessionMedia:
    """What kinds of media and caption languages a session has (and its cues, when asked): what the index,
    the OAI-PMH records and the feeds need, read for many sessions at once."""

    kinds: frozenset[str]
    languages: frozenset[str]
    mime_types: frozenset[str]
    cues: list[dict[str, Any]]
    first_file: RecordingView | None = None


async def media_by_session(session_guids: list[str], *, with_cues: bool = True) -> dict[str, SessionMedia]:
    if not session_guids:
        return {}
    guids = [uuid.UUID(g) for g in session_guids]
    recordings = await Recording.select().where(Recording.session_guid.is_in(guids)).order_by(Recording.id)
    tracks = (
        await CaptionTrack.select(CaptionTrack.recording, CaptionTrack.language).where(
            CaptionTrack.recording.is_in([r["id"] for r in recordings])
        )
        if recordings
        else []
    )
    with_slides = {
        str(r["session_guid"])
        for r in await Material.select(Material.session_guid).where(Material.session_guid.is_in(guids))
    }
    cues = (
        await Cue.select(Cue.id, Cue.session_guid, Cue.start, Cue.text, Cue.caption.language.as_alias("language"))
        .where(Cue.session_guid.is_in(guids))
        .order_by(Cue.id)
        if with_cues
        else []
    )
    session_of = {r["id"]: str(r["session_guid"]) for r in recordings}
    cues_of: dict[str, list[dict[str, Any]]] = {}
    for cue in cues:
        cues_of.setdefault(str(cue["session_guid"]), []).append(cue)
    recordings_of: dict[str, list[dict[str, Any]]] = {}
    for recording in recordings:
        recordings_of.setdefault(str(recording["session_guid"]), []).append(recording)
    languages_of: dict[str, set[str]] = {}
    for track in tracks:
        languages_of.setdefault(session_of[track["recording"]], set()).add(track["language"])
    media = {}
    for guid in session_guids:
        mine = recordings_of.get(guid, [])
        first = next((r for r in mine if r["file_name"]), None)
        media[guid] = SessionMedia(
            kinds=frozenset({r["kind"] for r in mine} | ({"slides"} if guid in with_slides else set())),
            languages=frozenset(languages_of.get(guid, ())),
            mime_types=frozenset(r["mime_type"] for r in mine if r["mime_type"]),
            cues=cues_of.get(guid, []),
            first_file=_recording_view(first) if first else None,
        )
    return media
