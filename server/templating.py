"""Jinja2 set-up and the small helpers every package's controllers use to show pages and read forms."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo
from typing import Any, Iterable

from litestar import Request
from litestar.enums import MediaType
from markupsafe import Markup, escape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.exceptions import ClientException
from litestar.response import Template
from litestar.template.config import TemplateConfig

from server.auth import current_account
from server.notifications import unread_count
from server.time_zones import chosen_zone_name, shown_zone, zone_label
from server.i18n import (
    LANGUAGES,
    TEMPLATE_GETTEXT,
    current_language,
    in_words,
    in_numbers,
    language_name,
    script_messages,
    text_direction,
)
from server.urls import URLS, UrlFunction

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
FORM_FIELD_MAX = 20_000


def local_time(moment: str | datetime, zone: str, pattern: str = "%a %-d %b, %H:%M %Z") -> str:
    """A moment (a datetime, or an ISO timestamp as kept in snapshots and changelogs) shown in a time zone,
    labelled with the zone's abbreviation by default so that nobody wonders which clock it is."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:  # SQLite hands timestamps back without their (UTC) zone
        value = value.replace(tzinfo=timezone.utc)
    return in_words(value.astimezone(shown_zone(zone)), pattern)


def shown_in(chosen: str, fallback: ZoneInfo | str) -> ZoneInfo:
    """The zone to show an event's times in: the viewer's choice, else the event's own."""
    if chosen:
        return shown_zone(chosen)
    return fallback if isinstance(fallback, ZoneInfo) else shown_zone(fallback)


_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def linkify(text: str) -> Markup:
    """Escape user text and make its web addresses clickable (nothing else becomes HTML)."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(escape(text[last : match.start()]))
        url = escape(match.group(0))
        parts.append(Markup(f'<a href="{url}" rel="nofollow noopener" target="_blank">{url}</a>'))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _add_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["local_time"] = local_time
    engine.engine.filters["in_words"] = in_words  # a date or time as a strftime pattern says, in the reader's language
    engine.engine.filters["number"] = in_numbers  # a number written the reader's way (decimal comma...)
    engine.engine.filters["linkify"] = linkify
    engine.engine.filters["zone_label"] = zone_label
    engine.engine.filters["shown_in"] = shown_in


def template_config(urls: Iterable[UrlFunction] = ()) -> TemplateConfig[JinjaTemplateEngine]:
    """Hallway's templates, with its filters and the packages' named addresses (``urls``) as globals."""
    named = {function.__name__: function for function in (*URLS, *urls)}

    def prepare(engine: JinjaTemplateEngine) -> None:
        _add_filters(engine)
        engine.engine.add_extension("jinja2.ext.i18n")
        engine.engine.install_gettext_callables(*TEMPLATE_GETTEXT, newstyle=True)  # type: ignore[attr-defined]
        engine.engine.globals.update(named)
        engine.engine.globals.update(
            current_language=current_language,
            text_direction=text_direction,
            languages=LANGUAGES.values(),
            script_messages=script_messages,
            language_name=language_name,
        )

    return TemplateConfig(directory=TEMPLATE_DIR, engine=JinjaTemplateEngine, engine_callback=prepare)


def requested_path(request: Request[Any, Any, Any]) -> str:
    """The address as the browser asked for it, query included, to come back to (after logging in, after
    choosing a time zone). Litestar's ``url.path`` drops a trailing slash, and ``/a/`` is not ``/a``."""
    raw = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?", 1)[0]  # some servers keep it
    query = request.scope.get("query_string", b"")
    return raw.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")


async def page(
    request: Request[Any, Any, Any], template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Template:
    """Render a page with what the layout needs (the logged-in account) added to its context."""
    account = await current_account(request)
    here = requested_path(request)
    full_context = {
        "account": account,
        "unread": await unread_count(account.id) if account else 0,
        "viewer_zone_name": chosen_zone_name(request, account),
        "current_path": here,
        **(context or {}),
    }
    # Said here, not left to the route: Litestar lets a route's type (JSON unless the handler says
    # otherwise) win over a template's, and a page that re-renders a form after a POST came out as JSON.
    return Template(template_name=template, context=full_context, status_code=status_code, media_type=MediaType.HTML)


async def read_form(request: Request[Any, Any, Any], *fields: str) -> dict[str, str]:
    """Read named text fields of a posted form; a field sent twice or far too long is a 400."""
    form = await request.form()
    values: dict[str, str] = {}
    for field in fields:
        sent = form.getall(field) if field in form else []
        if len(sent) > 1:
            raise ClientException(f"The field {field!r} was sent more than once.")
        value = sent[0] if sent else ""
        if not isinstance(value, str):
            raise ClientException(f"The field {field!r} must be text, not a file.")
        if len(value) > FORM_FIELD_MAX:
            raise ClientException(f"The field {field!r} is too long.")
        if "\x00" in value:
            raise ClientException(f"The field {field!r} cannot contain the NUL character.")
        values[field] = value
    return values


def safe_next_path(target: str | None) -> str:
    """Only follow a local path after login, never another site (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
