"""Insights pages: an event's for its organisers, the archive's for site administrators; each chart as CSV."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from archive.items import listable_scope
from events.access import EventAccess, event_access
from server.auth import current_account
from server.templating import page

from insights.figures import Report, archive_report, event_report


async def _organised(request: Request[Any, Any, Any], slug: str) -> EventAccess:
    """Insights are the organisers': to anyone else (attendees included) they do not exist."""
    access = await event_access(slug, await current_account(request))
    if access is None or not access.can_organise:
        raise NotFoundException("There is no such page.")
    return access


async def _site_admin(request: Request[Any, Any, Any]) -> frozenset[int]:
    account = await current_account(request)
    if account is None or not account.is_admin:
        raise NotFoundException("There is no such page.")
    return await listable_scope(account)


def _csv(report: Report, requested: str, filename: str) -> Response[str]:
    slug = requested.removesuffix(".csv")
    chart = report.chart(slug) if requested.endswith(".csv") else None
    if chart is None:
        raise NotFoundException("There is no such chart.")
    return Response(chart.csv(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}-{slug}.csv"'})


class InsightsController(Controller):
    @get("/events/{slug:str}/insights/")
    async def event(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
        access = await _organised(request, slug)
        report = await event_report(access)
        return await page(request, "insights/report.html", {"access": access, "report": report,
                                                            "csv_base": f"/events/{slug}/insights/"})

    @get("/events/{slug:str}/insights/{chart:str}")
    async def event_csv(self, request: Request[Any, Any, Any], slug: FromPath[str], chart: FromPath[str]) -> Response[str]:
        access = await _organised(request, slug)
        return _csv(await event_report(access), chart, access.slug)

    @get("/archive/insights/")
    async def archive(self, request: Request[Any, Any, Any]) -> Template:
        report = await archive_report(await _site_admin(request))
        return await page(request, "insights/report.html", {"access": None, "report": report,
                                                            "csv_base": "/archive/insights/"})

    @get("/archive/insights/{chart:str}")
    async def archive_csv(self, request: Request[Any, Any, Any], chart: FromPath[str]) -> Response[str]:
        return _csv(await archive_report(await _site_admin(request)), chart, "archive")
