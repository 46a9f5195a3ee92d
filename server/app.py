"""The composition root: the one place where Hallway's parts are put together.

``create_app`` returns one ASGI application: socket.io answers under
``/socket.io`` and Litestar answers everything else, so a single process (or
each of several workers) serves pages, the API and live features together.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

import msgspec
import socketio
from litestar import Litestar, Request
from litestar.exceptions import ClientException, HTTPException, NotFoundException
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from piccolo.engine.postgres import PostgresEngine
from redis.asyncio import Redis

from archive.controllers import (
    ArchiveApi,
    ArchiveController,
    ItemController,
    MediaController,
    OaiController,
    OEmbedController,
    TopicController,
)
from archive.manage_controllers import ArchiveManageController, TopicManageController
from archive.derivatives import derive_recordings_in, queue_derivative
from archive.changes import ArchiveSessionChanged, ItemFirstPublished, RecordingStored
from archive.saved_searches import TELL_SAVED_SEARCHES, queue_saved_search_notices, tell_saved_searches
from archive.search.indexing import reindex_for
from events.agenda_notices import JOB_KIND as AGENDA_NOTICES, queue_agenda_notices, tell_agendas
from events.releases import ReleasePublished
from events.dependencies import VISIBLE
from events.api import EventsApi
from insights.controllers import InsightsController
from events.controllers import AgendaController, ProgrammeController
from events.manage_controllers import EventCreationController, ManageController
from server.activity import LiveGauge, keep_flushing
from server.api_docs import api_documentation
from server.head_requests import AnswersHead
from server.auth import session_config
from server.csrf import SessionBoundCsrf
from server.security_headers import add_security_headers
from server.changes import forget_all, listen
from server.controllers import (
    AccountController,
    AdminController,
    HealthController,
    NotificationController,
    UnsubscribeController,
)
from server.database import configure_database
from server.dependencies import SERVER_DEPENDENCIES
from server.errors import http_error, problem_answer, unexpected_error
from networking.controllers import LoungeController, PeopleController
from sessions.controllers import InboxController, LiveController, QuestionsController
from sessions.live import QaNamespace
from sessions.questions import (
    TELL_ASKERS,
    PollAnswered,
    QaThreadChanged,
    QaVoteCounted,
    QuestionAnswered,
    queue_answer_notices,
    tell_askers,
)
from networking.live import RoomsNamespace
from networking.presence import MemoryPresence, RedisPresence
from server.live import create_live_server
from server.jobs import forget_handlers, keep_working, register
from server.mail import SmtpServer, keep_delivering
from server.notifications import email_notifications, queue_daily_digests, stop_publishing
from server.ratelimit import AbuseLimits, LoginThrottle
from server.settings import Settings, load_settings
from server.templating import STATIC_DIR, template_config
from server.i18n import LanguageMiddleware, offer_pseudo_locales
from archive import urls as archive_urls
from events import urls as events_urls
from networking import urls as networking_urls
from sessions import urls as sessions_urls
from server.validation import is_row_id
from server.problems import Problem

REQUEST_BODY_MAX = 2 * 1024 * 1024
PATH_SEGMENT_MAX = 255  # bytes: the longest file name a file system holds


def create_app() -> socketio.ASGIApp:
    """The ASGI application ``hallway serve`` runs (settings from the environment)."""
    litestar_app = build_litestar_app(load_settings())
    return socketio.ASGIApp(litestar_app.state.sio, other_asgi_app=litestar_app, socketio_path="socket.io")


def build_litestar_app(settings: Settings) -> Litestar:
    """Litestar with every controller, store and plugin; the socket.io server hangs off ``state.sio``."""
    engine = configure_database(settings)
    offer_pseudo_locales(settings.pseudo_locales)
    redis_client = Redis.from_url(settings.redis_url) if settings.redis_url else None
    stores = _stores(settings, redis_client)
    templates = template_config((*events_urls.URLS, *sessions_urls.URLS, *networking_urls.URLS, *archive_urls.URLS))

    sio = create_live_server(settings, stores.get("sessions"), settings.redis_prefix)
    presence = RedisPresence(redis_client, settings.redis_prefix) if redis_client is not None else MemoryPresence()
    networking_live = RoomsNamespace(sio, presence, stores.get("sessions"), stores.get("rate_limits"))
    qa_live = QaNamespace(
        sio, stores.get("sessions"), stores.get("rate_limits"), LiveGauge(redis_client, settings.redis_prefix)
    )

    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        if isinstance(engine, PostgresEngine):
            await engine.start_connection_pool()
        upkeep = [asyncio.create_task(networking_live.keep_presence()), asyncio.create_task(keep_flushing())]
        if settings.background_jobs:
            upkeep.append(asyncio.create_task(keep_working()))
        if settings.smtp_url:
            sender = f"Hallway <hallway@{urlsplit(settings.base_url).hostname}>"
            smtp = SmtpServer.from_url(settings.smtp_url, sender)
            upkeep.append(asyncio.create_task(keep_delivering(smtp, before_each_round=queue_daily_digests)))
        try:
            yield
        finally:
            for task in upkeep:
                task.cancel()
            await asyncio.gather(*upkeep, return_exceptions=True)  # the counters write their last figures
            if isinstance(engine, PostgresEngine):
                await engine.close_connection_pool()
            if redis_client is not None:
                await redis_client.aclose()

    app = AnswersHead(
        route_handlers=[
            ProgrammeController,
            AgendaController,
            EventCreationController,
            ManageController,
            EventsApi,
            LoungeController,
            PeopleController,
            QuestionsController,
            InboxController,
            LiveController,
            ArchiveController,
            ArchiveApi,
            ArchiveManageController,
            TopicController,
            TopicManageController,
            ItemController,
            MediaController,
            OaiController,
            OEmbedController,
            InsightsController,
            AccountController,
            AdminController,
            HealthController,
            NotificationController,
            UnsubscribeController,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        # The session is loaded first, so the CSRF check knows whose session a token must belong to.
        middleware=[
            LanguageMiddleware,  # first: everything after it, error pages included, speaks the request's language
            session_config(secure=settings.secure_cookies).middleware,
            SessionBoundCsrf(settings.secret_key, secure=settings.secure_cookies),
        ],
        before_send=[add_security_headers],
        before_request=refuse_impossible_input,
        template_config=templates,
        plugins=[FlashPlugin(config=FlashConfig(template_config=templates))],
        stores=stores,
        exception_handlers={HTTPException: http_error, Problem: problem_answer, Exception: unexpected_error},
        # What handlers ask for by name (server/dependencies.py); organisers' controllers provide `access`
        # with events.dependencies.ORGANISED instead.
        dependencies={**SERVER_DEPENDENCIES, **VISIBLE},
        openapi_config=api_documentation(),
        include_in_schema=False,  # /schema documents the API controllers, which opt in; pages are not an API
        request_max_body_size=REQUEST_BODY_MAX,
        lifespan=[lifespan],
    )
    connect_packages(settings, qa_live)
    app.state.settings = settings
    app.state.engine = engine
    app.state.redis = redis_client
    app.state.abuse = AbuseLimits.in_store(
        stores.get("rate_limits"), settings.registrations_per_hour, settings.upload_gb_per_day * 1024**3
    )
    app.state.login_throttle = LoginThrottle.in_store(stores.get("login_failures"))
    app.state.sio = sio
    app.state.presence = presence
    app.state.qa_live = qa_live
    app.state.qa_limits = qa_live.limits
    return app


def connect_packages(settings: Settings, qa_live: QaNamespace | None = None) -> None:
    """Who hears which change: one place, for the web app and the CLI (demo, jobs, imports) alike.

    Starts from no listeners, so an app built again (as the tests do) never keeps an old app's.
    """
    forget_all()
    # Notices are mailed (to people who chose immediate mail) wherever they are made: a page or `hallway jobs`.
    email_notifications(settings.base_url, settings.secret_key, enabled=bool(settings.smtp_url))
    listen(QaThreadChanged, reindex_for)  # the archive's search index follows each session's Q&A...
    listen(ArchiveSessionChanged, reindex_for)  # ...and its recordings, captions, slides and topics
    listen(RecordingStored, queue_derivative)  # an upload gets its compressed copy in the background
    derive_recordings_in(settings.media_root)
    listen(ReleasePublished, queue_agenda_notices)  # people hear when a session they starred moves
    register(AGENDA_NOTICES, tell_agendas)
    listen(QuestionAnswered, queue_answer_notices)  # askers and voters hear of an answer
    register(TELL_ASKERS, tell_askers)
    listen(ItemFirstPublished, queue_saved_search_notices)  # saved searches hear of a new archive item
    register(TELL_SAVED_SEARCHES, tell_saved_searches)
    if qa_live is not None:  # every page and socket watching a thread hears of it, whichever door changed it
        listen(QaThreadChanged, qa_live.on_thread_changed)
        listen(QaVoteCounted, qa_live.on_vote_counted)
        listen(PollAnswered, qa_live.on_poll_answered)


def disconnect_packages() -> None:
    """Undo the wiring (listeners, job kinds, where notifications go): what a process that builds Hallway
    again, such as the test suite between tests, starts from."""
    forget_all()
    forget_handlers()
    stop_publishing()
    offer_pseudo_locales(False)


async def refuse_impossible_input(request: Request[Any, Any, Any]) -> None:
    """Input no handler should see: ids no row can have (404), and NUL anywhere but in an uploaded file (400).

    PostgreSQL cannot store NUL in text and refuses the whole statement; catching it here, once,
    answers a clear 400 instead of a 500 from whichever query met it first.
    """
    _warn_once_about_another_host(request)
    for value in request.path_params.values():
        if isinstance(value, int) and not is_row_id(value):
            raise NotFoundException("There is nothing at this address.")
    if any(len(part.encode()) > PATH_SEGMENT_MAX for part in request.url.path.split("/")):
        raise NotFoundException("There is nothing at this address.")  # no file, slug or token is that long
    if "\x00" in request.url.path or b"%00" in request.scope.get("query_string", b"").lower():
        raise ClientException("Addresses cannot contain the NUL character.")
    content_type = request.content_type[0]
    if content_type in {"application/json", "application/x-www-form-urlencoded"}:
        body = await request.body()
        lowered = body.lower()
        if b"\\u0000" in lowered or b"%00" in lowered or b"\x00" in lowered:
            raise ClientException("Sent text cannot contain the NUL character.")
        if content_type == "application/json":
            _refuse_deep_json(body)


_told_about_hosts: set[str] = set()


def _warn_once_about_another_host(request: Request[Any, Any, Any]) -> None:
    """Absolute links use HALLWAY_BASE_URL; requests for another host mean links point elsewhere: say so once."""
    expected = urlsplit(request.app.state.settings.base_url).netloc
    arrived = request.headers.get("host", "")
    if arrived and arrived != expected and arrived not in _told_about_hosts and len(_told_about_hosts) < 20:
        _told_about_hosts.add(arrived)
        logging.getLogger("hallway").warning(
            "Requests arrive for %s but HALLWAY_BASE_URL is %s: links in feeds, mails and invitations name the "
            "latter. Set HALLWAY_BASE_URL to the address people use.",
            arrived,
            request.app.state.settings.base_url,
        )


def _refuse_deep_json(body: bytes) -> None:
    """JSON nested past what the decoder's recursion can follow is a 400 here, not a RecursionError later."""
    try:
        msgspec.json.decode(body)
    except RecursionError:
        raise ClientException("The JSON is nested too deeply.") from None
    except msgspec.DecodeError:
        pass  # the handler's own decoding says what is wrong with it


def _stores(settings: Settings, redis_client: Redis | None) -> StoreRegistry:
    """Sessions and rate limits: Redis when configured; otherwise files, and memory for the hot chat limits."""
    stores: dict[str, Any]
    if redis_client is not None:
        root = RedisStore(redis_client, namespace=settings.redis_prefix)
        stores = {name: root.with_namespace(name) for name in ("sessions", "login_failures", "rate_limits")}
    else:
        stores = {
            name: FileStore(settings.var_dir / name, create_directories=True) for name in ("sessions", "login_failures")
        }
        # Without Redis there is one worker per host (README), so its memory is the whole truth.
        stores["rate_limits"] = MemoryStore()
    return StoreRegistry(stores=stores)
