"""Archive items: publishing a session to the permanent archive, withdrawing it, reading it.

An item's handle is its permanent identifier (``/a/<handle>``): random, never reused, and
kept through export and import. Withdrawing leaves a tombstone that still answers with the
citation (HTTP 410), so a link in a library catalogue never turns into a bare 404.
"""

from __future__ import annotations

from server.i18n import _
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from events.access import EventAccess, event_access_by_id, listable_event_ids
from events.programme import ProgrammeSession
from server.accounts import Account
from server.problems import Invalid

from piccolo.columns import Column

from archive.tables import ArchiveItem, ArchivePath, ItemStatus

HANDLE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: handles get read aloud and typed
HANDLE_LENGTH = 8


@dataclass(frozen=True)
class ItemView:
    id: int
    handle: str
    session_guid: str
    event_id: int | None
    event_slug: str
    event_title: str
    session_slug: str
    title: str
    subtitle: str
    abstract: str
    presenters: tuple[dict[str, str], ...]
    language: str
    kind: str
    starts_at: datetime
    duration_minutes: int
    status: str
    event_visibility: str
    withdrawn_reason: str
    published_at: datetime
    updated_at: datetime
    questions: tuple[dict[str, Any], ...]

    @property
    def withdrawn(self) -> bool:
        return self.status == ItemStatus.withdrawn

    @property
    def year(self) -> int:
        return self.starts_at.year

    @property
    def presenter_names(self) -> list[str]:
        return [p["name"] for p in self.presenters]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def item_view(row: dict[str, Any]) -> ItemView:
    return ItemView(
        id=row["id"],
        handle=row["handle"],
        session_guid=str(row["session_guid"]),
        event_id=row["event_id"],
        event_slug=row["event_slug"],
        event_title=row["event_title"],
        session_slug=row["session_slug"],
        title=row["title"],
        subtitle=row["subtitle"],
        abstract=row["abstract"],
        presenters=tuple(_json(row["presenters"]) or ()),
        language=row["language"],
        kind=row["kind"],
        starts_at=row["starts_at"],
        duration_minutes=row["duration_minutes"],
        status=row["status"],
        event_visibility=row["event_visibility"],
        withdrawn_reason=row["withdrawn_reason"],
        published_at=row["published_at"],
        updated_at=row["updated_at"],
        questions=tuple(_json(row["questions"]) or ()),
    )


def new_handle() -> str:
    return "".join(secrets.choice(HANDLE_ALPHABET) for _ in range(HANDLE_LENGTH))


async def publish_session(access: EventAccess, session: ProgrammeSession) -> ItemView:
    """Put a published session into the archive, or refresh its copy; the handle never changes."""
    if session.cancelled:
        raise Invalid({"session": _("A cancelled session cannot be archived.")})
    now = datetime.now(timezone.utc)
    values: dict[Column | str, Any] = {
        ArchiveItem.event_id: access.event_id,
        ArchiveItem.event_slug: access.slug,
        ArchiveItem.event_title: access.title,
        ArchiveItem.event_visibility: access.visibility,
        ArchiveItem.session_slug: session.slug,
        ArchiveItem.title: session.title,
        ArchiveItem.subtitle: session.subtitle,
        ArchiveItem.abstract: session.abstract or session.description,
        ArchiveItem.presenters: [{"name": p.name, "affiliation": p.affiliation} for p in session.presenters],
        ArchiveItem.language: session.language,
        ArchiveItem.kind: session.kind,
        ArchiveItem.starts_at: session.starts_at,
        ArchiveItem.duration_minutes: int(session.duration.total_seconds() // 60),
        ArchiveItem.status: ItemStatus.published,
        ArchiveItem.withdrawn_reason: "",
        ArchiveItem.updated_at: now,
    }
    guid = uuid.UUID(session.guid)
    async with ArchiveItem._meta.db.transaction():
        existing = await ArchiveItem.select(ArchiveItem.id).where(ArchiveItem.session_guid == guid).first()
        if existing:
            await ArchiveItem.update(values).where(ArchiveItem.id == existing["id"])
            item_id = existing["id"]
        else:
            row = ArchiveItem(
                handle=await _unused_handle(),
                session_guid=guid,
                published_at=now,
                **{column._meta.name: value for column, value in values.items() if isinstance(column, Column)},
            )
            await row.save()
            item_id = row.id
        await remember_path(item_id, access.slug, session.slug)
    item = await item_by_id(item_id)
    assert item is not None
    return item


async def _unused_handle() -> str:
    while True:
        handle = new_handle()
        if not await ArchiveItem.exists().where(ArchiveItem.handle == handle):
            return handle


async def remember_path(item_id: int, event_slug: str, session_slug: str) -> None:
    known = await ArchivePath.exists().where(
        (ArchivePath.event_slug == event_slug) & (ArchivePath.session_slug == session_slug)
    )
    if not known:
        await ArchivePath(item=item_id, event_slug=event_slug, session_slug=session_slug).save()


async def withdraw_item(item_id: int, reason: str) -> ItemView:
    reason = reason.strip()
    if not reason or len(reason) > 1000:
        raise Invalid({"reason": _("Say in a sentence why the item is withdrawn (kept on its tombstone).")})
    await ArchiveItem.update(
        {
            ArchiveItem.status: ItemStatus.withdrawn,
            ArchiveItem.withdrawn_reason: reason,
            ArchiveItem.updated_at: datetime.now(timezone.utc),
        }
    ).where(ArchiveItem.id == item_id)
    item = await item_by_id(item_id)
    assert item is not None
    return item


async def item_by_id(item_id: int) -> ItemView | None:
    row = await ArchiveItem.select().where(ArchiveItem.id == item_id).first()
    return item_view(row) if row else None


async def item_by_handle(handle: str) -> ItemView | None:
    row = await ArchiveItem.select().where(ArchiveItem.handle == handle.lower()).first()
    return item_view(row) if row else None


async def item_for_session(session_guid: str) -> ItemView | None:
    row = await ArchiveItem.select().where(ArchiveItem.session_guid == uuid.UUID(session_guid)).first()
    return item_view(row) if row else None


async def handle_for_path(event_slug: str, session_slug: str) -> str | None:
    row = (
        await ArchivePath.select(ArchivePath.item.handle)
        .where((ArchivePath.event_slug == event_slug) & (ArchivePath.session_slug == session_slug))
        .first()
    )
    return row["item.handle"] if row else None


async def may_view(item: ItemView, account: Account | None) -> bool:
    """May ``account`` open this item by its permanent link? (Private events stay private here too.)"""
    if item.event_id is not None:
        access = await event_access_by_id(item.event_id, account)
        if access is not None:
            return access.can_view
    # The event is gone (or never came with an imported archive): its last known visibility decides.
    return item.event_visibility != "private" or bool(account and account.is_admin)


async def listable_scope(account: Account | None) -> frozenset[int]:
    """Event ids whose items may appear in lists, searches and feeds for ``account``."""
    return frozenset(await listable_event_ids(account))


def listed_in(event_ids: frozenset[int]) -> Any:
    """The rule for which items may be listed: those of ``event_ids`` (see :func:`listable_scope`), plus items of
    events that are gone whose last known visibility was public. (archive/search/scope.py says the same in SQL.)"""
    return ArchiveItem.event_id.is_in(sorted(event_ids) or [-1]) | (
        ArchiveItem.event_id.is_null() & (ArchiveItem.event_visibility == "public")
    )


async def list_items(
    event_ids: frozenset[int],
    *,
    include_withdrawn: bool = False,
    session_guids: set[str] | None = None,
    event_slug: str = "",
    limit: int = 500,
) -> list[ItemView]:
    """Items listed for ``event_ids``, newest first, narrowed by the other arguments."""
    query = ArchiveItem.select().where(listed_in(event_ids))
    if not include_withdrawn:
        query = query.where(ArchiveItem.status == ItemStatus.published)
    if session_guids is not None:
        query = query.where(ArchiveItem.session_guid.is_in([uuid.UUID(g) for g in session_guids] or [uuid.UUID(int=0)]))
    if event_slug:
        query = query.where(ArchiveItem.event_slug == event_slug)
    return [item_view(row) for row in await query.order_by(ArchiveItem.starts_at, ascending=False).limit(limit)]
