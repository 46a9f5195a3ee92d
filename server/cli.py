"""The ``hallway`` command: serve, migrate, createuser, demo.

Every failure a person can cause (a bad setting, an unreachable database, a
duplicate email) ends in one line on stderr and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Awaitable, Callable, NoReturn

from events.demo import load_demo
from server.accounts import create_account
from server.validation import ValidationError
from server.database import configure_database, database_reachable, migrate, pending_migrations
from server.settings import Settings, SettingsError, load_settings


class CommandError(Exception):
    """A failure to report in one line."""


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        args.run(settings, args)
    except (SettingsError, CommandError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallway", description="Hallway: hybrid conference companion and archive.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web app and live layer")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--workers", type=_positive, default=1, help="worker processes (more than one needs WebSocket clients)")
    serve.set_defaults(run=_serve)

    commands.add_parser("migrate", help="create or update the database tables").set_defaults(run=_migrate)

    create = commands.add_parser("createuser", help="create an account (prompts for what is not given)")
    create.add_argument("--admin", action="store_true", help="make the account a site administrator")
    create.add_argument("--email")
    create.add_argument("--name", help="display name")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(run=_createuser)

    commands.add_parser("demo", help="load the demo conference (once)").set_defaults(run=_demo)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    _run_with_database(settings, _check_schema)
    import uvicorn

    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="on",
        proxy_headers=True,
        log_level="info",
    )


def _migrate(settings: Settings, _args: argparse.Namespace) -> None:
    _run_with_database(settings, migrate)
    print("Database is up to date.")


def _createuser(settings: Settings, args: argparse.Namespace) -> None:
    email = args.email or _ask("Email address: ")
    name = args.name or _ask("Display name: ")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise CommandError("the two passwords differ")
    else:
        raise CommandError("no terminal to ask for a password: pass --password-stdin and pipe it in")

    async def create() -> None:
        await _check_schema()
        try:
            await create_account(email, password, name, admin=args.admin)
        except ValidationError as error:
            raise CommandError(str(error)) from None

    _run_with_database(settings, create)
    print(f"Created {'site administrator' if args.admin else 'account'} {email.strip().lower()}.")


def _demo(settings: Settings, _args: argparse.Namespace) -> None:
    async def load() -> bool:
        await _check_schema()
        return await load_demo()

    created = _run_with_database(settings, load)
    print("Loaded the demo conference." if created else "The demo conference is already loaded.")


def _run_with_database(settings: Settings, work: Callable[[], Awaitable[object]]) -> object:
    engine = configure_database(settings)

    async def run() -> object:
        if not await database_reachable(engine):
            raise CommandError(f"cannot reach the database at HALLWAY_DATABASE_URL={settings.database_url!r}")
        return await work()

    return asyncio.run(run())


async def _check_schema() -> None:
    pending = await pending_migrations()
    if pending:
        raise CommandError(f"the database needs {len(pending)} migration(s): run `hallway migrate` first")


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise CommandError(f"no terminal to ask {prompt.strip(': ').lower()!r}: pass it as an option")
    return input(prompt)


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError("a port is at most 65535")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _fail(message: str) -> NoReturn:
    print(f"hallway: {message}", file=sys.stderr)
    sys.exit(2)
