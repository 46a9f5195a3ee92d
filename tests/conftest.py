"""Shared fixtures: migrated SQLite and PostgreSQL databases, the app, and a clean slate per test."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Iterator

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.apps.user.tables import BaseUser
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import sort_table_classes

from archive.search.indexing import search_engine
from archive.topics import forget_variants
from events.feeds import forget_rendered_programmes
from server.app import disconnect_packages
from server.database import engine_from_url, migrate, use_engine
from server.settings import Settings, load_settings
from tests.mail_server import smtp  # noqa: F401  (a fixture shared by mail tests)
from tests.services import require_postgres

TEST_PASSWORD_ITERATIONS = 1_000


LAYERS = ("unit", "data", "pages", "process", "browser")
PROCESS_HELPERS = {"HallwayServer", "run_hallway", "hallway_env"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test carries its layer, from what it uses (a marker written on the test wins).

    browser: under tests/browser; process: its module starts Hallway processes; pages: it uses the app or
    its client; data: it uses a database; unit: none of these. ``make test-fast`` runs unit, data and pages.
    """
    for item in items:
        if any(item.get_closest_marker(layer) for layer in LAYERS):
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        module_names = set(vars(item.module)) if getattr(item, "module", None) else set()
        if "tests/browser/" in item.nodeid:
            layer = "browser"
        elif module_names & PROCESS_HELPERS:
            layer = "process"
        elif fixtures & {"app", "client"}:
            layer = "pages"
        elif fixtures & {"db", "db_engine", "sqlite_engine", "postgres_engine", "postgres_database_url"}:
            layer = "data"
        else:
            layer = "unit"
        item.add_marker(getattr(pytest.mark, layer))


@pytest.fixture(autouse=True)
def no_wiring_left_over() -> Iterator[None]:
    """No test leaves process-wide state for the next: whatever an app's wiring or the test itself
    connected (change listeners, job kinds, where notifications go, email) is undone with it, and the
    caches of rendered feeds and parsed releases are emptied."""
    yield
    disconnect_packages()
    forget_rendered_programmes()


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
async def sqlite_engine(var_dir: Path) -> Engine:
    engine = engine_from_url(f"sqlite:///{var_dir / 'test.sqlite3'}")
    use_engine(engine)
    await migrate()
    return engine


@asynccontextmanager
async def temporary_postgres_database() -> AsyncIterator[str]:
    """The URL of an empty PostgreSQL database made for the caller and dropped afterwards."""
    admin_url = require_postgres()
    name = f"hallway_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def postgres_engine() -> AsyncIterator[Engine]:
    async with temporary_postgres_database() as url:
        engine = engine_from_url(url)
        assert isinstance(engine, PostgresEngine)
        use_engine(engine)
        await migrate()
        await engine.start_connection_pool(min_size=1, max_size=5)
        try:
            yield engine
        finally:
            await engine.close_connection_pool()


@pytest.fixture
async def postgres_database_url() -> AsyncIterator[str]:
    async with temporary_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request: pytest.FixtureRequest) -> Engine:
    engine = request.getfixturevalue(f"{request.param}_engine")
    use_engine(engine)
    return engine


@pytest.fixture
async def db(db_engine: Engine) -> AsyncIterator[Engine]:
    """The data layer under test: every test using it runs on SQLite and on PostgreSQL, from empty tables."""
    await _empty_all_tables()
    yield db_engine
    await _empty_all_tables()


@pytest.fixture
async def postgres_db(postgres_engine: Engine) -> AsyncIterator[Engine]:
    """The data layer on PostgreSQL only, from empty tables: for what SQLite cannot do (say so in the test)."""
    use_engine(postgres_engine)
    await _empty_all_tables()
    yield postgres_engine
    await _empty_all_tables()


async def _empty_all_tables() -> None:
    for table in reversed(sort_table_classes(Finder().get_table_classes())):
        await table.delete(force=True)
    await search_engine().clear()  # the archive's full-text index lives outside Piccolo's tables
    forget_variants()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process tests hash with fewer iterations; the real count is checked in test_accounts."""
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", TEST_PASSWORD_ITERATIONS)
    yield


@pytest.fixture
def settings(var_dir: Path, tmp_path: Path) -> Settings:
    """Settings on the shared migrated SQLite file, with this test's own session and rate-limit stores."""
    return load_settings(
        {
            "HALLWAY_VAR_DIR": str(tmp_path),
            "HALLWAY_DATABASE_URL": f"sqlite:///{var_dir / 'test.sqlite3'}",
            "HALLWAY_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "HALLWAY_REGISTRATIONS_PER_HOUR": "1000",  # tests register many people from one address
            "HALLWAY_BACKGROUND_JOBS": "off",  # in-process tests run jobs themselves (server.jobs.run_pending)
        }
    )


@pytest.fixture
def wired(settings: Settings) -> None:
    """Listeners and job handlers connected as the app and the CLI connect them (without a live server)."""
    from server.app import connect_packages

    connect_packages(settings)


@pytest.fixture
async def app(settings: Settings, sqlite_engine: Engine) -> AsyncIterator[Litestar]:
    """The Litestar app on a clean SQLite database."""
    from server.app import build_litestar_app

    application = build_litestar_app(settings)
    await _empty_all_tables()
    yield application
    await _empty_all_tables()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client
