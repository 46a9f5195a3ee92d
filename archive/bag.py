"""Export the archive as a BagIt bag and restore it: the library world's preservation package.

The bag is BagIt 1.0 (RFC 8493) and follows Hallway's BagIt Profile (``static/bagit-profile.json``,
served by every instance and named in ``bag-info.txt``). It holds ``data/archive.json`` (topics and
items with their recordings, captions, materials and Q&A), the media files and the captions as
WebVTT, with SHA-256 manifests (bagit-python, which writes 0.97; the declaration is raised to 1.0,
whose layout is the same, and the tag manifest made again). The export is deterministic: exporting a restored archive gives the same
bytes, which is how the round trip is tested.
"""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import bagit

from events.access import event_access
from sessions.questions import archived_thread, clean_answer_html
from server.changes import announce

from archive.items import ItemView, item_view, listable_scope, listed_in
from archive.media import media_path
from archive.recordings import (
    CaptionView,
    RecordingView,
    add_captions,
    caption_vtt,
    session_materials,
    session_recordings,
)
from archive.changes import RecordingStored
from archive.search.indexing import reindex_item
from archive.tables import ArchiveItem, ArchivePath, Material, Recording, Topic
from archive.topics import list_topics, save_topic, session_topics, tag_session

FORMAT = "hallway-archive/1"
BAGIT_DECLARATION = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
PROFILE_PATH = "/static/bagit-profile.json"


class BagProblem(Exception):
    """Why a bag cannot be written or read, in one sentence."""


async def export_bag(
    directory: Path, media_root: Path, *, include_all: bool = False, base_url: str = "http://127.0.0.1:8000"
) -> int:
    """Write the archive into ``directory`` (new or empty); public items only unless ``include_all``."""
    if directory.exists() and any(directory.iterdir()):
        raise BagProblem(f"{directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    query = ArchiveItem.select().order_by(ArchiveItem.handle)
    if not include_all:
        query = query.where(listed_in(await listable_scope(None)))  # what the public may find, tombstones too
    items = [item_view(row) for row in await query]
    topics = await list_topics()
    slugs = {t.id: t.slug for t in topics}
    document = {
        "format": FORMAT,
        "topics": [
            {
                "slug": t.slug,
                "name": t.name,
                "description": t.description,
                "parent": slugs.get(t.parent_id, "") if t.parent_id is not None else "",
                "synonyms": list(t.synonyms),
            }
            for t in topics
        ],
        "items": [await _item_entry(item, directory, media_root) for item in items],
    }
    (directory / "archive.json").write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    newest = max((item.updated_at for item in items), default=datetime(2000, 1, 1))
    bagit.make_bag(
        str(directory),
        {
            "Source-Organization": "Hallway",
            "Bagging-Date": newest.date().isoformat(),
            "External-Description": "Hallway archive: sessions with recordings, captions, materials and Q&A.",
            "BagIt-Profile-Identifier": base_url.rstrip("/") + PROFILE_PATH,
        },
        processes=1,
        checksums=["sha256"],
    )
    (directory / "bagit.txt").write_text(BAGIT_DECLARATION, encoding="utf-8")
    bagit.Bag(str(directory)).save()  # the tag manifest again, now over the 1.0 declaration
    return len(items)


async def _item_entry(item: ItemView, directory: Path, media_root: Path) -> dict[str, Any]:
    paths = (
        await ArchivePath.select(ArchivePath.event_slug, ArchivePath.session_slug)
        .where(ArchivePath.item == item.id)
        .order_by(ArchivePath.id)
    )
    return {
        "handle": item.handle,
        "session_guid": item.session_guid,
        "event_slug": item.event_slug,
        "event_title": item.event_title,
        "event_visibility": item.event_visibility,
        "session_slug": item.session_slug,
        "title": item.title,
        "subtitle": item.subtitle,
        "abstract": item.abstract,
        "presenters": list(item.presenters),
        "language": item.language,
        "kind": item.kind,
        "starts_at": item.starts_at.isoformat(),
        "duration_minutes": item.duration_minutes,
        "status": item.status,
        "withdrawn_reason": item.withdrawn_reason,
        "published_at": item.published_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
        "paths": [[p["event_slug"], p["session_slug"]] for p in paths],
        "topics": [t.slug for t in await session_topics(item.session_guid)],
        "questions": await questions_of(item),
        "recordings": [
            await _recording_entry(item, r, directory, media_root) for r in await session_recordings(item.session_guid)
        ],
        "materials": [
            {
                "title": m.title,
                "file": _copy_media(m.file_name, directory, media_root),
                "url": m.url,
                "original_name": m.original_name,
                "mime_type": m.mime_type,
                "size": m.size,
            }
            for m in await session_materials(item.session_guid)
        ],
    }


async def questions_of(item: ItemView) -> list[dict[str, Any]]:
    """The item's public Q&A: live from the session's thread, or as restored from a bag."""
    thread = await archived_thread(item.session_guid)
    if not thread:
        return list(item.questions)
    return [
        {
            "body": q.body,
            "author": q.author,
            "phase": q.phase,
            "votes": q.votes,
            "asked_at": q.asked_at.isoformat(),
            "answers": q.answers,
        }
        for q in thread
    ]


async def _recording_entry(
    item: ItemView, recording: RecordingView, directory: Path, media_root: Path
) -> dict[str, Any]:
    return {
        "kind": recording.kind,
        "file": _copy_media(recording.file_name, directory, media_root),
        "url": recording.url,
        "original_name": recording.original_name,
        "mime_type": recording.mime_type,
        "duration": recording.duration,
        "size": recording.size,
        "language": recording.language,
        "captions": [await _caption_entry(item, n, track, directory) for n, track in enumerate(recording.captions)],
    }


async def _caption_entry(item: ItemView, number: int, track: CaptionView, directory: Path) -> dict[str, Any]:
    found = await caption_vtt(track.id)
    relative = f"captions/{item.handle}-{number}-{track.language}.vtt"
    (directory / "captions").mkdir(exist_ok=True)
    (directory / relative).write_text(found[1] if found else "WEBVTT\n")
    return {"language": track.language, "provenance": track.provenance, "file": relative}


def _copy_media(file_name: str, directory: Path, media_root: Path) -> str:
    if not file_name:
        return ""
    source = media_path(media_root, file_name)
    if source is None or not source.exists():
        raise BagProblem(f"the media file {file_name} is missing from {media_root}")
    target = directory / "media" / file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return f"media/{file_name}"


async def import_bag(directory: Path, media_root: Path) -> int:
    """Restore a bag into an archive that has no items yet, keeping every permanent identifier."""
    document = _read_bag(directory)
    if await ArchiveItem.count() or await Topic.count():
        raise BagProblem("this archive is not empty: restore into a new instance")
    for topic in sorted(document["topics"], key=lambda t: _depth(t, document["topics"])):
        await save_topic(
            topic["slug"],
            topic["name"],
            description=topic["description"],
            parent_slug=topic["parent"],
            synonyms=topic["synonyms"],
        )
    for entry in document["items"]:
        await _restore_item(entry, directory / "data", media_root)
    return len(document["items"])


def _read_bag(directory: Path) -> dict[str, Any]:
    _refuse_links(directory)
    try:
        bag = bagit.Bag(str(directory))
        bag.validate(processes=1)
    except (bagit.BagError, bagit.BagValidationError) as error:
        raise BagProblem(f"{directory} is not a valid bag: {error}") from None
    try:
        document: dict[str, Any] = json.loads((directory / "data" / "archive.json").read_text())
    except (OSError, ValueError) as error:
        raise BagProblem(f"{directory} has no readable data/archive.json: {error}") from None
    if document.get("format") != FORMAT:
        raise BagProblem(f"{directory} is not a Hallway archive bag ({FORMAT})")
    return document


def _refuse_links(directory: Path) -> None:
    """A bag is plain files and folders: a symbolic link could point anywhere on this host.

    bagit follows links while validating, so a bag whose ``data/media`` links to ``/etc`` (or to
    another instance's secret key) validates and would publish those files through /media.
    """
    if directory.is_symlink():
        raise BagProblem(f"{directory} is a symbolic link; give the bag's own folder")
    for path in directory.rglob("*"):
        if path.is_symlink():
            raise BagProblem(f"the bag holds a symbolic link, which is never allowed: {path.relative_to(directory)}")


def _inside(data: Path, relative: str) -> Path:
    """A file the bag names, which must be a regular file inside its ``data/`` folder."""
    path = (data / relative).resolve()
    if not path.is_relative_to(data.resolve()) or not path.is_file() or (data / relative).is_symlink():
        raise BagProblem(f"the bag names a file outside its data folder: {relative!r}")
    return path


def _clean_questions(questions: Any) -> list[dict[str, Any]]:
    """The Q&A as the bag has it, with every answer's HTML cleaned again (the item page shows it as HTML)."""
    if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
        raise BagProblem("the bag's questions are not a list of questions")
    cleaned = []
    for question in questions:
        answers = question.get("answers") or []
        if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
            raise BagProblem("the bag's answers are not a list of answers")
        cleaned.append(
            {
                **question,
                "answers": [
                    {**answer, "body_html": clean_answer_html(str(answer.get("body_html", "")))} for answer in answers
                ],
            }
        )
    return cleaned


def _depth(topic: dict[str, Any], topics: list[dict[str, Any]]) -> int:
    parents = {t["slug"]: t["parent"] for t in topics}
    depth, current = 0, topic["parent"]
    while current and depth < len(topics):
        depth, current = depth + 1, parents.get(current, "")
    return depth


async def _restore_item(entry: dict[str, Any], data: Path, media_root: Path) -> None:
    access = await event_access(entry["event_slug"], None)
    guid = uuid.UUID(entry["session_guid"])
    async with ArchiveItem._meta.db.transaction():
        item = ArchiveItem(
            handle=entry["handle"],
            session_guid=guid,
            event_id=access.event_id if access else None,
            event_slug=entry["event_slug"],
            event_title=entry["event_title"],
            event_visibility=entry["event_visibility"],
            session_slug=entry["session_slug"],
            title=entry["title"],
            subtitle=entry["subtitle"],
            abstract=entry["abstract"],
            presenters=entry["presenters"],
            language=entry["language"],
            kind=entry["kind"],
            starts_at=datetime.fromisoformat(entry["starts_at"]),
            duration_minutes=entry["duration_minutes"],
            status=entry["status"],
            withdrawn_reason=entry["withdrawn_reason"],
            published_at=datetime.fromisoformat(entry["published_at"]),
            updated_at=datetime.fromisoformat(entry["updated_at"]),
            questions=_clean_questions(entry["questions"]),
        )
        await item.save()
        for event_slug, session_slug in entry["paths"]:
            await ArchivePath(item=item.id, event_slug=event_slug, session_slug=session_slug).save()
    if entry["topics"]:
        await tag_session(str(guid), entry["topics"])
    for recording in entry["recordings"]:
        row = Recording(
            session_guid=guid,
            kind=recording["kind"],
            file_name=_restore_media(recording["file"], data, media_root),
            original_name=recording["original_name"],
            url=recording["url"],
            mime_type=recording["mime_type"],
            duration=recording["duration"],
            size=recording["size"],
            language=recording["language"],
            created_at=item.published_at,
        )
        await row.save()
        if row.file_name:  # bags carry originals only; the compressed copy is made again
            await announce(RecordingStored(row.id))
        for track in recording["captions"]:
            await add_captions(
                row.id, _inside(data, track["file"]).read_bytes(), track["language"], track["provenance"]
            )
    for material in entry["materials"]:
        await Material(
            session_guid=guid,
            title=material["title"],
            url=material["url"],
            file_name=_restore_media(material["file"], data, media_root),
            original_name=material["original_name"],
            mime_type=material["mime_type"],
            size=material["size"],
            created_at=item.published_at,
        ).save()
    await reindex_item(item.id)


def _restore_media(relative: str, data: Path, media_root: Path) -> str:
    if not relative:
        return ""
    file_name = relative.removeprefix("media/")
    target = media_path(media_root, file_name)
    if target is None:
        raise BagProblem(f"the bag names a media file outside the media folder: {relative}")
    source = _inside(data, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return file_name
