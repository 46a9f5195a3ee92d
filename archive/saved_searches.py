"""Saved searches: a person keeps a search and hears when a newly archived item matches it."""

from __future__ import annotations

from server.i18n import _
from archive.urls import item_url
from typing import Any

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from server.accounts import get_account
from server.jobs import Progress, enqueue
from server.notifications import notify, said
from server.problems import Invalid

from archive.changes import ItemFirstPublished
from archive.items import ItemView, item_by_id, listable_scope
from archive.search.engine import SearchScope
from archive.search.query import QUERY_MAX, parse_query
from archive.search.indexing import search_engine
from archive.search.service import FACETS
from archive.tables import SavedSearch
from archive.topics import query_variants

SAVED_MAX = 50
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedSearchView:
    id: int
    query: str
    filters: tuple[tuple[str, str], ...]
    notify: bool

    @property
    def url(self) -> str:
        return "/archive/search?" + urlencode([("q", self.query), *self.filters])

    @property
    def label(self) -> str:
        narrowed = ", ".join(f"{facet}: {value}" for facet, value in self.filters)
        return f"“{self.query}”" + (f" ({narrowed})" if narrowed else "")


async def save_search(user_id: int, query: str, filters: tuple[tuple[str, str], ...]) -> int:
    query = " ".join(query.split())
    if not query or len(query) > QUERY_MAX:
        raise Invalid({"q": _("Type the words to search for (at most %(count)s characters).", count=QUERY_MAX)})
    if parse_query(query).is_empty:
        raise Invalid(
            {
                "q": _(
                    "This search has nothing to look for (only punctuation or excluded words); "
                    "add at least one word to find."
                )
            }
        )
    if await SavedSearch.count().where(SavedSearch.user == user_id) >= SAVED_MAX:
        raise Invalid({"q": _("You can keep at most %(count)s saved searches; delete one first.", count=SAVED_MAX)})
    clean = {facet: value for facet, value in filters if facet in FACETS}
    row = SavedSearch(user=user_id, query=query, filters=clean, created_at=datetime.now(timezone.utc))
    await row.save()
    return row.id


async def saved_searches(user_id: int) -> list[SavedSearchView]:
    rows = await SavedSearch.select().where(SavedSearch.user == user_id).order_by(SavedSearch.id)
    return [_view(row) for row in rows]


def _view(row: dict[str, Any]) -> SavedSearchView:
    filters = row["filters"]
    filters = json.loads(filters) if isinstance(filters, str) else filters or {}
    return SavedSearchView(row["id"], row["query"], tuple(sorted(filters.items())), row["notify"])


async def delete_saved_search(user_id: int, search_id: int) -> bool:
    found = await SavedSearch.exists().where((SavedSearch.id == search_id) & (SavedSearch.user == user_id))
    await SavedSearch.delete().where((SavedSearch.id == search_id) & (SavedSearch.user == user_id))
    return found


TELL_SAVED_SEARCHES = "archive.tell-saved-searches"


async def queue_saved_search_notices(change: ItemFirstPublished) -> None:
    """Listener: checking every saved search against a new item leaves the request."""
    await enqueue(TELL_SAVED_SEARCHES, str(change.item_id))


async def tell_saved_searches(key: str, progress: Progress) -> None:
    """The job: everyone whose saved search matches the new item hears of it."""
    item = await item_by_id(int(key))
    if item is not None and not item.withdrawn:
        await announce_item(item)


async def announce_item(item: ItemView) -> int:
    """Notify everyone whose saved search matches a newly archived item (once per search). Returns how many."""
    rows = await SavedSearch.select().where((SavedSearch.notify == True) & (SavedSearch.last_notified_item < item.id))  # noqa: E712
    variants = await query_variants()
    told = 0
    for row in rows:
        try:  # one search that cannot run must not silence everyone else's, nor the publication
            told += await _tell_if_matching(row, item, variants)
        except Exception:
            log.exception("saved search %s could not be checked against item %s", row["id"], item.id)
        await SavedSearch.update({SavedSearch.last_notified_item: item.id}).where(SavedSearch.id == row["id"])
    return told


async def _tell_if_matching(row: dict[str, Any], item: ItemView, variants: dict[str, list[str]]) -> int:
    saved = _view(row)
    query = parse_query(saved.query, variants)
    if query.is_empty:
        return 0  # kept from before such searches were refused: it matches nothing
    account = await get_account(row["user"])
    scope = SearchScope(await listable_scope(account), saved.filters, only_item=item.id)
    page = await search_engine().search_items(query, scope, 1, 0)
    if not page.total:
        return 0
    await notify(
        row["user"],
        "saved-search",
        said("New in the archive for %(search)s: “%(title)s”.", search=saved.label, title=item.title),
        item_url(item.handle),
    )
    return 1
