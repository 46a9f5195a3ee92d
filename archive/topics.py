"""The shared topic vocabulary: topics across events and years, with parents and synonyms.

Topics are what remote staff browse and search by years later, so they belong to the whole
archive, not to one event. Synonyms ("ILL" for "interlibrary loan") make a search for one
word find sessions that used the other.
"""

from __future__ import annotations

from server.i18n import _
from typing import Any

import re
import time
import uuid
from dataclasses import dataclass

from server.changes import announce, transaction
from server.problems import Invalid

from archive.changes import ArchiveSessionChanged
from piccolo.columns import Column

from archive.tables import SessionTopic, Topic

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class TopicView:
    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None
    synonyms: tuple[str, ...]


def _view(row: dict[str, Any]) -> TopicView:
    return TopicView(
        row["id"], row["slug"], row["name"], row["description"], row["parent"], tuple(row["synonyms"] or ())
    )


async def list_topics() -> list[TopicView]:
    return [_view(row) for row in await Topic.select().order_by(Topic.name)]


async def topic_by_slug(slug: str) -> TopicView | None:
    row = await Topic.select().where(Topic.slug == slug).first()
    return _view(row) if row else None


async def save_topic(
    slug: str, name: str, *, description: str = "", parent_slug: str = "", synonyms: list[str] | None = None
) -> TopicView:
    """Create the topic at ``slug`` or update it; a parent must exist and may not be the topic itself."""
    slug, name = slug.strip().lower(), name.strip()
    errors = {}
    if not SLUG.match(slug) or len(slug) > 80:
        errors["slug"] = _("Use lower-case letters, digits and dashes (at most 80).")
    if not name or len(name) > 120:
        errors["name"] = _("Give the topic a name of at most 120 characters.")
    parent = await topic_by_slug(parent_slug) if parent_slug else None
    if parent_slug and (parent is None or parent.slug == slug):
        errors["parent"] = _("The parent must be another existing topic.")
    if errors:
        raise Invalid(errors)
    clean_synonyms = sorted({s.strip() for s in synonyms or [] if s.strip()} - {name})
    values: dict[Column | str, Any] = {
        Topic.name: name,
        Topic.description: description.strip(),
        Topic.synonyms: clean_synonyms,
        Topic.parent: parent.id if parent else None,
    }
    existing = await topic_by_slug(slug)
    if existing is not None:
        if parent is not None and existing.id in await ancestor_ids(parent.id):
            raise Invalid({"parent": _("A topic cannot sit under its own sub-topic.")})
        await Topic.update(values).where(Topic.id == existing.id)
    else:
        await Topic(
            slug=slug,
            name=name,
            description=description.strip(),
            synonyms=clean_synonyms,
            parent=parent.id if parent else None,
        ).save()
    forget_variants()
    saved = await topic_by_slug(slug)
    assert saved is not None
    return saved


async def ancestor_ids(topic_id: int) -> set[int]:
    """The topic and every topic above it."""
    parents = {row["id"]: row["parent"] for row in await Topic.select(Topic.id, Topic.parent)}
    seen: set[int] = set()
    current: int | None = topic_id
    while current is not None and current not in seen:
        seen.add(current)
        current = parents.get(current)
    return seen


async def subtree_ids(topic_id: int) -> set[int]:
    """The topic and all its sub-topics, at any depth."""
    children: dict[int | None, list[int]] = {}
    for row in await Topic.select(Topic.id, Topic.parent):
        children.setdefault(row["parent"], []).append(row["id"])
    found, todo = set(), [topic_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


async def tag_session(session_guid: str, topic_slugs: list[str]) -> list[TopicView]:
    """Make ``topic_slugs`` the session's topics (replacing the ones it had)."""
    wanted = sorted({s.strip() for s in topic_slugs if s.strip()})
    rows = await Topic.select().where(Topic.slug.is_in(wanted)) if wanted else []
    unknown = set(wanted) - {row["slug"] for row in rows}
    if unknown:
        raise Invalid({"topics": _("There is no topic %(names)s.", names=", ".join(sorted(unknown)))})
    guid = uuid.UUID(session_guid)
    async with transaction(SessionTopic):
        await SessionTopic.delete().where(SessionTopic.session_guid == guid)
        if rows:
            await SessionTopic.insert(*[SessionTopic(session_guid=guid, topic=row["id"]) for row in rows])
        await announce(ArchiveSessionChanged(session_guid))
    return [_view(row) for row in rows]


async def session_topics(session_guid: str) -> list[TopicView]:
    rows = await SessionTopic.select(SessionTopic.topic).where(SessionTopic.session_guid == uuid.UUID(session_guid))
    ids = [row["topic"] for row in rows]
    return [_view(row) for row in await Topic.select().where(Topic.id.is_in(ids)).order_by(Topic.name)] if ids else []


async def sessions_on_topics(topic_ids: set[int]) -> set[str]:
    """Guids of the sessions tagged with any of these topics."""
    if not topic_ids:
        return set()
    rows = await SessionTopic.select(SessionTopic.session_guid).where(SessionTopic.topic.is_in(sorted(topic_ids)))
    return {str(row["session_guid"]) for row in rows}


VARIANTS_TTL = 10.0  # seconds: every search reads these; a changed synonym may take this long to apply
_variants: tuple[float, object, dict[str, list[str]]] | None = None


async def query_variants() -> dict[str, list[str]]:
    """Each topic name and synonym (lower-cased), mapped to all the words for that topic."""
    global _variants
    engine = Topic._meta.db
    if _variants is not None and _variants[1] is engine and time.monotonic() - _variants[0] < VARIANTS_TTL:
        return _variants[2]
    variants: dict[str, list[str]] = {}
    for topic in await list_topics():
        words = [topic.name, *topic.synonyms]
        for word in words:
            variants[word.lower()] = words
    _variants = (time.monotonic(), engine, variants)
    return variants


def forget_variants() -> None:
    global _variants
    _variants = None


async def topics_by_session(session_guids: list[str]) -> dict[str, list[TopicView]]:
    """Each session's topics and all the broader topics above them (a CONTU talk is a copyright talk)."""
    if not session_guids:
        return {}
    topics = {topic.id: topic for topic in await list_topics()}
    rows = await SessionTopic.select(SessionTopic.session_guid, SessionTopic.topic).where(
        SessionTopic.session_guid.is_in([uuid.UUID(g) for g in session_guids])
    )
    found: dict[str, set[int]] = {}
    for row in rows:
        current: int | None = row["topic"]
        seen = found.setdefault(str(row["session_guid"]), set())
        while current is not None and current not in seen and current in topics:
            seen.add(current)
            current = topics[current].parent_id
    return {guid: sorted((topics[i] for i in ids), key=lambda t: t.name) for guid, ids in found.items()}


async def topics_with_ancestors(session_guid: str) -> list[TopicView]:
    return (await topics_by_session([session_guid])).get(session_guid, [])
