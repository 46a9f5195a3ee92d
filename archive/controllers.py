"""Archive pages, feeds and protocols: browse, search, topics, item pages, media, OAI-PMH, oEmbed."""

from __future__ import annotations

from server.i18n import _
from archive.urls import item_url
from sessions.urls import thread_url
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar.di import NamedDependency, Provide
from litestar import Controller, MediaType, Request, Response, get, post, route
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_410_GONE

from events.access import event_access, event_access_by_id
from events.catalogue import event_summary, session_event_id
from server.activity import count
from server.ratelimit import client_address, enforce
from server.auth import requires_login
from server.ranged_files import ranged_file_response
from server.templating import page, read_form
from server.problems import Invalid, NotFound
from server.accounts import Account
from server.ratelimit import AbuseLimits
from server.settings import Settings
from sessions.questions import qa_context

from archive.captions import format_moment
from archive.metrics import ITEM_PLAY, ITEM_VIEW, OAI_REQUEST, SEARCH_NOTHING, SEARCH_NOTHING_IN_EVENT, event_search_key
from archive import feeds
from archive.bag import questions_of
from archive.citation import bibtex_citation, permalink, plain_citation, ris_citation
from archive.derivatives import derivatives_of
from archive.items import (
    ItemView,
    handle_for_path,
    item_by_handle,
    item_for_session,
    list_items,
    listable_scope,
    may_view,
)
from archive.linked_data import item_json_ld, json_ld_script, oembed, oembed_xml
from archive.media import media_path
from archive.oai import oai_response
from archive.recordings import (
    caption_vtt,
    media_by_session,
    session_materials,
    session_recordings,
    stored_file,
    transcript,
)
from archive.saved_searches import delete_saved_search, save_search, saved_searches
from archive.search.service import FACETS, SearchResults, clean_filters, search_archive
from archive.topics import list_topics, sessions_on_topics, subtree_ids, topic_by_slug, topics_with_ancestors

NO_ARCHIVED_SESSION = "There is no archived session at this address."
ATOM = "application/atom+xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ICS = "text/calendar"  # Litestar adds the charset to text/ types (declared here too, it came out twice)


def _facet_filters(request: Request[Any, Any, Any]) -> tuple[tuple[str, str], ...]:
    """One value per facet: an address naming a facet twice is refused, so links cannot pile up without end."""
    for facet in FACETS:
        if len(request.query_params.getall(facet, [])) > 1:
            raise ValidationException(f"Choose one {facet} at a time: the address names it more than once.")
    return clean_filters({facet: request.query_params.get(facet, "") for facet in FACETS})


def _count_search(results: SearchResults) -> None:
    """Searches that found nothing, by their words: a sign of what the archive (or one event's part) is missing."""
    if results.total != 0 or results.query.is_empty:
        return
    words = " ".join(results.query.text.lower().split())[:100]
    if not results.filters:
        count(SEARCH_NOTHING, words, granularity="day")
    elif [facet for facet, _ in results.filters] == ["event"]:
        count(SEARCH_NOTHING_IN_EVENT, event_search_key(results.filters[0][1], words), granularity="day")


def _page_number(value: str) -> int:
    try:
        return max(1, min(int(value or 1), 500))
    except ValueError:
        raise ValidationException(_("page must be a whole number.")) from None


class ArchiveController(Controller):
    path = "/archive"

    @get("/")
    async def browse(self, request: Request[Any, Any, Any], viewer: NamedDependency[Account | None]) -> Template:
        results = await search_archive("", viewer, filters=_facet_filters(request))
        return await page(
            request,
            "archive/search.html",
            {"results": results, "q": "", "browsing": True, "topics": await list_topics()},
        )

    @get("/search")
    async def search(
        self,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Account | None],
        abuse: NamedDependency[AbuseLimits],
        q: FromQuery[str] = "",
    ) -> Template:
        await enforce(abuse.search, client_address(request), "searches")
        number = _page_number(request.query_params.get("page", ""))
        results = await search_archive(q, viewer, filters=_facet_filters(request), page=number)
        _count_search(results)
        return await page(
            request,
            "archive/search.html",
            {"results": results, "q": q, "browsing": False, "topics": await list_topics()},
        )

    @get("/feed.atom", media_type=ATOM)
    async def atom(self, request: Request[Any, Any, Any], base_url: NamedDependency[str]) -> bytes:
        items = await list_items(await listable_scope(None))
        base = base_url
        return feeds.atom_feed(
            items,
            title="Hallway archive",
            page_url=f"{base}/archive/",
            self_url=f"{base}/archive/feed.atom",
            base_url=base,
        )

    @get("/podcast.rss", media_type=RSS)
    async def podcast(self, request: Request[Any, Any, Any], base_url: NamedDependency[str]) -> bytes:
        items = await list_items(await listable_scope(None))
        base = base_url
        return await feeds.podcast_feed(
            items,
            title="Hallway archive",
            page_url=f"{base}/archive/",
            self_url=f"{base}/archive/podcast.rss",
            base_url=base,
        )

    @get("/events/{event_slug:str}/feed.atom", media_type=ATOM)
    async def event_atom(
        self, request: Request[Any, Any, Any], event_slug: FromPath[str], base_url: NamedDependency[str]
    ) -> bytes:
        items, title = await _event_items(event_slug)
        base = base_url
        return feeds.atom_feed(
            items,
            title=f"{title}: archive",
            page_url=f"{base}/archive/?event={title}",
            self_url=f"{base}/archive/events/{event_slug}/feed.atom",
            base_url=base,
        )

    @get("/events/{event_slug:str}/podcast.rss", media_type=RSS)
    async def event_podcast(
        self, request: Request[Any, Any, Any], event_slug: FromPath[str], base_url: NamedDependency[str]
    ) -> bytes:
        items, title = await _event_items(event_slug)
        base = base_url
        return await feeds.podcast_feed(
            items,
            title=f"{title}: recordings",
            page_url=f"{base}/archive/?event={title}",
            self_url=f"{base}/archive/events/{event_slug}/podcast.rss",
            base_url=base,
        )

    @get("/{event_slug:str}/{session_slug:str}")
    async def old_path(
        self,
        request: Request[Any, Any, Any],
        event_slug: FromPath[str],
        session_slug: FromPath[str],
        viewer: NamedDependency[Account | None],
    ) -> Redirect:
        handle = await handle_for_path(event_slug, session_slug)
        try:  # a private item's handle is not given away by its old address: missing and private read the same
            item = await visible_item(handle or "", viewer)
        except NotFound:
            raise NotFound(NO_ARCHIVED_SESSION) from None
        return Redirect(item_url(item.handle), status_code=301)

    @get("/saved/", guards=[requires_login])
    async def saved(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Template:
        return await page(request, "archive/saved.html", {"searches": await saved_searches(account.id)})

    @post("/saved/", guards=[requires_login])
    async def save(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Redirect:
        values = await read_form(request, "q", *FACETS)
        try:
            await save_search(account.id, values["q"], clean_filters(values))
        except Invalid as error:
            flash(request, error.sentence, category="error")
            return Redirect("/archive/saved/")
        flash(request, _("Search saved: you will be notified when a new archive item matches it."), category="success")
        return Redirect("/archive/saved/")

    @post("/saved/{search_id:int}/delete", guards=[requires_login])
    async def delete_saved(
        self, request: Request[Any, Any, Any], search_id: FromPath[int], account: NamedDependency[Account]
    ) -> Redirect:
        if not await delete_saved_search(account.id, search_id):
            raise NotFoundException(_("There is no such saved search."))
        flash(request, _("Saved search deleted."), category="success")
        return Redirect("/archive/saved/")


async def _event_items(event_slug: str) -> tuple[list[ItemView], str]:
    access = await event_access(event_slug, None)
    if access is None or access.visibility != "public":
        raise NotFoundException(_("There is no such event."))
    return await list_items(frozenset({access.event_id}), event_slug=event_slug), access.title


class TopicController(Controller):
    path = "/topics"

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "archive/topics.html", {"topics": await list_topics()})

    async def _topic(self, slug: str, viewer: Account | None = None) -> tuple[Any, list[ItemView], set[str]]:
        """The topic, its items as ``viewer`` may list them (the public's when ``None``), and its sessions."""
        topic = await topic_by_slug(slug)
        if topic is None:
            raise NotFoundException(_("There is no such topic."))
        guids = await sessions_on_topics(await subtree_ids(topic.id))
        items = await list_items(await listable_scope(viewer), session_guids=guids)
        return topic, items, guids

    @get("/{slug:str}/")
    async def show(
        self, request: Request[Any, Any, Any], slug: FromPath[str], viewer: NamedDependency[Account | None]
    ) -> Template:
        topic, items, _guids = await self._topic(slug, viewer)
        topics = await list_topics()
        return await page(
            request,
            "archive/topic.html",
            {
                "topic": topic,
                "items": items,
                "children": [t for t in topics if t.parent_id == topic.id],
                "parent": next((t for t in topics if t.id == topic.parent_id), None),
            },
        )

    @get("/{slug:str}/feed.atom", media_type=ATOM)
    async def atom(self, request: Request[Any, Any, Any], slug: FromPath[str], base_url: NamedDependency[str]) -> bytes:
        topic, items, _guids = await self._topic(slug)
        base = base_url
        return feeds.atom_feed(
            items,
            title=f"{topic.name}: Hallway archive",
            page_url=f"{base}/topics/{slug}/",
            self_url=f"{base}/topics/{slug}/feed.atom",
            base_url=base,
            subtitle=topic.description,
        )

    @get("/{slug:str}/podcast.rss", media_type=RSS)
    async def podcast(
        self, request: Request[Any, Any, Any], slug: FromPath[str], base_url: NamedDependency[str]
    ) -> bytes:
        topic, items, _guids = await self._topic(slug)
        base = base_url
        return await feeds.podcast_feed(
            items,
            title=f"{topic.name}: recordings",
            page_url=f"{base}/topics/{slug}/",
            self_url=f"{base}/topics/{slug}/podcast.rss",
            base_url=base,
            subtitle=topic.description,
        )

    @get("/{slug:str}/upcoming.ics", media_type=ICS)
    async def upcoming(
        self, request: Request[Any, Any, Any], slug: FromPath[str], base_url: NamedDependency[str]
    ) -> bytes:
        topic, _items, guids = await self._topic(slug)
        base = base_url
        return await feeds.upcoming_topic_calendar(
            guids, topic_name=topic.name, base_url=base, page_url=f"{base}/topics/{slug}/"
        )


async def visible_item(handle: FromPath[str], viewer: NamedDependency[Account | None]) -> ItemView:
    """The item at ``handle`` if this person may see it (not found otherwise, as for a missing one).

    Provided as ``item`` to the item's routes."""
    item = await item_by_handle(handle)
    if item is None or not await may_view(item, viewer):
        raise NotFound(_("There is no archive item with this identifier."))
    return item


class ItemController(Controller):
    dependencies = {"item": Provide(visible_item)}
    path = "/a"

    @get("/{handle:str}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        handle: FromPath[str],
        item: NamedDependency[ItemView],
        viewer: NamedDependency[Account | None],
        base_url: NamedDependency[str],
    ) -> Template:
        base = base_url
        citations = {"text": plain_citation(item, base), "bibtex": bibtex_citation(item, base)}
        if item.withdrawn:
            return await page(
                request,
                "archive/tombstone.html",
                {"item": item, "citations": citations, "permalink": permalink(base, item)},
                status_code=HTTP_410_GONE,
            )
        count(ITEM_VIEW, item.handle)
        recordings = await session_recordings(item.session_guid)
        lines = await transcript(item.session_guid)
        topics = await topics_with_ancestors(item.session_guid)
        ctx = await qa_context(item.event_slug, item.session_guid, viewer) if item.event_id else None
        context = {
            "item": item,
            "recordings": recordings,
            "transcript": lines,
            "topics": topics,
            "copies": await derivatives_of([r.id for r in recordings if r.is_file]),
            "materials": await session_materials(item.session_guid),
            "citations": citations,
            "permalink": permalink(base, item),
            "qa_url": thread_url(
                ctx.access.slug, ctx.session.slug, "?" + urlencode({"fragment": "true", "back": item_url(item.handle)})
            )
            if ctx
            else "",
            "questions": [] if ctx else await questions_of(item),
            "json_ld": json_ld_script(
                item_json_ld(
                    item,
                    base,
                    recordings,
                    lines,
                    [t.name for t in topics],
                    await event_summary(item.event_id) if item.event_id else None,
                )
            ),
            "oembed_url": f"{base}/oembed?{urlencode({'url': permalink(base, item), 'format': 'json'})}",
            "oembed_xml_url": f"{base}/oembed?{urlencode({'url': permalink(base, item), 'format': 'xml'})}",
            # What the player holds, beside how long the session was: a short clip is not "45 min".
            "recorded": format_moment(max((r.duration for r in recordings), default=0.0)),
        }
        return await page(request, "archive/item.html", context)

    @post("/{handle:str}/played", status_code=204, name="item-played", exclude_from_csrf=True)
    async def played(
        self, request: Request[Any, Any, Any], handle: FromPath[str], item: NamedDependency[ItemView]
    ) -> None:
        """The player started (static/archive/player.js says so once per page): counted, not attributed to anyone.

        Without a CSRF check: the embedded player runs on other sites, where no Hallway page gave it a token,
        and a forged count changes nothing but a number anyone could raise by pressing play.
        """
        if not item.withdrawn:
            count(ITEM_PLAY, item.handle)

    @get("/{handle:str}/embed")
    async def embed(
        self,
        request: Request[Any, Any, Any],
        handle: FromPath[str],
        item: NamedDependency[ItemView],
        base_url: NamedDependency[str],
    ) -> Template:
        if item.withdrawn:
            raise NotFoundException(_("This item was withdrawn."))
        recordings = await session_recordings(item.session_guid)
        return Template(
            template_name="archive/embed.html",
            context={
                "item": item,
                "recordings": recordings,
                "copies": await derivatives_of([r.id for r in recordings if r.is_file]),
                "transcript": await transcript(item.session_guid),
                "permalink": permalink(base_url, item),
            },
        )

    @get("/{handle:str}/captions/{caption_id:int}", media_type="text/vtt")
    async def captions(
        self,
        request: Request[Any, Any, Any],
        handle: FromPath[str],
        item: NamedDependency[ItemView],
        caption_id: FromPath[int],
    ) -> str:
        found = await caption_vtt(caption_id)
        if item.withdrawn or found is None or found[0] != item.session_guid:
            raise NotFoundException(_("There are no such captions."))
        return found[1]

    @get("/{handle:str}/cite/{style:str}")
    async def cite(
        self,
        request: Request[Any, Any, Any],
        handle: FromPath[str],
        item: NamedDependency[ItemView],
        style: FromPath[str],
        base_url: NamedDependency[str],
    ) -> Response[str]:
        base = base_url
        formats = {
            "bibtex": ("application/x-bibtex", "bib", bibtex_citation),
            "ris": ("application/x-research-info-systems", "ris", ris_citation),
            "text": ("text/plain", "txt", plain_citation),
        }
        if style not in formats:
            raise NotFoundException(_("Citations come as bibtex, ris or text."))
        media_type, extension, render = formats[style]
        if style == "ris":
            media = (await media_by_session([item.session_guid], with_cues=False)).get(item.session_guid)
            text = ris_citation(item, base, sound_only=media is not None and media.kinds == {"audio"})
        else:
            text = render(item, base)
        charset = "" if media_type.startswith("text/") else "; charset=utf-8"  # text/ types get theirs from Litestar
        return Response(
            text,
            media_type=f"{media_type}{charset}",
            headers={"Content-Disposition": f'attachment; filename="hallway-{item.handle}.{extension}"'},
        )


class MediaController(Controller):
    path = "/media"

    @get("/{file_name:path}")
    async def file(
        self,
        request: Request[Any, Any, Any],
        file_name: FromPath[str],
        settings: NamedDependency[Settings],
        viewer: NamedDependency[Account | None],
    ) -> Any:
        """A stored recording or material, with Range support; as visible as the session it belongs to."""
        file_name = file_name.lstrip("/")
        path = media_path(settings.media_root, file_name)
        found = await stored_file(file_name) if path is not None else None
        if found is None or path is None or not path.exists():
            raise NotFoundException(_("There is no such file."))
        session_guid, mime_type, download_name = found
        public = await _media_visible(viewer, session_guid)
        return ranged_file_response(
            path,
            mime_type or "application/octet-stream",
            request.headers.get("range"),
            download_name=download_name,
            cache_control="public, max-age=86400" if public else "private, max-age=600",
        )


async def _media_visible(account: Account | None, session_guid: str) -> bool:
    """Raise 404 unless the person may see the file; return whether anyone may (for caching)."""
    item = await item_for_session(session_guid)
    if item is not None and not item.withdrawn and await may_view(item, account):
        return await may_view(item, None)
    event_id = await session_event_id(session_guid)
    access = await event_access_by_id(event_id, account) if event_id is not None else None
    if access is None or not access.can_organise:
        raise NotFoundException(_("There is no such file."))
    return False


class OaiController(Controller):
    path = "/oai"

    # Harvesters POST without cookies or a CSRF token (OAI-PMH 2.0, section 3.1.1); nothing here changes state.
    @route("/", http_method=["GET", "POST"], media_type=MediaType.XML, status_code=200, exclude_from_csrf=True)
    async def endpoint(self, request: Request[Any, Any, Any], base_url: NamedDependency[str]) -> Response[bytes]:
        arguments: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            arguments.setdefault(key, []).append(value)
        if request.method == "POST":
            form = await request.form()
            for key, value in form.multi_items():
                arguments.setdefault(key, []).append(str(value))
        body = await oai_response(arguments, base_url)
        count(OAI_REQUEST, (arguments.get("verb") or ["(none)"])[0][:40], granularity="day")
        return Response(body, media_type="text/xml")


class OEmbedController(Controller):
    path = "/oembed"

    @get("/")
    async def oembed(
        self,
        request: Request[Any, Any, Any],
        url: FromQuery[str],
        base_url: NamedDependency[str],
        format: FromQuery[str] = "json",
        maxwidth: FromQuery[int | None] = None,
        maxheight: FromQuery[int | None] = None,
    ) -> Response[Any]:
        """oEmbed 1.0: JSON or XML, the embed within ``maxwidth`` and ``maxheight``."""
        if format not in ("json", "xml"):
            raise HTTPException(status_code=501, detail="oEmbed comes as json or xml.")
        parts = urlsplit(url)
        base = urlsplit(base_url)
        segments = parts.path.strip("/").split("/")
        if parts.netloc != base.netloc or len(segments) != 2 or segments[0] != "a":
            raise NotFoundException(_("This address is not an archive item here."))
        item = await item_by_handle(segments[1])
        if item is None or item.withdrawn or not await may_view(item, None):
            raise NotFoundException(_("There is no public archive item at this address."))
        document = oembed(item, base_url, maxwidth, maxheight)
        if format == "xml":
            return Response(oembed_xml(document), media_type="text/xml")
        return Response(document, media_type=MediaType.JSON)


class ArchiveApi(Controller):
    path = "/api/v1/archive"
    include_in_schema = True  # the documented API (pages are left out of /schema)
    tags = ["archive"]

    @get("/search")
    async def search(
        self,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Account | None],
        abuse: NamedDependency[AbuseLimits],
        base_url: NamedDependency[str],
        q: FromQuery[str] = "",
    ) -> dict[str, Any]:
        """Search the archive: items grouped by session, each with its matching moments in seconds."""
        await enforce(abuse.search, client_address(request), "searches")
        results = await search_archive(
            q, viewer, filters=_facet_filters(request), page=_page_number(request.query_params.get("page", ""))
        )
        _count_search(results)
        base = base_url
        return {
            "query": q,
            "total": results.total,
            "page": results.page,
            "pages": results.pages,
            "facets": {
                facet: [{"value": v, "count": n} for v, n in values] for facet, values in results.facets.items()
            },
            "results": [
                {
                    "id": r.item.handle,
                    "url": permalink(base, r.item),
                    "title": r.item.title,
                    "event": r.item.event_title,
                    "year": r.item.year,
                    "presenters": r.item.presenter_names,
                    "snippet": str(r.snippet),
                    "moments": [
                        {
                            "seconds": round(m.seconds, 3),
                            "label": m.label,
                            "snippet": str(m.snippet),
                            "url": f"{permalink(base, r.item)}?t={int(m.seconds)}",
                        }
                        for m in r.moments
                    ],
                }
                for r in results.results
            ],
        }
