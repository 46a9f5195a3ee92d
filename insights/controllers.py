"""Insights pages: an event's for its organisers, the archive's for site administrators; each chart as CSV."""

from __future__ import annotations

from events.urls import event_url
from typing import Any

from litestar.di import NamedDependency, Provide
from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from archive.items import listable_scope
from events.access import EventAccess, event_access
from server.accounts import Account
from server.problems import NotFound
from server.templating import page

from insights.figures import Report, archive_report, event_report


async def organised_insights(slug: FromPath[str], viewer: NamedDependency[Account | None]) -> EventAccess:
    """Insights are the organisers': to anyone else (attendees included) they do not exist."""
    access = await event_access(slug, viewer)
    if access is None or not access.can_organise:
        raise NotFound("There is no such page.")
    return access


async def archive_scope(viewer: NamedDependency[Account | None]) -> frozenset[int]:
    """The archive's insights are the site administrators'; to anyone else they do not exist."""
    if viewer is None or not viewer.is_admin:
        raise NotFound("There is no such page.")
    return await listable_scope(viewer)


def _csv(report: Report, requested: str, filename: str) -> Response[str]:
    slug = requested.removesuffix(".csv")
    chart = report.chart(slug) if requested.endswith(".csv") else None
    if chart is None:
        raise NotFoundException("There is no such chart.")
    return Response(
        chart.csv(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}-{slug}.csv"'},
    )


class InsightsController(Controller):
    dependencies = {"access": Provide(organised_insights), "visible_ids": Provide(archive_scope)}

    @get("/events/{slug:str}/insights/")
    async def event(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        report = await event_report(access)
        return await page(
            request,
            "insights/report.html",
            {"access": access, "report": report, "csv_base": event_url(slug, "insights/")},
        )

    @get("/events/{slug:str}/insights/{chart:str}")
    async def event_csv(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        chart: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Response[str]:
        return _csv(await event_report(access), chart, access.slug)

    @get("/archive/insights/")
    async def archive(self, request: Request[Any, Any, Any], visible_ids: NamedDependency[frozenset[int]]) -> Template:
        report = await archive_report(visible_ids)
        return await page(
            request, "insights/report.html", {"access": None, "report": report, "csv_base": "/archive/insights/"}
        )

    @get("/archive/insights/{chart:str}")
    async def archive_csv(
        self, request: Request[Any, Any, Any], chart: FromPath[str], visible_ids: NamedDependency[frozenset[int]]
    ) -> Response[str]:
        return _csv(await archive_report(visible_ids), chart, "archive")
