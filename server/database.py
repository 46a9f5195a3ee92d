"""The Piccolo engine: SQLite on the embedded default, PostgreSQL in production.

Piccolo finds its engine through ``piccolo_conf.DB`` and caches it on each
table. :func:`use_engine` points both at one engine, so the app, the CLI and the
tests (which run the data layer on SQLite and on PostgreSQL in one process)
all switch engines the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sqlite3
import warnings
from contextlib import closing
from typing import Any
from urllib.parse import unquote, urlsplit

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.table import Table
from piccolo.engine.postgres import PostgresEngine
import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from server.settings import Settings

PICCOLO_CONF = "server.piccolo_conf"


class SQLiteWriterEngine(SQLiteEngine):
    """SQLite whose transactions queue in order instead of fighting over the write lock.

    A deferred transaction that reads first and writes later cannot wait for
    the lock (SQLite answers "database is locked" at once), and hundreds of
    writers spinning on SQLite's busy handler starve each other. So each
    transaction takes the write lock at BEGIN (IMMEDIATE), and within a worker
    process transactions wait their turn on an asyncio lock. Without Redis
    there is one worker per host, so that is nearly all the contention there is.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns: asyncio.Lock | None = None
        self._readers: dict[asyncio.AbstractEventLoop, aiosqlite.Connection] = {}

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        """Reads outside a transaction share one connection per event loop.

        Piccolo opens a connection for every query, which costs more than most queries
        themselves (2.5 ms against 0.3 ms); a page makes a dozen. In WAL mode a reader
        in autocommit sees every committed write, so sharing is safe; writes keep a
        fresh connection each, as Piccolo does.
        """
        if not query.lstrip()[:6].upper() == "SELECT":
            return await super()._run_in_new_connection(query, args, query_type, table)
        reader = await self._reader()
        async with reader.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    async def _reader(self) -> aiosqlite.Connection:
        loop = asyncio.get_running_loop()
        reader = self._readers.get(loop)
        if reader is None:
            for stale in [old for old in self._readers if old.is_closed()]:
                self._readers.pop(stale).stop()
            reader = aiosqlite.connect(**self.connection_kwargs)
            reader._thread.daemon = True  # an idle reader must not keep the process alive at exit
            await reader
            reader.row_factory = dict_factory  # type: ignore[assignment]  # sqlite3 takes any callable
            await reader.execute("PRAGMA foreign_keys = 1")
            self._readers[loop] = reader
        return reader

    def transaction(
        self, transaction_type: TransactionType = TransactionType.immediate, allow_nested: bool = True
    ) -> Any:
        inner = super().transaction(transaction_type=transaction_type, allow_nested=allow_nested)
        if self.current_transaction.get() is not None:
            return inner  # nested: the outer transaction already holds the turn
        if self._turns is None:
            self._turns = asyncio.Lock()
        return _InTurn(inner, self._turns)


class _InTurn:
    """Enter a transaction only when it is this task's turn."""

    def __init__(self, transaction: SQLiteTransaction, turns: asyncio.Lock) -> None:
        self.transaction, self.turns = transaction, turns

    async def __aenter__(self) -> SQLiteTransaction:
        await self.turns.acquire()
        try:
            return await self.transaction.__aenter__()
        except BaseException:
            self.turns.release()
            raise

    async def __aexit__(self, *exc_info: Any) -> Any:
        try:
            return await self.transaction.__aexit__(*exc_info)
        finally:
            self.turns.release()


def engine_from_url(url: str) -> Engine[Any]:
    """Build the engine a ``HALLWAY_DATABASE_URL`` names (already checked by settings)."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        # Write-ahead logging lets readers (other workers, other requests) go on while
        # one connection writes, and costs one sync per commit instead of several.
        with closing(sqlite3.connect(path, timeout=30)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
        return SQLiteWriterEngine(path=path, timeout=30)
    parts = urlsplit(url)
    config = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "database": unquote(parts.path.lstrip("/")),
    }
    if parts.username:
        config["user"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    with warnings.catch_warnings():
        # Piccolo probes the server version here and warns when it is down;
        # readiness checks and the CLI report that in their own words.
        warnings.simplefilter("ignore")
        return PostgresEngine(config=config, log_queries=False)


def use_engine(engine: Engine[Any]) -> None:
    """Make ``engine`` the one every Hallway table and migration talks to."""
    os.environ["PICCOLO_CONF"] = PICCOLO_CONF
    from server import piccolo_conf

    piccolo_conf.DB = engine
    tables: list[type[Table]] = [*Finder().get_table_classes(), Migration]
    for table in tables:
        table._meta.db = engine


def configure_database(settings: Settings) -> Engine[Any]:
    engine = engine_from_url(settings.database_url)
    use_engine(engine)
    return engine


async def migrate() -> list[str]:
    """Apply every package's pending migrations, in dependency order; returns what was applied (``app:id``).

    Piccolo's own report is kept out of sight (on a new database it says each migration is both "already
    complete" and "not yet run"); it is shown only when something fails, to say where.
    """
    pending = await pending_migrations()
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}\n{report.getvalue()}")
    return pending


async def pending_migrations() -> list[str]:
    """Migrations not yet applied, as ``app:id``; empty when the schema is current."""
    statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    return [f"{status.app_name}:{status.migration_id}" for status in statuses if not status.has_ran]


async def database_reachable(engine: Engine[Any]) -> bool:
    try:
        await engine.run_ddl("SELECT 1")
        return True
    except Exception:  # any driver error means "not ready"
        return False
