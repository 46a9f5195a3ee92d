"""Networking pages: the lounge floor plan, a room, its older messages, and room set-up for organisers."""

from __future__ import annotations

from server.i18n import N_, _
from networking.urls import lounge_url
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from events.access import EventAccess, list_members
from networking import protocol, rooms
from networking.admission import LOG_IN, admission
from networking.connections import answer_request, ask_to_connect, connections_of, may_see_profile
from networking.forms import ROOM_FIELDS, room_input
from networking.presence import PresenceStore
from networking.rooms import RoomInfo
from networking.tables import RoomKind
from events.dependencies import organised_for
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from server.accounts import listed_people, profile_page, public_profiles
from server.auth import requires_login
from server.pagination import page_of
from server.templating import page, read_form
from server.validation import ID_LIMIT
from server.problems import Invalid
from server.accounts import Account


async def _room(access: EventAccess, room_slug: str) -> RoomInfo:
    room = await rooms.room_by_slug(access.event_id, room_slug)
    if room is None:
        raise NotFoundException(_("This event has no such room."))
    return room


async def occupancy(presence: PresenceStore, room_list: list[RoomInfo]) -> dict[int, list[Any]]:
    seated = {}
    for room in room_list:
        profiles = await public_profiles(sorted(await presence.people(room.id)))
        seated[room.id] = list(profiles.values())
    return seated


def provide_presence(state: State) -> PresenceStore:
    presence: PresenceStore = state.presence  # who is in which room, across workers
    return presence


class LoungeController(Controller):
    path = "/events/{slug:str}/lounge"
    dependencies = {"presence": Provide(provide_presence, sync_to_thread=False)}

    async def _lounge(
        self,
        request: Request[Any, Any, Any],
        access: EventAccess,
        presence: PresenceStore,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        room_list = await rooms.list_rooms(access.event_id)
        context = {
            "access": access,
            "rooms": room_list,
            "seated": await occupancy(presence, room_list),
            "values": values or {"kind": "table"},
            "errors": errors or {},
            "kinds": [k.value for k in RoomKind],
            "now": datetime.now().astimezone(),
        }
        return await page(request, "networking/lounge.html", context, status_code=status_code)

    @get("/", name="lounge")
    async def lounge(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[EventAccess],
        presence: NamedDependency[PresenceStore],
    ) -> Template:
        return await self._lounge(request, access, presence)

    @post("/rooms", guards=[requires_login], dependencies=organised_for(N_("add rooms")))
    async def add_room(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        presence: NamedDependency[PresenceStore],
    ) -> Response[Any] | Template:
        values = await read_form(request, *ROOM_FIELDS)
        try:
            data = room_input(values)
        except Invalid as unreadable:  # seats that are no number: said beside every other problem of the form
            problems = {**rooms.check_room(room_input({**values, "capacity": ""})), **unreadable.errors}
            return await self._lounge(request, access, presence, values, problems, 400)
        try:
            room = await rooms.create_room(access.event_id, data)
        except Invalid as error:
            return await self._lounge(request, access, presence, values, error.errors, 400)
        flash(request, _("%(name)s is open.", name=room.name), category="success")
        return Redirect(lounge_url(slug))

    @get("/{room_slug:str}/")
    async def room(
        self,
        request: Request[Any, Any, Any],
        room_slug: FromPath[str],
        access: NamedDependency[EventAccess],
        viewer: NamedDependency[Account | None],
        presence: NamedDependency[PresenceStore],
    ) -> Template:
        """The room: who is there for everyone who may see the event; the conversation for those admitted."""
        room = await _room(access, room_slug)
        verdict = await admission(room, access, viewer)
        if not verdict.admitted and verdict.refusal != LOG_IN:
            raise PermissionDeniedException(verdict.refusal)
        messages = await rooms.recent_messages(room.id) if verdict.admitted else []
        parent = await rooms.get_room(room.parent_id) if room.parent_id else None
        context = {
            "access": access,
            "room": room,
            "messages": messages,
            "parent": parent,
            "people": (await occupancy(presence, [room]))[room.id],
        }
        return await page(request, "networking/room.html", context)

    @get("/{room_slug:str}/messages", name="room-messages")
    async def older_messages(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        room_slug: FromPath[str],
        before: FromQuery[int],
        access: NamedDependency[EventAccess],
        viewer: NamedDependency[Account | None],
    ) -> list[protocol.ChatMessage]:
        """Messages before ``before`` (50 at a time), for scrolling back through a room's history."""
        room = await _room(access, room_slug)
        verdict = await admission(room, access, viewer)
        if verdict.refusal == LOG_IN:
            raise NotAuthorizedException(LOG_IN)
        if not verdict.admitted:
            raise PermissionDeniedException(verdict.refusal)
        if before <= 0:
            raise ClientException(_("'before' must be a message id."))
        newest = min(before, ID_LIMIT - 1)  # past every id there can be: the newest messages
        return [message.as_payload() for message in await rooms.recent_messages(room.id, before=newest)]


class PeopleController(Controller):
    """'Phone a friend': the directory of people who opted in, and asking them to connect."""

    guards = [requires_login]

    async def _directory(
        self, request: Request[Any, Any, Any], account: Account, among: list[int] | None, access: EventAccess | None
    ) -> Template:
        query = request.query_params
        filters = {name: (query.get(name) or "")[:100] for name in ("expertise", "institution", "q")}
        people = await listed_people(
            among=among, expertise=filters["expertise"], institution=filters["institution"], text=filters["q"]
        )
        known = await connections_of(account.id)
        linked = {c.person.id for group in known.values() for c in group}
        expertise = sorted({tag for entry in people for tag in entry.profile.expertise})
        paged = page_of(people, query.get("page"))
        context = {
            "people": paged.items,
            "paged": paged,
            "filters": filters,
            "access": access,
            "linked": linked,
            "expertise_options": expertise,
            "query": {name: value for name, value in filters.items() if value},
        }
        return await page(request, "networking/people.html", context)

    @get("/people/")
    async def everyone(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Template:
        return await self._directory(request, account, None, None)

    @get("/events/{slug:str}/people/")
    async def event_people(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
    ) -> Template:
        members = [member.user_id for member in await list_members(access.event_id)]
        return await self._directory(request, account, members, access)

    @get("/people/{user_id:int}/", name="person")
    async def person(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], account: NamedDependency[Account]
    ) -> Template:
        """Someone's page, for deciding whether to connect: listed people, or people you asked or who asked you."""
        person = await profile_page(user_id) if 0 < user_id <= ID_LIMIT else None
        if person is None or not await may_see_profile(account.id, user_id):
            raise NotFoundException(_("There is no such person in the directory."))
        known = await connections_of(account.id)
        status = next((group for group, items in known.items() for item in items if item.person.id == user_id), "")
        return await page(request, "networking/person.html", {"person": person, "status": status})

    @post("/people/{user_id:int}/connect")
    async def connect(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], account: NamedDependency[Account]
    ) -> Redirect:
        message = (await read_form(request, "message"))["message"]
        try:
            await ask_to_connect(account.id, user_id, message)
        except Invalid as error:
            flash(request, error.sentence, category="error")
        else:
            flash(request, _("Your request is sent. You will be notified when they answer."), category="success")
        return Redirect(request.headers.get("referer") or "/people/")

    @get("/me/connections/")
    async def my_connections(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Template:
        return await page(request, "networking/connections.html", {"groups": await connections_of(account.id)})

    @post("/me/connections/{request_id:int}/{answer:str}")
    async def answer(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        answer: FromPath[str],
        account: NamedDependency[Account],
    ) -> Redirect:
        if answer not in {"accept", "decline"}:
            raise NotFoundException(_("Answer with accept or decline."))
        await answer_request(request_id, account.id, accept=answer == "accept")
        flash(request, _("You are connected.") if answer == "accept" else _("Request declined."), category="success")
        return Redirect("/me/connections/")
