"""Putting a session into the archive and taking it out again, with everything that follows."""

from __future__ import annotations

from events.access import EventAccess
from events.programme import ProgrammeSession

from archive.items import ItemView, item_for_session, publish_session, withdraw_item
from archive.changes import ItemFirstPublished
from server.changes import announce
from archive.search.indexing import reindex_item


async def archive_session(access: EventAccess, session: ProgrammeSession) -> ItemView:
    """Publish (or refresh) the session's archive item, index it, and announce a new one (saved searches)."""
    before = await item_for_session(session.guid)
    item = await publish_session(access, session)
    await reindex_item(item.id)
    if before is None or before.withdrawn:
        await announce(ItemFirstPublished(item.id))  # saved searches are checked in a background job
    return item


async def withdraw_from_archive(item: ItemView, reason: str) -> ItemView:
    """Withdraw an item: it leaves search, feeds and the player, and its tombstone stays."""
    withdrawn = await withdraw_item(item.id, reason)
    await reindex_item(item.id)
    return withdrawn
