"""The ``hallway`` command: serve, migrate, createuser, demo, schedules, the archive.

Every failure a person can cause (a bad setting, an unreachable database, a
duplicate email) ends in one line on stderr and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections import Counter
from pathlib import Path
from typing import Awaitable, Callable, NoReturn, TypeVar

from events.access import add_member, event_access
from events.demo import DEMO_SLUG, load_demo
from events.releases import NothingToPublish, publish_release
from events.schedule_import import FORMATS, ImportFailed, import_schedule, parse_schedule
from events.tables import MemberRole
from networking.demo import load_networking_demo
from archive.demo import PAST_SLUG, load_archive_demo, tag_current_programme
from insights.demo import load_insights_demo
from archive.bag import BagProblem, export_bag, import_bag
from archive.search.indexing import reindex_all
from sessions.demo import load_qa_demo
from server.accounts import account_id_by_email, create_account
from server.backup import BackupProblem, make_backup, restore_backup
from server.jobs import FAILED, JobView, requeue_stale, run_pending
from server.problems import Invalid
from server.database import configure_database, database_reachable, migrate, pending_migrations
from server.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


class CommandError(Exception):
    """A failure to report in one line."""


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        from server.app import connect_packages  # the web app's modules load only when a command runs

        connect_packages(settings)
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
    serve.add_argument(
        "--workers", type=_positive, default=1, help="worker processes (more than one needs WebSocket clients)"
    )
    serve.set_defaults(run=_serve)

    commands.add_parser("migrate", help="create or update the database tables").set_defaults(run=_migrate)

    create = commands.add_parser("createuser", help="create an account (prompts for what is not given)")
    create.add_argument("--admin", action="store_true", help="make the account a site administrator")
    create.add_argument("--email")
    create.add_argument("--name", help="display name")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(run=_createuser)

    commands.add_parser("demo", help="load the demo conference (once)").set_defaults(run=_demo)

    importer = commands.add_parser(
        "import-schedule", help="import a pretalx/frab JSON, frab XML or iCalendar programme"
    )
    importer.add_argument(
        "event_slug", metavar="EVENT_SLUG", help="the event to merge into (created from the file if new)"
    )
    importer.add_argument("file", metavar="FILE")
    importer.add_argument("--format", choices=("auto", *FORMATS), default="auto")
    importer.add_argument("--dry-run", action="store_true", help="show what would change and save nothing")
    importer.add_argument("--time-zone", metavar="ZONE", help="the new event's IANA zone, for files that name none")
    importer.set_defaults(run=_import_schedule)

    publish = commands.add_parser("publish", help="publish the current programme as a new schedule release")
    publish.add_argument("event_slug", metavar="EVENT_SLUG")
    publish.add_argument("--comment", default="", help="what changed, for attendees")
    publish.set_defaults(run=_publish)

    grant = commands.add_parser("grant", help="give an account a role in an event")
    grant.add_argument("event_slug", metavar="EVENT_SLUG")
    grant.add_argument("email", metavar="EMAIL")
    grant.add_argument("--role", choices=[role.value for role in MemberRole], default=MemberRole.organiser.value)
    grant.set_defaults(run=_grant)

    commands.add_parser("reindex", help="rebuild the archive's search index").set_defaults(run=_reindex)
    commands.add_parser(
        "jobs", help="run the waiting background jobs (compressed copies, notices) now, then stop"
    ).set_defaults(run=_jobs)

    backup = commands.add_parser("backup", help="copy the database, media and secret key into DIR")
    backup.add_argument("directory", metavar="DIR", help="a new or empty directory")
    backup.set_defaults(run=_backup)
    restore_all = commands.add_parser("restore", help="restore a backup into a new instance (Hallway stopped)")
    restore_all.add_argument("directory", metavar="DIR")
    restore_all.set_defaults(run=_restore)

    archive = commands.add_parser("archive", help="export or import the archive as a BagIt bag")
    archive_commands = archive.add_subparsers(dest="archive_command", required=True, metavar="ACTION")
    export = archive_commands.add_parser("export", help="write the archive (public items unless --all) to DIR")
    export.add_argument("directory", metavar="DIR", help="a new or empty directory")
    export.add_argument("--all", action="store_true", help="include items of unlisted and private events")
    export.set_defaults(run=_archive_export)
    restore = archive_commands.add_parser("import", help="restore a bag made by `archive export` into an empty archive")
    restore.add_argument("directory", metavar="DIR")
    restore.set_defaults(run=_archive_import)
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
        # X-Forwarded-For is believed only from the proxies named in HALLWAY_TRUSTED_PROXIES: anyone else
        # could name any address and slip past the limits kept per address.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
        log_level="info",
    )


def _migrate(settings: Settings, _args: argparse.Namespace) -> None:
    applied: list[str] = []

    async def run() -> None:
        applied.extend(await migrate())

    _run_with_database(settings, run)
    print(migration_summary(applied))


def migration_summary(applied: list[str]) -> str:
    """One line: what changed, per package, and that the database is now current."""
    if not applied:
        return "Nothing to do: the database is up to date."
    per_app = Counter(name.split(":", 1)[0] for name in applied)
    parts = ", ".join(f"{app} {count}" for app, count in per_app.items())
    return f"Applied {len(applied)} migration{'s' if len(applied) != 1 else ''} ({parts}); the database is up to date."


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
            await create_account(email, password, name, admin=args.admin, confirmed=True)
        except Invalid as error:
            raise CommandError(str(error)) from None

    _run_with_database(settings, create)
    print(f"Created {'site administrator' if args.admin else 'account'} {email.strip().lower()}.")


def _demo(settings: Settings, _args: argparse.Namespace) -> None:
    async def load() -> bool:
        await _check_schema()
        created = await load_demo()
        access = await event_access(DEMO_SLUG, None)
        assert access is not None, "load_demo() makes the demo event"
        await load_networking_demo(access.event_id)
        await load_qa_demo(DEMO_SLUG)
        await load_archive_demo(settings.media_root)
        await tag_current_programme(DEMO_SLUG)
        await load_insights_demo(DEMO_SLUG, PAST_SLUG)
        return created

    created = _run_with_database(settings, load)
    print("Loaded the demo conference." if created else "The demo conference is already loaded.")


def _import_schedule(settings: Settings, args: argparse.Namespace) -> None:
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    try:
        schedule = parse_schedule(data, args.format, args.file)
    except ImportFailed as error:
        raise CommandError(f"{args.file}: {error}") from None

    async def merge() -> list[str]:
        from rich.progress import Progress

        await _check_schema()
        with Progress(transient=False) as bar:
            task = bar.add_task("Importing sessions", total=len(schedule.sessions))
            try:
                report = await import_schedule(
                    args.event_slug,
                    schedule,
                    dry_run=args.dry_run,
                    time_zone=args.time_zone,
                    progress=lambda done, total: bar.update(task, completed=done),
                )
            except ImportFailed as error:
                raise CommandError(f"{args.file}: {error}; nothing was imported") from None
        return report.lines()

    for line in _run_with_database(settings, merge):
        print(line)
    print(
        "Dry run: nothing was saved."
        if args.dry_run
        else f"Imported into {args.event_slug}. Publish with `hallway publish {args.event_slug}`."
    )


def _publish(settings: Settings, args: argparse.Namespace) -> None:
    async def publish() -> str:
        await _check_schema()
        access = await event_access(args.event_slug, None)
        if access is None:
            raise CommandError(f"there is no event {args.event_slug!r}")
        try:
            release = await publish_release(access.event_id, args.comment)
        except NothingToPublish as error:
            raise CommandError(str(error)) from None
        return f"Published version {release.version} of {args.event_slug} ({len(release.changelog)} change(s))."

    print(_run_with_database(settings, publish))


def _grant(settings: Settings, args: argparse.Namespace) -> None:
    async def grant() -> str:
        await _check_schema()
        access = await event_access(args.event_slug, None)
        if access is None:
            raise CommandError(f"there is no event {args.event_slug!r}")
        user_id = await account_id_by_email(args.email)
        if user_id is None:
            raise CommandError(f"there is no account for {args.email}")
        added = await add_member(access.event_id, user_id, MemberRole(args.role))
        return f"{args.email} is {'now' if added else 'already'} {args.role} of {args.event_slug}."

    print(_run_with_database(settings, grant))


def _backup(settings: Settings, args: argparse.Namespace) -> None:
    try:
        manifest = make_backup(settings, Path(args.directory))
    except BackupProblem as error:
        raise CommandError(str(error)) from None
    print(
        f"Backed up the {manifest['database']} database, media and secret key to {args.directory} "
        f"({len(manifest['files'])} files, checksums in manifest.json)."
    )


def _restore(settings: Settings, args: argparse.Namespace) -> None:
    try:
        manifest = restore_backup(settings, Path(args.directory))
    except BackupProblem as error:
        raise CommandError(str(error)) from None
    print(f"Restored the backup made {manifest['made_at']}. Run `hallway migrate`, then start Hallway.")


def _reindex(settings: Settings, _args: argparse.Namespace) -> None:
    async def rebuild() -> int:
        from rich.progress import Progress

        await _check_schema()
        with Progress(transient=False) as bar:
            task = bar.add_task("Indexing archive items", total=None)
            return await reindex_all(lambda done, total: bar.update(task, completed=done, total=total))

    print(f"Indexed {_run_with_database(settings, rebuild)} archive item(s).")


def _jobs(settings: Settings, _args: argparse.Namespace) -> None:
    """What a running server does every few seconds, for an instance whose server is stopped."""

    async def run() -> list[JobView]:
        await _check_schema()
        await requeue_stale()  # a run that was killed (cron, a reboot) left its job running: it runs again now
        return await run_pending()

    finished = _run_with_database(settings, run)
    failed = [job for job in finished if job.status == FAILED]  # "discarded": its subject was deleted meanwhile
    for job in failed:
        print(f"{job.kind} {job.key}: {job.message}", file=sys.stderr)
    print(f"Ran {len(finished)} background job(s); {len(failed)} failed.")
    if failed:
        raise SystemExit(1)


def _archive_export(settings: Settings, args: argparse.Namespace) -> None:
    async def export() -> int:
        await _check_schema()
        try:
            return await export_bag(
                Path(args.directory), settings.media_root, include_all=args.all, base_url=settings.base_url
            )
        except BagProblem as error:
            raise CommandError(str(error)) from None

    print(f"Exported {_run_with_database(settings, export)} archive item(s) to {args.directory}.")


def _archive_import(settings: Settings, args: argparse.Namespace) -> None:
    async def restore() -> int:
        await _check_schema()
        try:
            return await import_bag(Path(args.directory), settings.media_root)
        except BagProblem as error:
            raise CommandError(str(error)) from None

    print(f"Imported {_run_with_database(settings, restore)} archive item(s) from {args.directory}.")


def _run_with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    engine = configure_database(settings)

    async def run() -> T:
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
