"""The public face of the programme: the home page and an event's page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from events.programme import get_visible_event, list_public_events, programme_by_day
from server.templating import page


class ProgrammeController(Controller):
    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "events/home.html", {"events": await list_public_events()})

    @get("/events/{slug:str}/", name="event")
    async def event(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
        event = await get_visible_event(slug)
        if event is None:
            raise NotFoundException("There is no event at this address.")
        return await page(request, "events/event.html", {"event": event, "days": await programme_by_day(slug)})
