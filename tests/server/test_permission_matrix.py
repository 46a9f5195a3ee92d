"""The permission matrix: every HTTP route and socket.io event, as eight people, over three visibilities.

The expectations live in one table (``permission_rules.py``); this file only walks it against a
real ``hallway serve`` and reports every cell whose answer differs. A route added without a rule
fails the first test, so new routes are covered the day they appear.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import httpx
import pytest
import socketio

from server.app import build_litestar_app
from server.database import configure_database
from server.settings import load_settings
from tests.accounts_flow import cookie_header
from tests.hallway_process import HallwayServer, hallway_env, run_hallway
from tests.server.permission_rules import RULES, SOCKET_CASES, Call, Case, Cell, Rule
from tests.server.permission_world import PASSWORD, ROLES, VISIBILITIES, World, build_world

CSRF = "hallway_csrf"
REFUSED_STATUSES = {401, 403, 404}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
FLASH_ERROR = re.compile(r'class="flash flash-error">([^<]*)<')


def route_keys(settings: Any) -> set[str]:
    """``METHOD /path`` for every route the app serves, straight from its route table."""
    app = build_litestar_app(settings)
    return {
        f"{method} {route.path}"
        for route in app.routes
        for method in getattr(route, "methods", ())
        if method not in SKIPPED_METHODS
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HallwayServer, World, set[str]]]:
    env = hallway_env(tmp_path_factory.mktemp("matrix"))
    migrated = run_hallway(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    settings = load_settings(env)
    configure_database(settings)
    server = HallwayServer(env)
    world = asyncio.run(build_world(settings.media_root, settings.secret_key, server.url))
    server.start()
    yield server, world, route_keys(settings)
    server.stop()


def test_every_route_has_a_rule(site: tuple[HallwayServer, World, set[str]]) -> None:
    _, _, routes = site
    assert sorted(routes - RULES.keys()) == [], "declare who may use these routes in permission_rules.RULES"
    assert sorted(RULES.keys() - routes) == [], "these rules name routes the app no longer has"


class People:
    """One HTTP client per role, logged in through the login form, each with its own cookies."""

    def __init__(self, base_url: str, world: World) -> None:
        self.base_url = base_url
        self.world = world
        self.clients: dict[str, httpx.AsyncClient] = {}

    async def open(self) -> None:
        for role in ROLES:
            self.clients[role] = await self.client_for(role)

    async def client_for(self, role: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=self.base_url, timeout=30)
        await client.get("/login")
        if role != "anonymous":
            answer = await client.post(
                "/login",
                data={"email": self.world.emails[role], "password": PASSWORD, "_csrf_token": client.cookies[CSRF]},
            )
            assert answer.status_code == 302, f"{role} could not log in: {answer.text[:200]}"
        return client

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


async def send(client: httpx.AsyncClient, call: Call) -> httpx.Response:
    token = client.cookies.get(CSRF, "") if call.csrf else ""
    form = {**call.form, "_csrf_token": token} if call.form is not None and call.csrf else call.form
    return await client.request(
        call.method,
        call.path,
        params=call.params,
        data=form,
        files=call.files,
        json=call.json,
        content=call.content,
        headers={"x-csrftoken": token} if call.csrf else {},
    )


@dataclass(frozen=True)
class Answer:
    outcome: str  # "allowed" / "refused", or "shown" / "hidden" for lists; anything else is an error
    status: int
    detail: str = ""


async def answer_of(client: httpx.AsyncClient, response: httpx.Response, marker: str | None) -> Answer:
    """What a person would conclude: let in or not, and for lists, whether the event is shown."""
    status = response.status_code
    refused, shown = "refused", "allowed"
    if marker is not None:
        refused = "hidden"
        shown = "shown" if marker in response.text else "hidden"
    if status in REFUSED_STATUSES:
        return Answer(refused, status)
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        if location.startswith("/login"):
            return Answer(refused, status)
        landing = await client.get(location)  # a refusal may come back as a redirect with an error message
        error = FLASH_ERROR.search(landing.text)
        return Answer(refused, status, error.group(1)) if error else Answer("allowed", status)
    if 200 <= status < 300:
        return Answer(shown, status)
    return Answer(f"HTTP {status}: {response.text[:160]}", status)


@dataclass
class Tally:
    cells: int = 0
    mismatches: list[str] = field(default_factory=list)

    def report(self, what: str) -> None:
        """Print the figures (and every differing cell), then fail if any cell differs."""
        print(
            f"\npermission matrix ({what}), {len(ROLES)} people, {len(VISIBILITIES)} visibilities: "
            f"{self.cells} cells checked, {len(self.mismatches)} differ"
        )
        print("\n".join(self.mismatches))
        assert self.mismatches == []


async def run_cell(people: People, route: str, case: Case, cell: Cell, tally: Tally) -> None:
    if case.setup is not None:
        setup = await answer_of(
            people.clients["organiser"], await send(people.clients["organiser"], case.setup(cell)), None
        )
        assert setup.outcome == "allowed", f"setup of {route} failed: {setup}"
    call = case.call(cell)
    client = await people.client_for(cell.role) if call.fresh_client else people.clients[cell.role]
    try:
        response = await send(client, call)
        evidence = (case.evidence or (lambda c: c.event.marker))(cell) if case.lists else None
        answer = await answer_of(client, response, evidence)
    finally:
        if call.fresh_client:
            await client.aclose()
    allowed = case.policy(cell.role, cell.visibility)
    expected = ("shown" if allowed else "hidden") if case.lists else ("allowed" if allowed else "refused")
    where = f"{route}{' [' + case.name + ']' if case.name else ''} as {cell.role} on the {cell.visibility} event"
    tally.cells += 1
    if answer.outcome != expected:
        detail = f" {answer.detail}" if answer.detail else ""
        tally.mismatches.append(f"{where}: expected {expected}, got {answer.outcome} ({answer.status}{detail})")
    elif _hides_existence(cell) and answer.outcome in {"refused", "hidden"} and answer.status in {401, 403}:
        tally.mismatches.append(f"{where}: a private event must look missing (404), got {answer.status}")


def _hides_existence(cell: Cell) -> bool:
    return cell.visibility == "private" and cell.role in {"stranger", "other_organiser"}


def cells_of(rule: Rule, world: World, numbers: Iterator[int]) -> list[tuple[Case, Cell]]:
    visibilities = VISIBILITIES if rule.per_event else ("public",)
    return [
        (case, Cell(world, role, visibility, next(numbers)))
        for case in rule.cases
        for visibility in visibilities
        for role in ROLES
    ]


async def walk_http(base_url: str, world: World) -> Tally:
    people = People(base_url, world)
    await people.open()
    tally, numbers = Tally(), itertools.count(1)
    ordered = sorted(RULES.items(), key=lambda item: item[1].last)
    try:
        for route, rule in ordered:
            for case, cell in cells_of(rule, world, numbers):
                await run_cell(people, route, case, cell, tally)
    finally:
        await people.close()
    return tally


def test_every_route_answers_each_person_as_the_table_says(site: tuple[HallwayServer, World, set[str]]) -> None:
    server, world, _ = site
    asyncio.run(walk_http(server.url, world)).report(f"HTTP: {len(RULES)} routes")


async def socket_for(base_url: str, cookies: httpx.Cookies | None, namespace: str) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        base_url,
        namespaces=[namespace],
        headers={"Cookie": cookie_header(cookies)} if cookies else {},
        transports=["websocket"],
        wait_timeout=10,
    )
    return client


async def seat_two_people(people: People, event_slug: str, room_id: int) -> list[socketio.AsyncClient]:
    """Two members waiting in the speed-networking room, so an organiser's round has someone to group."""
    seated = []
    for role in ("attendee", "other_presenter"):
        client = await socket_for(people.base_url, people.clients[role].cookies, "/rooms")
        reply = await client.call("join", {"event": event_slug, "room": room_id}, namespace="/rooms", timeout=10)
        assert reply.get("ok"), reply
        seated.append(client)
    return seated


async def walk_sockets(base_url: str, world: World) -> Tally:
    people = People(base_url, world)
    await people.open()
    tally, numbers = Tally(), itertools.count(10_000)
    try:
        for visibility in VISIBILITIES:
            waiting = await seat_two_people(
                people, world.events[visibility].slug, world.events[visibility].speed_room_id
            )
            for role in ROLES:
                cells = [Cell(world, role, visibility, next(numbers)) for _ in SOCKET_CASES]
                await send_every_event(
                    base_url, people.clients[role].cookies if role != "anonymous" else None, cells, tally
                )
            for client in waiting:
                await client.disconnect()
    finally:
        await people.close()
    return tally


async def send_every_event(base_url: str, cookies: httpx.Cookies | None, cells: list[Cell], tally: Tally) -> None:
    """One person's connections, each event sent in turn (joining before chatting, leaving last)."""
    sockets: dict[str, socketio.AsyncClient] = {}
    try:
        for case, cell in zip(SOCKET_CASES, cells):
            if case.namespace not in sockets:
                sockets[case.namespace] = await socket_for(base_url, cookies, case.namespace)
            reply = await sockets[case.namespace].call(
                case.event, case.payload(cell), namespace=case.namespace, timeout=10
            )
            expected = case.policy(cell.role, cell.visibility)
            tally.cells += 1
            if case.answered(cell, reply) != expected:
                tally.mismatches.append(
                    f"{case.namespace} {case.event} as {cell.role} on the {cell.visibility} "
                    f"event: expected {'ok' if expected else 'an error'}, got {reply}"
                )
    finally:
        for client in sockets.values():
            await client.disconnect()


def test_every_socket_event_answers_each_person_as_the_table_says(site: tuple[HallwayServer, World, set[str]]) -> None:
    server, world, _ = site
    asyncio.run(walk_sockets(server.url, world)).report(f"socket.io: {len(SOCKET_CASES)} events")
