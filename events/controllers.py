"""What attendees see: the home page, schedules, session pages, exports, calendars and their agenda.

Every route that names an event asks :func:`visible_event` first: a private
event is a 404 for anyone who is not a member, on pages and feeds alike.
"""

from __future__ import annotations

from events.urls import event_url, session_url
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from litestar.di import NamedDependency
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from events import agenda
from events.access import EventAccess, slugs_of_member, visible_event_ids
from events.catalogue import list_events_by_slug, list_public_events
from events.editing import valid_timezone
from server.time_zones import chosen_zone_name
from events.metrics import EVENT_VIEW
from events.feeds import render_agenda, render_programme
from events.programme import Programme, SessionFilter, clashes, now_and_next, schedule_grid
from events.releases import list_releases, published_programme
from events.registration import attendance_of, register
from events.tables import SessionKind
from server.accounts import get_account
from server.activity import count
from server.auth import requires_login
from server.http_cache import cached_response
from server.templating import page
from server.validation import whole_number
from server.problems import Invalid
from server.accounts import Account
from server.i18n import _
from server.settings import Settings

FILTER_FIELDS = ("day", "track", "room", "kind", "tag")


async def published(access: EventAccess, version: int | None = None) -> Programme:
    programme = await published_programme(access.event_id, version)
    if programme is None:
        raise NotFoundException(
            _("This programme has not been published yet.")
            if version is None
            else _("There is no version %(version)s of this programme.", version=version)
        )
    return programme


def read_filter(request: Request[Any, Any, Any], programme: Programme) -> SessionFilter:
    """Filters from the query string; unknown values are a 400 so a typo does not look like an empty day."""
    query = request.query_params
    values = {name: (query.get(name) or None) for name in FILTER_FIELDS}
    day = None
    if values["day"]:
        try:
            day = date.fromisoformat(values["day"])
        except ValueError:
            raise ClientException(_("The day must be a date like 2027-03-27.")) from None
    for name, known in (("track", {t.name for t in programme.tracks}), ("room", {r.name for r in programme.rooms})):
        if values[name] and values[name] not in known:
            raise ClientException(
                _("This programme has no track called %(name)r.", name=values[name])
                if name == "track"
                else _("This programme has no room called %(name)r.", name=values[name])
            )
    if values["kind"] and values["kind"] not in {kind.value for kind in SessionKind}:
        raise ClientException(_("There is no kind of session called %(name)r.", name=values["kind"]))
    guids = None
    if query.get("session"):
        item = programme.session(query["session"])
        if item is None:
            raise ClientException(_("This programme has no such session."))
        guids = frozenset([item.guid])
    return SessionFilter(
        day=day, track=values["track"], room=values["room"], kind=values["kind"], tag=values["tag"], guids=guids
    )


async def viewer_zone(request: Request[Any, Any, Any], programme: Programme, viewer: Account | None) -> ZoneInfo:
    """A zone named in the address (a shared link) wins; then the viewer's chosen one; then the event's."""
    name = request.query_params.get("tz")
    if name and not valid_timezone(name):
        raise ClientException(_("“%(name)s” is not a time zone name.", name=name))
    chosen = name or chosen_zone_name(request, viewer)
    return ZoneInfo(chosen) if chosen else programme.event.zone


class ProgrammeController(Controller):
    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any], viewer: NamedDependency[Account | None]) -> Template:
        mine = await list_events_by_slug(await slugs_of_member(viewer.id)) if viewer else []
        yours = {event.slug for event in mine}
        others = [event for event in await list_public_events() if event.slug not in yours]
        return await page(request, "events/home.html", {"events": others, "mine": mine})

    @get("/events/{slug:str}/", name="event")
    async def event(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        viewer: NamedDependency[Account | None],
    ) -> Template:
        programme = await published_programme(access.event_id)
        live, following = now_and_next(programme, datetime.now(timezone.utc)) if programme else ([], [])
        count(EVENT_VIEW, str(access.event_id))
        context = {
            "access": access,
            "programme": programme,
            "live": live,
            "following": following,
            "attendance": await attendance_of(access.event_id, viewer.id) if viewer else None,
        }
        return await page(request, "events/event.html", context)

    @post("/events/{slug:str}/register", guards=[requires_login])
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
    ) -> Redirect:
        form = await request.form()
        try:
            new = await register(access, account.id, str(form.get("attendance", "")))
        except Invalid as error:
            flash(request, error.sentence, category="error")
            return Redirect(event_url(slug))
        in_person = form.get("attendance") == "in_person"
        if new:
            said = (
                _("You are registered to attend in person.") if in_person else _("You are registered to attend online.")
            )
        else:
            said = _("You now attend in person.") if in_person else _("You now attend online.")
        flash(request, said, category="success")
        return Redirect(event_url(slug))

    @get("/events/{slug:str}/schedule/", name="schedule")
    async def schedule(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        viewer: NamedDependency[Account | None],
    ) -> Template:
        programme = await published(access)
        selection = read_filter(request, programme)
        view = request.query_params.get("view", "grid")
        if view not in {"grid", "list"}:
            raise ClientException(_("The view is either grid or list."))
        stars = await agenda.starred_guids(viewer.id, access.event_id) if viewer else set()
        zone = await viewer_zone(request, programme, viewer)
        chosen = selection.apply(programme)
        count(EVENT_VIEW, str(access.event_id))
        context = {
            "access": access,
            "programme": programme,
            "selection": selection,
            "view": view,
            "zone": zone,
            "days": programme.by_day(chosen),
            "grid": schedule_grid(programme, chosen, zone) if view == "grid" else [],
            "stars": stars,
            "query": {k: v for k, v in request.query_params.items() if k != "view"},
            "tags": sorted({tag for item in programme.sessions for tag in item.tags}),
            "kinds": sorted({item.kind for item in programme.sessions}),
        }
        return await page(request, "events/schedule.html", context)

    @get("/events/{slug:str}/now/", name="now")
    async def now(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        programme = await published(access)
        live, following = now_and_next(programme, datetime.now(timezone.utc), upcoming=2)
        count(EVENT_VIEW, str(access.event_id))
        context = {"access": access, "programme": programme, "live": live, "following": following}
        return await page(request, "events/now.html", context)

    @get("/events/{slug:str}/sessions/{key:str}/", name="session")
    async def session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        access: NamedDependency[EventAccess],
        viewer: NamedDependency[Account | None],
    ) -> Template:
        programme = await published(access)
        item = programme.session(key)
        if item is None:
            raise NotFoundException(_("This programme has no such session."))
        stars = await agenda.starred_guids(viewer.id, access.event_id) if viewer else set()
        room = programme.room(item.room)
        context = {
            "access": access,
            "programme": programme,
            "item": item,
            "room": room,
            "stars": stars,
            "join_url": room.join_url if room and access.is_member else "",
        }
        count(EVENT_VIEW, str(access.event_id))
        return await page(request, "events/session.html", context)

    @get("/events/{slug:str}/changes/", name="changes")
    async def changes(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        programme = await published(access)
        context = {"access": access, "programme": programme, "releases": await list_releases(access.event_id)}
        return await page(request, "events/changes.html", context)

    @get(
        ["/events/{slug:str}/schedule.ics", "/events/{slug:str}/schedule.xml", "/events/{slug:str}/schedule.json"],
        name="schedule-feed",
    )
    async def schedule_feed(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        programme = await published(access)
        return self._feed(request, programme, request.url.path.rsplit(".", 1)[1], settings.base_url)

    @get("/events/{slug:str}/schedule/v/{filename:str}", name="schedule-version")
    async def schedule_version(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        filename: FromPath[str],
        access: NamedDependency[EventAccess],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        version, _dot, fmt = filename.partition(".")
        if whole_number(version) is None or fmt not in {"ics", "xml", "json"}:
            raise NotFoundException(_("Versions are at v/<number>.ics, .xml or .json."))
        return self._feed(request, await published(access, int(version)), fmt, settings.base_url)

    def _feed(self, request: Request[Any, Any, Any], programme: Programme, fmt: str, base_url: str) -> Response[bytes]:
        selection = read_filter(request, programme) if fmt == "ics" else SessionFilter()
        feed = render_programme(programme, fmt, selection, base_url)
        private = programme.event.visibility == "private"
        return cached_response(
            request,
            feed.body,
            media_type=feed.media_type,
            etag=feed.etag,
            last_modified=feed.last_modified,
            private=private,
        )


class AgendaController(Controller):
    @post("/events/{slug:str}/sessions/{key:str}/star", guards=[requires_login])
    async def star(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
    ) -> Response[Any]:
        return await self._set_star(request, access, account, key, starred=True)

    @post("/events/{slug:str}/sessions/{key:str}/unstar", guards=[requires_login])
    async def unstar(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
    ) -> Response[Any]:
        return await self._set_star(request, access, account, key, starred=False)

    async def _set_star(
        self, request: Request[Any, Any, Any], access: EventAccess, account: Account, key: str, *, starred: bool
    ) -> Response[Any]:
        item = (await published(access)).session(key)
        if item is None:
            raise NotFoundException(_("This programme has no such session."))
        if starred:
            await agenda.star(account.id, access.event_id, item.guid)
        else:
            await agenda.unstar(account.id, access.event_id, item.guid)
        if request.headers.get("hx-request"):
            return Template(
                template_name="events/star_button.html", context={"access": access, "item": item, "starred": starred}
            )
        return Redirect(request.headers.get("referer") or session_url(access.slug, item.slug))

    @get("/me/agenda/", name="agenda", guards=[requires_login])
    async def my_agenda(
        self, request: Request[Any, Any, Any], account: NamedDependency[Account], settings: NamedDependency[Settings]
    ) -> Template:
        starred = await agenda.starred_by_event(account.id)
        visible = await visible_event_ids(list(starred), account)
        sections = []
        for event_id in sorted(visible):
            programme = await published_programme(event_id)
            if programme is None:
                continue
            sessions = SessionFilter(guids=frozenset(starred[event_id])).apply(programme)
            sections.append({"programme": programme, "days": programme.by_day(sessions), "clashes": clashes(sessions)})
        token = await agenda.agenda_feed_token(account.id, settings.secret_key)
        feed_url = f"{settings.base_url}/calendars/agenda/{token}.ics" if token else None
        return await page(request, "events/agenda.html", {"sections": sections, "feed_url": feed_url})

    @post("/me/agenda/feed", guards=[requires_login])
    async def create_feed(
        self, request: Request[Any, Any, Any], account: NamedDependency[Account], settings: NamedDependency[Settings]
    ) -> Redirect:
        await agenda.create_agenda_feed(account.id, settings.secret_key)
        flash(request, _("Your calendar address is ready. Any earlier address no longer works."), category="success")
        return Redirect("/me/agenda/")

    @post("/me/agenda/feed/revoke", guards=[requires_login])
    async def revoke_feed(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Redirect:
        await agenda.revoke_agenda_feed(account.id)
        flash(request, _("Your calendar address is switched off."), category="success")
        return Redirect("/me/agenda/")

    @get("/calendars/agenda/{filename:str}", name="agenda-feed")
    async def agenda_feed(
        self, request: Request[Any, Any, Any], filename: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response[bytes]:
        settings = settings
        token = filename.removesuffix(".ics")
        owner = await agenda.agenda_feed_owner(token, settings.secret_key) if filename.endswith(".ics") else None
        account = await get_account(owner) if owner else None
        if account is None:
            raise NotFoundException(_("There is no calendar at this address."))
        feed = await render_agenda(account, settings.base_url)
        return cached_response(
            request,
            feed.body,
            media_type=feed.media_type,
            etag=feed.etag,
            last_modified=feed.last_modified,
            private=True,
            max_age=0,
            dates_are_exact=False,
        )
