"""Hostile input on every route of the route table, on SQLite and on PostgreSQL: never a 500.

Every path parameter, the query parameters each operation documents (and the ones pages read
by hand), form fields and JSON bodies get control characters, NUL, Unicode digits, far dates,
huge numbers and deep nesting, as an outsider and as a site administrator (who reaches every
organiser's form). The routes come from the app itself, so a new route is attacked the day it
appears; a 500 anywhere fails with the request that caused it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Iterator
from urllib.parse import quote

import httpx
import pytest

from events.demo import DEMO_SLUG
from server.app import build_litestar_app
from server.settings import load_settings
from tests.conftest import temporary_postgres_database
from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway

ADMIN_EMAIL, ADMIN_PASSWORD = "hostile-admin@library.org", "hostile admin password"
HOSTILE = (
    "\x00",
    "nul\x00inside",
    "\x07\x1b\x7f\x85",
    "line\r\nbreak",
    "²",
    "١٢٣",
    "𝟙𝟚",
    "9" * 4400,
    "-1",
    "0",
    str(2**64),
    "9999-12-31",
    "0000-01-01",
    "99999-01-01T25:61",
    "1e309",
    "NaN",
    "%",
    "../../../etc/passwd",
    "\U0001f642" * 200,
    "[" * 300,
    "<x>&amp;'\"",
)
DEEP_JSON = "[" * 100_000 + "]" * 100_000
# Query parameters that pages read by hand (not all appear in the schema), for every GET.
READ_BY_HAND = (
    "q",
    "before",
    "day",
    "track",
    "room",
    "kind",
    "tag",
    "session",
    "t",
    "tz",
    "verb",
    "metadataPrefix",
    "set",
    "from",
    "until",
    "identifier",
    "resumptionToken",
    "url",
    "maxwidth",
    "maxheight",
    "format",
    "next",
    "page",
    "year",
    "topic",
    "event",
    "presenter",
    "language",
    "v",
    "expertise",
    "institution",
)
# Form fields of the pages' forms, all at once for every POST.
FORM_FIELDS = (
    "title",
    "name",
    "slug",
    "body",
    "q",
    "email",
    "display_name",
    "password",
    "comment",
    "text",
    "day",
    "start",
    "minutes",
    "room",
    "track",
    "kind",
    "status",
    "tags",
    "capacity",
    "timezone",
    "start_date",
    "end_date",
    "visibility",
    "presenter",
    "user",
    "role",
    "abstract",
    "description",
    "language",
    "choice",
    "question",
    "options",
    "moderation",
    "who_may_ask",
    "reason",
    "url",
    "label",
    "attendance",
    "message",
    "colour",
    "location",
    "stream_url",
    "join_url",
    "video_url",
    "anonymous",
    "dry_run",
)
PARAMETER = re.compile(r"\{(\w+):(\w+)\}")
SKIPPED = {"HEAD", "OPTIONS"}


@dataclass
class Site:
    server: HallwayServer
    routes: list[tuple[str, str]]
    schema: dict[str, Any]
    defaults: dict[str, str]
    failures: list[str] = field(default_factory=list)
    requests: int = 0


def _routes(env: dict[str, str]) -> list[tuple[str, str]]:
    app = build_litestar_app(load_settings(env))
    return sorted(
        {
            (method, route.path)
            for route in app.routes
            for method in getattr(route, "methods", ())
            if method not in SKIPPED
        }
    )


def _defaults(server: HallwayServer) -> dict[str, str]:
    """Real values for each parameter, so that a hostile one in another place reaches deep into a handler."""
    with httpx.Client(base_url=server.url) as client:
        programme = client.get(f"/api/v1/events/{DEMO_SLUG}/programme").json()
        hits = client.get("/api/v1/archive/search", params={"q": "interlibrary"}).json()
    session = next(s for s in programme["sessions"] if s.get("slug"))
    handle = next((r["handle"] for r in hits.get("results", []) if r.get("handle")), "x")
    return {
        "slug": DEMO_SLUG,
        "event_slug": DEMO_SLUG,
        "key": session["slug"],
        "session_slug": session["slug"],
        "guid": session["guid"],
        "room_slug": "main-lounge",
        "handle": handle,
        "file_path": "hallway.css",
        "path": "openapi.json",
        "chart": "registrations.csv",
        "action": "vote",
        "answer": "accept",
        "style": "bibtex",
        "filename": "1.svg",
    }


def _paths(template: str, defaults: dict[str, str]) -> Iterator[str]:
    """The route with real values, then with each parameter in turn made hostile."""
    names = [name for name, _ in PARAMETER.findall(template)]

    def fill(hostile_name: str | None, value: str) -> str:
        def one(match: re.Match[str]) -> str:
            name, kind = match.groups()
            raw = value if name == hostile_name else defaults.get(name, "1" if kind == "int" else "x")
            return quote(raw, safe="") if kind != "path" else quote(raw, safe="/")

        return PARAMETER.sub(one, template)

    yield fill(None, "")
    for name in names:
        for value in HOSTILE:
            yield fill(name, value)


def _documented_query(schema: dict[str, Any], method: str, template: str) -> set[str]:
    openapi_path = PARAMETER.sub(lambda m: "{" + m.group(1) + "}", template)
    operation = schema.get("paths", {}).get(openapi_path, {}).get(method.lower(), {})
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}


def _json_body(schema: dict[str, Any], method: str, template: str, value: str) -> Any:
    """Every property of the operation's request body made hostile (strings) or huge (numbers)."""
    openapi_path = PARAMETER.sub(lambda m: "{" + m.group(1) + "}", template)
    operation = schema.get("paths", {}).get(openapi_path, {}).get(method.lower(), {})
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    hostile: dict[str, Any] = {}
    for name, prop in body.get("properties", {}).items():
        kind = prop.get("type") or next((p.get("type") for p in prop.get("anyOf", []) if p.get("type") != "null"), "")
        hostile[name] = {"integer": 2**70, "number": 1e308, "boolean": value, "array": [value] * 3}.get(kind, value)
    return hostile or {"value": value}


async def _send(site: Site, client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> None:
    site.requests += 1
    try:
        response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        site.failures.append(f"{method} {path[:120]!r}: no answer ({error!r})")
        return
    if response.status_code == 501 and "oEmbed comes as json or xml" in response.text:
        return  # oEmbed 1.0's own answer to a format it does not define, not a fault
    if response.status_code >= 500:
        sent = {key: str(value)[:80] for key, value in kwargs.items() if key != "headers"}
        site.failures.append(f"{method} {path[:120]!r} {sent}: {response.status_code} {response.text[:200]!r}")


async def _attack_route(site: Site, client: httpx.AsyncClient, token: str, method: str, template: str) -> None:
    headers = {"x-csrftoken": token, "accept": "text/html"}
    base = next(_paths(template, site.defaults))
    for path in _paths(template, site.defaults):
        await _send(site, client, method, path, headers=headers)
    if method == "GET":
        names = sorted(set(READ_BY_HAND) | _documented_query(site.schema, method, template))
        for value in HOSTILE:
            if len(quote(value)) < 1000:
                await _send(site, client, method, base, params={name: value for name in names}, headers=headers)
            else:  # one at a time: a request line stays within what a server reads
                for name in names:
                    await _send(site, client, method, base, params={name: value}, headers=headers)
        await _send(site, client, method, base, headers={**headers, "range": "bytes=" + "9" * 5000 + "-"})
        return
    for value in HOSTILE:
        form = {name: value for name in FORM_FIELDS} | {"_csrf_token": token}
        await _send(site, client, method, base, data=form, headers=headers)
        if template.startswith("/api/"):
            await _send(
                site, client, method, base, json=_json_body(site.schema, method, template, value), headers=headers
            )
    await _send(
        site, client, method, base, content=DEEP_JSON.encode(), headers={**headers, "content-type": "application/json"}
    )


async def _client(site: Site, *, admin: bool) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=site.server.url, timeout=60)
    await client.get("/login")
    if admin:
        answer = await client.post(
            "/login",
            data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "_csrf_token": client.cookies["hallway_csrf"]},
        )
        assert answer.status_code == 302, answer.text[:300]
        await client.get("/")
    return client, client.cookies["hallway_csrf"]


async def _attack_everything(site: Site) -> None:
    for admin in (False, True):
        client, token = await _client(site, admin=admin)
        try:
            for method, template in site.routes:
                if admin and template == "/logout":
                    continue  # the administrator stays logged in for the rest of the walk
                await _attack_route(site, client, token, method, template)
        finally:
            await client.aclose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    async with _database(request.param, tmp_path_factory.mktemp(f"hostile-{request.param}")) as env:
        prepare_site(env)
        made = run_hallway(
            env,
            "createuser",
            "--admin",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "Hostile Admin",
            "--password-stdin",
            stdin=ADMIN_PASSWORD + "\n",
        )
        assert made.returncode == 0, made.stderr
        server = HallwayServer(env).start()
        try:
            schema = httpx.get(f"{server.url}/schema/openapi.json").json()
            yield Site(server, _routes(env), schema, _defaults(server))
        finally:
            server.stop()


class _database:
    """A hallway environment on a fresh SQLite file or a fresh PostgreSQL database."""

    def __init__(self, engine: str, var_dir: Path) -> None:
        self.engine, self.var_dir = engine, var_dir
        self.postgres: Any = None

    async def __aenter__(self) -> dict[str, str]:
        if self.engine == "sqlite":
            return hallway_env(self.var_dir, HALLWAY_REGISTRATIONS_PER_HOUR="1000000")
        self.postgres = temporary_postgres_database()
        url = await self.postgres.__aenter__()
        return hallway_env(self.var_dir, HALLWAY_DATABASE_URL=url, HALLWAY_REGISTRATIONS_PER_HOUR="1000000")

    async def __aexit__(self, *exc: object) -> None:
        if self.postgres is not None:
            await self.postgres.__aexit__(*exc)


async def test_no_hostile_input_on_any_route_makes_a_500(site: Site) -> None:
    await _attack_everything(site)
    print(f"\nhostile input: {len(site.routes)} routes, {site.requests} requests, {len(site.failures)} answered 5xx")
    assert site.failures == [], "\n".join(site.failures[:60])
    assert len(site.routes) > 100 and site.requests > 10_000


SERVER_FAULT = "Something went wrong on the server; please try again."
SOCKET_FIELDS = (
    "event",
    "session",
    "room",
    "body",
    "question",
    "poll",
    "choices",
    "up",
    "anonymous",
    "message",
    "user",
    "action",
    "minutes",
    "size",
    "nonce",
    "before",
)
DEEP_LIST: Any = []
for _ in range(200):
    DEEP_LIST = [DEEP_LIST]


def _socket_events(env: dict[str, str]) -> list[tuple[str, str]]:
    """Every event a client may send, per namespace, from the socket.io server's own handler table."""
    sio = build_litestar_app(load_settings(env)).state.sio
    return sorted(
        (namespace, event)
        for namespace, handlers in sio.handlers.items()
        for event in handlers
        if event not in {"connect", "disconnect", "connect_error"}
    )


def _socket_payloads(defaults: dict[str, str]) -> Iterator[Any]:
    real = {"event": defaults["slug"], "session": defaults["key"]}
    for value in HOSTILE:
        yield value
        yield {name: value for name in SOCKET_FIELDS}
        yield {**{name: value for name in SOCKET_FIELDS}, **real}
    for number in (2**64, -1, 0, 1e308, float("nan"), True):
        yield {**real, **{name: number for name in SOCKET_FIELDS if name not in real}}
    yield {**real, "body": DEEP_LIST, "choices": DEEP_LIST, "room": DEEP_LIST}


async def _attack_sockets(site: Site, cookies: httpx.Cookies | None, events: list[tuple[str, str]]) -> None:
    import socketio

    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    namespaces = sorted({namespace for namespace, _ in events})
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        site.server.url, namespaces=namespaces, headers=header, transports=["websocket"], wait_timeout=10
    )
    try:
        for namespace, event in events:
            for payload in _socket_payloads(site.defaults):
                site.requests += 1
                try:
                    reply = await client.call(event, payload, namespace=namespace, timeout=10)
                except Exception as error:  # no answer: the handler crashed or the connection dropped
                    site.failures.append(f"socket {namespace} {event} {str(payload)[:80]!r}: no answer ({error!r})")
                    if not client.connected:
                        return
                    continue
                if isinstance(reply, dict) and reply.get("error") == SERVER_FAULT:
                    site.failures.append(f"socket {namespace} {event} {str(payload)[:80]!r}: {reply}")
    finally:
        await client.disconnect()


async def test_no_hostile_payload_on_any_socket_event_makes_a_server_fault(site: Site) -> None:
    site.failures, site.requests = [], 0
    events = _socket_events(site.server.env)
    admin, _ = await _client(site, admin=True)
    try:
        await _attack_sockets(site, None, events)
        await _attack_sockets(site, admin.cookies, events)
    finally:
        await admin.aclose()
    print(f"\nhostile socket payloads: {len(events)} events, {site.requests} calls, {len(site.failures)} faults")
    assert site.failures == [], "\n".join(site.failures[:60])
    assert len(events) >= 13
