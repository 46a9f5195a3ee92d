"""The programme's JSON API under /api/v1/ (described by OpenAPI at /schema).

Same rules as the pages: private events are 404 to non-members, changes need
the organiser role, and bad input is a 400 naming each field. Calls that
change something need the CSRF header (``x-csrftoken``) like any form.
"""

from __future__ import annotations

from server.i18n import _
from dataclasses import dataclass
from typing import Any

from litestar.di import NamedDependency
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_409_CONFLICT

from events import editing, invitations
from events.access import EventAccess, slugs_of_member
from events.catalogue import event_summary, list_events_by_slug, list_public_events
from events.editing import EventInput, RoomInput, SessionInput
from events.programme import Programme, ProgrammeEvent
from events.releases import (
    NothingToPublish,
    ReleaseSummary,
    list_releases,
    publish_release,
    published_programme,
    working_programme,
)
from events.manage_controllers import limit_event_creation
from server.ratelimit import AbuseLimits
from server.auth import requires_login
from server.accounts import Account
from server.settings import Settings
from events.dependencies import ORGANISED


@dataclass
class TrackBody:
    name: str
    colour: str = "#3b6ea5"


@dataclass
class PresenterBody:
    name: str
    affiliation: str = ""
    bio: str = ""


@dataclass
class ReleaseBody:
    comment: str = ""


@dataclass
class InvitationBody:
    email: str
    role: str
    presenter_id: int | None = None


@dataclass
class Created:
    id: str


@dataclass
class ConflictOut:
    kind: str
    message: str
    guids: list[str]


@dataclass
class InvitationOut:
    """The link to send: the person joins once they open it and accept (whether or not they have an account)."""

    link: str


class EventsApi(Controller):
    path = "/api/v1/events"
    include_in_schema = True  # the documented API (pages are left out of /schema)
    tags = ["events"]

    @get("/")
    async def list_events(
        self, request: Request[Any, Any, Any], viewer: NamedDependency[Account | None]
    ) -> list[ProgrammeEvent]:
        """Public events, and the events the caller belongs to (organises, presents at or attends)."""
        mine = await list_events_by_slug(await slugs_of_member(viewer.id)) if viewer else []
        listed = await list_public_events()
        return listed + [event for event in mine if event.slug not in {e.slug for e in listed}]

    @post("/", guards=[requires_login])
    async def create_event(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EventInput],
        account: NamedDependency[Account],
        abuse: NamedDependency[AbuseLimits],
    ) -> Created:
        await limit_event_creation(abuse, account)
        await editing.create_event(data, account.id)
        return Created(id=data.slug)

    @get("/{slug:str}")
    async def get_event(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> ProgrammeEvent:
        return await event_summary(access.event_id)

    @put("/{slug:str}", guards=[requires_login], dependencies=ORGANISED)
    async def update_event(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[EventInput],
        access: NamedDependency[EventAccess],
    ) -> ProgrammeEvent:
        await editing.update_event(access.event_id, data)
        return await event_summary(access.event_id)

    @get("/{slug:str}/programme")
    async def programme(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        access: NamedDependency[EventAccess],
        version: FromQuery[int | None] = None,
    ) -> Programme:
        """The published programme (latest, or ``version``); members-only links for members only."""
        programme = await published_programme(access.event_id, version)
        if programme is None:
            raise NotFoundException(
                "This programme has not been published yet." if version is None else f"There is no version {version}."
            )
        return programme if access.is_member or access.can_organise else programme.without_private_links()

    @get("/{slug:str}/working-programme", guards=[requires_login], dependencies=ORGANISED)
    async def working(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Programme:
        """Everything organisers are working on, drafts included (not yet published)."""
        return await working_programme(access.event_id)

    @get("/{slug:str}/conflicts", guards=[requires_login], dependencies=ORGANISED)
    async def conflicts(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> list[ConflictOut]:
        return [ConflictOut(c.kind, c.message, list(c.guids)) for c in await editing.find_conflicts(access.event_id)]

    @post("/{slug:str}/rooms", guards=[requires_login], dependencies=ORGANISED)
    async def add_room(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[RoomInput],
        access: NamedDependency[EventAccess],
    ) -> Created:
        return Created(id=str(await editing.save_room(access.event_id, data)))

    @post("/{slug:str}/tracks", guards=[requires_login], dependencies=ORGANISED)
    async def add_track(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[TrackBody],
        access: NamedDependency[EventAccess],
    ) -> Created:
        return Created(id=str(await editing.save_track(access.event_id, data.name, data.colour)))

    @post("/{slug:str}/presenters", guards=[requires_login], dependencies=ORGANISED)
    async def add_presenter(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[PresenterBody],
        access: NamedDependency[EventAccess],
    ) -> Created:
        return Created(id=str(await editing.save_presenter(access.event_id, data.name, data.affiliation, data.bio)))

    @post("/{slug:str}/sessions", guards=[requires_login], dependencies=ORGANISED)
    async def add_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[SessionInput],
        access: NamedDependency[EventAccess],
    ) -> Created:
        return Created(id=await editing.save_session(access.event_id, data))

    @put("/{slug:str}/sessions/{guid:str}", guards=[requires_login], dependencies=ORGANISED)
    async def update_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        data: JSONBody[SessionInput],
        access: NamedDependency[EventAccess],
    ) -> Created:
        return Created(id=await editing.save_session(access.event_id, data, guid))

    @delete("/{slug:str}/sessions/{guid:str}", guards=[requires_login], dependencies=ORGANISED)
    async def delete_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> None:
        await editing.delete_session(access.event_id, guid)

    @get("/{slug:str}/releases")
    async def releases(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> list[ReleaseSummary]:
        return await list_releases(access.event_id)

    @post("/{slug:str}/releases", guards=[requires_login], dependencies=ORGANISED)
    async def publish(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[ReleaseBody],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
    ) -> ReleaseSummary:
        if len(data.comment) > 2000:
            raise ClientException(_("The comment can be at most 2000 characters."))
        try:
            return await publish_release(access.event_id, data.comment, published_by=account.id)
        except NothingToPublish as error:
            raise ClientException(str(error), status_code=HTTP_409_CONFLICT) from None

    @post("/{slug:str}/invitations", guards=[requires_login], dependencies=ORGANISED)
    async def invite(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[InvitationBody],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
        settings: NamedDependency[Settings],
    ) -> InvitationOut:
        result = await invitations.invite(access.event_id, data.email, data.role, account.id, data.presenter_id)
        return InvitationOut(link=f"{settings.base_url}{result.path}")
