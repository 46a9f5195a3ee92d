"""schemathesis against the OpenAPI schema of a running demo site, as a visitor and as a site admin:
at least 100 generated requests per operation, no server error, responses as the schema says."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    env = hallway_env(tmp_path_factory.mktemp("fuzz"))
    prepare_site(env)
    created = run_hallway(
        env,
        "createuser",
        "--admin",
        "--email",
        "fuzz@library.org",
        "--name",
        "Fuzz Admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    server = HallwayServer(env).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api_schema(site: HallwayServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{site.url}/schema/openapi.json")


def browser_session(site: HallwayServer, *, admin: bool) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{site.url}/login")
    if admin:
        answer = browser.post(
            f"{site.url}/login",
            data={"email": "fuzz@library.org", "password": PASSWORD, "_csrf_token": browser.cookies["hallway_csrf"]},
        )
        assert answer.ok
    browser.headers["x-csrftoken"] = browser.cookies["hallway_csrf"]  # unsafe methods get past CSRF to the handler
    return browser


@pytest.fixture(scope="module")
def visitor(site: HallwayServer) -> requests.Session:
    return browser_session(site, admin=False)


@pytest.fixture(scope="module")
def admin(site: HallwayServer) -> requests.Session:
    return browser_session(site, admin=True)


CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = 100


def fuzz(schema: schemathesis.BaseSchema, base_url: str, browser: requests.Session) -> tuple[int, int, list[str]]:
    """Every operation with up to EXAMPLES generated requests; returns (operations, requests, failures)."""
    failures: list[str] = []
    sent = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    # Logging out ends the session the rest would run in: it goes last, so everything else runs logged in.
    operations.sort(key=lambda operation: operation.path == "/logout")
    for operation in operations:

        @given(operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            nonlocal sent
            sent += 1
            case.call_and_validate(base_url=base_url, session=browser, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - report every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error).splitlines()[0][:300]}")
    return len(operations), sent, failures


def test_a_visitor_cannot_make_any_operation_fail(
    api_schema: schemathesis.BaseSchema, site: HallwayServer, visitor: requests.Session
) -> None:
    operations, sent, failures = fuzz(api_schema, site.url, visitor)
    print(f"\nschemathesis as a visitor: {operations} operations, {sent} requests")
    assert failures == []


def test_a_site_admin_cannot_make_any_operation_fail(
    api_schema: schemathesis.BaseSchema, site: HallwayServer, admin: requests.Session
) -> None:
    operations, sent, failures = fuzz(api_schema, site.url, admin)
    print(f"\nschemathesis as a site admin: {operations} operations, {sent} requests")
    assert failures == []


# Stateful: chains of calls that use what the previous call made -------------------------------

EVENT_OPERATIONS = (
    ("GET", "/api/v1/events/{slug}"),
    ("PUT", "/api/v1/events/{slug}"),
    ("POST", "/api/v1/events/{slug}/rooms"),
    ("POST", "/api/v1/events/{slug}/tracks"),
    ("POST", "/api/v1/events/{slug}/presenters"),
    ("POST", "/api/v1/events/{slug}/sessions"),
    ("POST", "/api/v1/events/{slug}/invitations"),
    ("GET", "/api/v1/events/{slug}/programme"),
    ("GET", "/api/v1/events/{slug}/releases"),
    ("POST", "/api/v1/events/{slug}/releases"),
    ("GET", "/api/v1/events/{slug}/working-programme"),
    ("GET", "/api/v1/events/{slug}/conflicts"),
    ("PUT", "/api/v1/events/{slug}/sessions/{guid}"),
    ("DELETE", "/api/v1/events/{slug}/sessions/{guid}"),
)
SCENARIOS = 100
STEPS = 6


def narrowed(raw: dict) -> dict:
    """The event's input narrowed to what validation accepts (JSON Schema cannot say "start <= end"),
    so that scenarios get past creating their event instead of stopping at a 400."""
    event_input = raw["components"]["schemas"]["EventInput"]["properties"]
    event_input["slug"].update(pattern="^[a-z0-9][a-z0-9-]{6,40}[a-z0-9]$")
    event_input["title"].update(minLength=1, maxLength=200)
    event_input["timezone"]["enum"] = ["UTC", "Europe/Berlin", "America/Chicago"]
    event_input["mode"]["enum"] = ["in_person", "online", "hybrid"]
    event_input["visibility"]["enum"] = ["public", "unlisted", "private"]
    event_input["start_date"]["enum"] = ["2030-05-01", "2030-05-02"]
    event_input["end_date"]["enum"] = ["2030-05-02", "2030-05-03"]
    for schema in raw["components"]["schemas"].values():  # names are one line; no text holds control characters
        for name, field in schema.get("properties", {}).items():
            if field.get("type") == "string" and name in ONE_LINE:
                field.update(pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$")
            elif field.get("type") == "string" and name in TEXTS:
                field.update(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    return raw


ONE_LINE = {"title", "subtitle", "name", "venue", "location", "affiliation"}
TEXTS = {"description", "abstract", "bio", "comment"}


def test_chains_of_calls_on_what_was_just_created_never_fail(site: HallwayServer) -> None:
    """Each scenario creates an event, then makes six generated calls on it (adding rooms, sessions,
    publishing, editing and deleting the sessions it made...), each response checked like above.

    Written as one Hypothesis test rather than schemathesis' state machine: what is drawn never
    depends on the server's answers (the state machine's did, which Hypothesis calls flaky), only
    the values sent do: the event's address and the last created session's id."""
    schema = schemathesis.openapi.from_dict(
        narrowed(requests.get(f"{site.url}/schema/openapi.json", timeout=10).json())
    )
    create = schema["/api/v1/events"]["POST"]
    follow_ups = [schema[path][method] for method, path in EVENT_OPERATIONS]
    statuses: list[int] = []
    scenarios: list[schemathesis.Case] = []
    admin = browser_session(site, admin=True)  # a session of its own: the fuzzers above may have logged out

    def send(case: schemathesis.Case) -> requests.Response:
        response = case.call(base_url=site.url, session=admin)
        case.validate_response(response, checks=CHECKS)
        statuses.append(response.status_code)
        return response

    @given(data=strategies.data())
    @settings(
        max_examples=SCENARIOS,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def scenario(data: strategies.DataObject) -> None:
        made = data.draw(create.as_strategy(generation_mode=GenerationMode.POSITIVE))
        # Each scenario works on an event of its own: Hypothesis draws the same short addresses again and
        # again ("00000000"), and a scenario refused the address would test nothing but the refusal.
        if isinstance(made.body, dict) and isinstance(made.body.get("slug"), str):
            made.body["slug"] = f"{made.body['slug'][:33]}-{len(scenarios)}"
        scenarios.append(made)
        created = send(made)
        slug = created.json()["id"] if created.status_code == 201 else made.body["slug"]
        guid = None
        for _ in range(STEPS):
            operation = data.draw(strategies.sampled_from(follow_ups))
            case = data.draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
            case.path_parameters = {**case.path_parameters, "slug": slug, **({"guid": guid} if guid else {})}
            response = send(case)
            if case.method == "POST" and case.path.endswith("/sessions") and response.status_code == 201:
                guid = response.json()["id"]

    scenario()
    created = statuses.count(201)
    print(
        f"\nschemathesis stateful: {SCENARIOS} scenarios, {len(statuses)} calls, {created} of them created "
        f"something that the calls after them used"
    )
    assert created >= SCENARIOS // 2, "most scenarios never got past creating their event"
