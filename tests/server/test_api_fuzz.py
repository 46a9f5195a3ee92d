"""schemathesis against the OpenAPI schema of a running demo site, as a visitor and as a site admin:
at least 100 generated requests per operation, no server error, responses as the schema says."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    env = hallway_env(tmp_path_factory.mktemp("fuzz"))
    prepare_site(env)
    created = run_hallway(env, "createuser", "--admin", "--email", "fuzz@library.org", "--name", "Fuzz Admin",
                          "--password-stdin", stdin=PASSWORD + "\n")
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
        answer = browser.post(f"{site.url}/login", data={"email": "fuzz@library.org", "password": PASSWORD,
                                                          "_csrf_token": browser.cookies["hallway_csrf"]})
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
    for operation in operations:
        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case: schemathesis.Case) -> None:
            nonlocal sent
            sent += 1
            case.call_and_validate(base_url=base_url, session=browser, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - report every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error).splitlines()[0][:300]}")
    return len(operations), sent, failures


def test_a_visitor_cannot_make_any_operation_fail(api_schema: schemathesis.BaseSchema, site: HallwayServer,
                                                   visitor: requests.Session) -> None:
    operations, sent, failures = fuzz(api_schema, site.url, visitor)
    print(f"\nschemathesis as a visitor: {operations} operations, {sent} requests")
    assert failures == []


def test_a_site_admin_cannot_make_any_operation_fail(api_schema: schemathesis.BaseSchema, site: HallwayServer,
                                                      admin: requests.Session) -> None:
    operations, sent, failures = fuzz(api_schema, site.url, admin)
    print(f"\nschemathesis as a site admin: {operations} operations, {sent} requests")
    assert failures == []
