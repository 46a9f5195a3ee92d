"""Organisers' pages: create an event, edit its programme, invite people, import, publish.

Each handler reads a form, calls a function of ``events.editing`` /
``events.releases`` / ``events.schedule_import``, and shows the form again
with the errors by their fields when the input is refused.
"""

from __future__ import annotations

from events.urls import event_url, manage_session_url, manage_url
from typing import Any
from zoneinfo import ZoneInfo

from litestar.di import NamedDependency
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from events import editing, invitations, registration
from events.access import EventAccess, list_members
from events.dependencies import ORGANISED
from events.catalogue import event_summary
from events.forms import (
    EVENT_FIELDS,
    ROOM_FIELDS,
    SESSION_FIELDS,
    event_input,
    presenter_ids,
    room_input,
    session_input,
)
from events.releases import (
    NothingToPublish,
    list_releases,
    pending_changes,
    publish_release,
    published_programme,
    working_programme,
)
from events.schedule_import import ImportFailed, import_schedule, parse_schedule
from events.tables import EventMode, MemberRole, RoomKind, SessionKind, SessionStatus, Visibility
from server.i18n import N_, _
from server.pagination import page_of
from server.auth import requires_login
from server.accounts import Account
from server.ratelimit import AbuseLimits, enforce
from server.templating import page, read_form
from server.validation import is_row_id, whole_number
from server.problems import Invalid
from server.settings import Settings

IMPORT_MAX_BYTES = 5 * 1024 * 1024
CHOICES = {
    "modes": [mode.value for mode in EventMode],
    "visibilities": [v.value for v in Visibility],
    "room_kinds": [kind.value for kind in RoomKind],
    "kinds": [kind.value for kind in SessionKind],
    "statuses": [status.value for status in SessionStatus],
}


async def _presenter_ids(request: Request[Any, Any, Any]) -> list[int]:
    form = await request.form()
    return presenter_ids(form.getall("presenters") if "presenters" in form else [])


# The form offers the usual invitation first: inviting an organiser by accident gives away the event.
INVITATION_ROLES = [MemberRole.presenter.value, MemberRole.attendee.value, MemberRole.organiser.value]
ROLE_NAMES = {"organiser": N_("organiser"), "presenter": N_("presenter"), "attendee": N_("attendee")}


def role_name(role: str) -> str:
    """A member's role in the reader's language."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


async def limit_event_creation(abuse: AbuseLimits, account: Account) -> None:
    """Only a confirmed address creates events; each try counts (site administrators set events up for others)."""
    if not account.email_confirmed and not account.is_admin:
        raise PermissionDeniedException(
            "Confirm your email address before creating an event: open the link we "
            "mailed you, or send it again from your profile."
        )
    if not account.is_admin:
        await enforce(abuse.event_creation, f"user:{account.id}", "new events")


class EventCreationController(Controller):
    @get("/events/new", guards=[requires_login])
    async def new_event_form(self, request: Request[Any, Any, Any]) -> Template:
        values = {"timezone": "UTC", "mode": "hybrid", "visibility": "public"}
        return await page(
            request, "events/manage/event_form.html", {"values": values, "errors": {}, "creating": True, **CHOICES}
        )

    @post("/events/new", guards=[requires_login])
    async def create(
        self, request: Request[Any, Any, Any], account: NamedDependency[Account], abuse: NamedDependency[AbuseLimits]
    ) -> Response[Any] | Template:
        values = await read_form(request, *EVENT_FIELDS)
        await limit_event_creation(abuse, account)
        try:
            await editing.create_event(event_input(values), account.id)
        except Invalid as error:
            context = {"values": values, "errors": error.errors, "creating": True, **CHOICES}
            return await page(request, "events/manage/event_form.html", context, status_code=400)
        flash(
            request, _("Your event is created. Add rooms and sessions, then publish the programme."), category="success"
        )
        return Redirect(manage_url(values["slug"].strip().lower()))

    @get("/invitations/{token:str}", guards=[requires_login])
    async def show_invitation(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        """Opening the link only asks: joining is a POST, so no page elsewhere can make someone join by a redirect."""
        offer = await invitations.open_invitation(token)
        if offer is None:
            raise NotFoundException(_("This invitation does not exist or has been used already."))
        return await page(request, "events/invitation.html", {"offer": offer, "token": token})

    @post("/invitations/{token:str}", guards=[requires_login])
    async def accept_invitation(
        self, request: Request[Any, Any, Any], token: FromPath[str], account: NamedDependency[Account]
    ) -> Redirect:
        accepted = await invitations.accept_invitation(token, account.id)
        if accepted is None:
            raise NotFoundException(_("This invitation does not exist or has been used already."))
        flash(
            request,
            _("You are now %(role)s of %(event)s.", role=role_name(accepted.role), event=accepted.event_title),
            category="success",
        )
        return Redirect(event_url(accepted.event_slug))


class ManageController(Controller):
    path = "/events/{slug:str}/manage"
    guards = [requires_login]
    dependencies = ORGANISED

    async def _dashboard(
        self,
        request: Request[Any, Any, Any],
        access: EventAccess,
        forms: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        programme = await working_programme(access.event_id)
        context = {
            "access": access,
            "programme": programme,
            "pending": await pending_changes(access.event_id),
            "conflicts": await editing.find_conflicts(access.event_id),
            "releases": await list_releases(access.event_id),
            "members": await list_members(access.event_id),
            "presenters": await editing.list_presenters(access.event_id),
            "invited": await invitations.pending_invitations(access.event_id),
            "forms": forms or {},
            "roles": INVITATION_ROLES,
            **CHOICES,
        }
        return await page(request, "events/manage/dashboard.html", context, status_code=status_code)

    @get("/")
    async def dashboard(self, request: Request[Any, Any, Any], access: NamedDependency[EventAccess]) -> Template:
        return await self._dashboard(request, access)

    @post("/publish")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
    ) -> Response[Any] | Template:
        comment = (await read_form(request, "comment"))["comment"]
        try:
            release = await publish_release(access.event_id, comment[:2000], published_by=account.id)
        except NothingToPublish as error:
            flash(request, str(error), category="error")
            return Redirect(manage_url(slug))
        flash(request, _("Version %(version)s is published.", version=release.version), category="success")
        return Redirect(manage_url(slug))

    @post("/rooms")
    async def add_room(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Response[Any] | Template:
        values = await read_form(request, *ROOM_FIELDS)
        try:
            position = len((await working_programme(access.event_id)).rooms)
            await editing.save_room(access.event_id, room_input(values, position))
        except Invalid as error:
            return await self._dashboard(request, access, {"room": {"values": values, "errors": error.errors}}, 400)
        flash(request, _("Room %(name)s added.", name=values["name"].strip()), category="success")
        return Redirect(manage_url(slug, "#rooms"))

    @post("/tracks")
    async def add_track(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Response[Any] | Template:
        values = await read_form(request, "name", "colour")
        try:
            await editing.save_track(access.event_id, values["name"], values["colour"] or "#3b6ea5")
        except Invalid as error:
            return await self._dashboard(request, access, {"track": {"values": values, "errors": error.errors}}, 400)
        flash(request, _("Track %(name)s added.", name=values["name"].strip()), category="success")
        return Redirect(manage_url(slug, "#tracks"))

    @post("/presenters")
    async def add_presenter(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Response[Any] | Template:
        values = await read_form(request, "name", "affiliation", "bio")
        try:
            await editing.save_presenter(access.event_id, values["name"], values["affiliation"], values["bio"])
        except Invalid as error:
            return await self._dashboard(
                request, access, {"presenter": {"values": values, "errors": error.errors}}, 400
            )
        flash(request, _("%(name)s added as a presenter.", name=values["name"].strip()), category="success")
        return Redirect(manage_url(slug, "#presenters"))

    @post("/people")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
        settings: NamedDependency[Settings],
    ) -> Response[Any] | Template:
        values = await read_form(request, "email", "role", "presenter")
        presenter = values["presenter"]
        try:
            if presenter and whole_number(presenter) is None:
                raise Invalid({"presenter": _("Choose a presenter from the list.")})
            result = await invitations.invite(
                access.event_id, values["email"], values["role"], account.id, int(presenter) if presenter else None
            )
        except Invalid as error:
            return await self._dashboard(request, access, {"people": {"values": values, "errors": error.errors}}, 400)
        link = f"{settings.base_url}{result.path}"
        flash(
            request,
            _(
                "%(email)s is invited as %(role)s: they join once they accept. Send them this invitation link: %(link)s",
                email=values["email"].strip(),
                role=role_name(values["role"]),
                link=link,
            ),
            category="info",
        )
        return Redirect(manage_url(slug, "#people"))

    @post("/import", request_max_body_size=IMPORT_MAX_BYTES + 64 * 1024)
    async def import_file(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Response[Any] | Template:
        form = await request.form()
        upload = form.get("file")
        dry_run = form.get("dry_run") == "on"
        data = b"" if upload is None or isinstance(upload, str) else await upload.read()
        try:
            if not data:  # a browser sends an empty part when no file was chosen
                raise ImportFailed("file: choose a schedule file to import (it was empty, or none was chosen)")
            schedule = parse_schedule(data, "auto", getattr(upload, "filename", "") or "")
            report = await import_schedule(slug, schedule, dry_run=dry_run)
        except ImportFailed as error:
            field, _colon, message = str(error).partition(": ")
            wording = message[:1].upper() + message[1:] if field == "file" else str(error)[:1].upper() + str(error)[1:]
            state = {"errors": {"file": _("The schedule was not imported. %(why)s.", why=wording)}, "dry_run": dry_run}
            return await self._dashboard(request, access, {"import": state}, 400)
        if dry_run:  # nothing changed: show what would, item by item, with the file still to be chosen again
            return await self._dashboard(request, access, {"import": {"report": report.lines(), "dry_run": True}})
        lines = report.lines()
        flash(
            request,
            _("Imported: %(summary)s. %(details)s", summary=lines[-1], details="; ".join(lines[:-1][:20])),
            category="success",
        )
        return Redirect(manage_url(slug))

    @get("/check-in")
    async def check_in_list(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        """The desk's list: people coming in person by name (everyone with ``show=all``), found by name, in pages."""
        everyone = await registration.registrations(access.event_id)
        query = {name: (request.query_params.get(name) or "")[:100] for name in ("q", "show", "page")}
        wanted = " ".join(query["q"].casefold().split())
        listed = sorted(
            (
                person
                for person in everyone
                if (query["show"] == "all" or person.attendance == "in_person")
                and (not wanted or wanted in person.name.casefold())
            ),
            key=lambda p: p.name.casefold(),
        )
        context = {
            "access": access,
            "people": everyone,
            "listed": page_of(listed, query["page"]),
            "query": {name: value for name, value in query.items() if value},
            "q": query["q"],
            "show": query["show"],
        }
        return await page(request, "events/manage/check_in.html", context)

    @post("/check-in")
    async def check_in(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Redirect:
        form = await request.form()
        user_id = whole_number(str(form.get("user", "")))
        if user_id is None or not is_row_id(user_id):
            raise Invalid({"user": _("Choose a registered person.")})
        name = next((p.name for p in await registration.registrations(access.event_id) if p.user_id == user_id), None)
        if name is None or not await registration.check_in(access.event_id, user_id):
            flash(request, _("That person is not registered, or is already checked in."), category="error")
        else:
            flash(request, _("%(name)s is checked in.", name=name), category="success")
        # Back to the list as the desk left it (the search box is cleared for the next arrival).
        show = "?show=all" if form.get("show") == "all" else ""
        return Redirect(manage_url(slug, f"check-in{show}"))

    @get("/settings")
    async def settings_form(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        summary = await event_summary(access.event_id)
        values = {name: str(getattr(summary, name)) for name in EVENT_FIELDS}
        return await page(
            request,
            "events/manage/event_form.html",
            {"values": values, "errors": {}, "creating": False, "access": access, **CHOICES},
        )

    @post("/settings")
    async def save_settings(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Response[Any] | Template:
        values = await read_form(request, *EVENT_FIELDS)
        try:
            await editing.update_event(access.event_id, event_input(values))
        except Invalid as error:
            context = {"values": values, "errors": error.errors, "creating": False, "access": access, **CHOICES}
            return await page(request, "events/manage/event_form.html", context, status_code=400)
        flash(request, _("Event details saved. Publish to show them to attendees."), category="success")
        return Redirect(manage_url(values["slug"].strip().lower()))

    async def _session_form(
        self,
        request: Request[Any, Any, Any],
        access: EventAccess,
        values: dict[str, Any],
        errors: dict[str, str],
        guid: str | None,
        status_code: int = 200,
    ) -> Template:
        programme = await working_programme(access.event_id)
        conflicts = [c for c in await editing.find_conflicts(access.event_id) if guid and guid in c.guids]
        context = {
            "access": access,
            "programme": programme,
            "values": values,
            "errors": errors,
            "guid": guid,
            "presenters": await editing.list_presenters(access.event_id),
            "conflicts": conflicts,
            **CHOICES,
        }
        return await page(request, "events/manage/session_form.html", context, status_code=status_code)

    @get("/sessions/new")
    async def new_session(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        summary = await event_summary(access.event_id)
        values = {
            "day": summary.start_date.isoformat(),
            "start": "09:00",
            "minutes": "45",
            "kind": "talk",
            "status": "confirmed",
            "language": "en",
            "presenters": [],
        }
        return await self._session_form(request, access, values, {}, None)

    @post("/sessions/new")
    async def create_session(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Response[Any] | Template:
        return await self._save_session(request, access, None)

    @get("/sessions/{guid:str}/")
    async def edit_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Template:
        item = (await working_programme(access.event_id)).session(guid)
        if item is None:
            raise NotFoundException(_("This event has no such session."))
        # The programme day it is listed under, not its calendar date (a 04:30 concert is the night before).
        programme = await working_programme(access.event_id)
        start = item.starts_at.astimezone(programme.event.zone)
        values = {
            "title": item.title,
            "subtitle": item.subtitle,
            "day": programme.day_of(item).isoformat(),
            "start": start.strftime("%H:%M"),
            "minutes": str(int(item.duration.total_seconds() // 60)),
            "room": item.room,
            "track": item.track,
            "kind": item.kind,
            "status": item.status,
            "language": item.language,
            "tags": ", ".join(item.tags),
            "abstract": item.abstract,
            "description": item.description,
            "presenters": [p.id for p in item.presenters],
        }
        return await self._session_form(request, access, values, {}, item.guid)

    @post("/sessions/{guid:str}/")
    async def update_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Response[Any] | Template:
        return await self._save_session(request, access, guid)

    async def _save_session(
        self, request: Request[Any, Any, Any], access: EventAccess, guid: str | None
    ) -> Response[Any] | Template:
        values: dict[str, Any] = await read_form(request, *SESSION_FIELDS)
        presenter_ids = await _presenter_ids(request)
        try:
            summary = await event_summary(access.event_id)
            data = session_input(values, presenter_ids, ZoneInfo(access.timezone), summary.day_changes_at)
            saved = await editing.save_session(access.event_id, data, guid)
        except Invalid as error:
            return await self._session_form(
                request, access, {**values, "presenters": presenter_ids}, error.errors, guid, 400
            )
        clashes = [c.message for c in await editing.find_conflicts(access.event_id) if saved in c.guids]
        flash(request, _("Session saved. It reaches attendees with the next release."), category="success")
        for message in clashes:
            flash(request, _("Conflict: %(problem)s", problem=message), category="error")
        return Redirect(manage_session_url(access.slug, saved))

    @get("/sessions/{guid:str}/delete")
    async def confirm_deletion(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Template:
        """Deleting is asked twice: it cannot be undone, and a published session goes out as cancelled."""
        return await self._deletion_page(request, access, guid)

    async def _deletion_page(
        self, request: Request[Any, Any, Any], access: EventAccess, guid: str, status_code: int = 200
    ) -> Template:
        item = (await working_programme(access.event_id)).session(guid)
        if item is None:
            raise NotFoundException(_("This event has no such session."))
        published = await published_programme(access.event_id)
        context = {
            "access": access,
            "item": item,
            "was_published": bool(published and published.session(guid)),
            "confirm_error": status_code != 200,
        }
        return await page(request, "events/manage/delete_session.html", context, status_code=status_code)

    @post("/sessions/{guid:str}/delete")
    async def delete_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Response[Any] | Template:
        if (await read_form(request, "confirm"))["confirm"] != "yes":
            return await self._deletion_page(request, access, guid, status_code=400)
        await editing.delete_session(access.event_id, guid)
        flash(
            request,
            _("Session deleted. If it was published, the next release shows it as cancelled."),
            category="success",
        )
        return Redirect(manage_url(slug))
