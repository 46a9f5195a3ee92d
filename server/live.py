"""The socket.io server every live feature shares.

Several workers stay correct because the transport is WebSocket only: a
WebSocket lives on the one worker that accepted it, so no sticky sessions are
needed, and with ``HALLWAY_REDIS_URL`` set an ``AsyncRedisManager`` relays every
emit to the clients of all workers and hosts. Domain packages add their own
handlers in their ``live.py``; this module knows only who is connected.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Awaitable, Callable, Coroutine, Hashable

import socketio
from litestar.stores.base import Store

from server.accounts import Account
from server.auth import account_of_session, session_id_from_cookie_header
from server.i18n import _, connection_language, speaking
from server.notifications import publish_notifications_with
from server.problems import Invalid, Problem, TooFast
from server.protocol import LiveEvent, Payload, decode, wire
from server.settings import Settings

log = logging.getLogger(__name__)

ANNOUNCEMENT_MAX = 500
Handler = Callable[[str, Any], Awaitable[dict[str, Any]]]


def refusal(problem: Problem) -> dict[str, Any]:
    """The one socket.io acknowledgement for each kind of problem (``server.errors`` is its HTTP twin)."""
    answer: dict[str, Any] = {
        "ok": False,
        "error": problem.sentence if isinstance(problem, Invalid) else problem.message,
    }
    if isinstance(problem, Invalid):
        answer["fields"] = problem.errors
    if isinstance(problem, TooFast):
        answer["retry_after"] = problem.retry_after
    return answer


def acknowledged(
    handler: Callable[[str, Any], Awaitable[Payload]],
    event: LiveEvent,
    language_of: Callable[[str], Awaitable[str]] | None = None,
) -> Handler:
    """Every handler's answer: ``{"ok": true, ...}``, a refusal for a problem, and a polite fault otherwise.

    The client's payload reaches the handler decoded as the event's declared shape (or is refused with
    the field it got wrong), and the handler's answer must be one of the shapes the event declares. The
    client always hears back (its callback never waits for a timeout); the log gets the traceback.
    Refusals speak the connection's language (``language_of(sid)``, found when it connected).
    """

    @functools.wraps(handler)
    async def wrapper(sid: str, data: Any = None, *more: Any) -> dict[str, Any]:
        with speaking(await language_of(sid) if language_of else None):
            if more:  # a client may send several arguments; an event here takes one object
                return refusal(Invalid({"payload": _("Send one object with the event's fields.")}))
            return await answer(sid, data)

    async def answer(sid: str, data: Any) -> dict[str, Any]:
        try:
            answer = await handler(sid, decode(event.shape, data))
            if not isinstance(answer, event.answers):
                raise TypeError(f"{event.name} answered {type(answer).__name__}, not one of its declared shapes")
            return {"ok": True, **wire(answer)}
        except Problem as problem:
            return refusal(problem)
        except Exception:
            log.exception("live event %s failed", getattr(handler, "__qualname__", handler))
            return {"ok": False, "error": _("Something went wrong on the server; please try again.")}

    return wrapper


RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error"})


class LiveServer(socketio.AsyncServer):  # type: ignore[misc]  # python-socketio ships no types
    """python-socketio's server, except that clients cannot send the names it keeps for itself.

    socket.io dispatches a client's ``emit("connect")`` to the connect handler like any event,
    so a client could reset its identity or count itself again as a viewer. Such events (and
    events whose name is not text) are answered with an error and never reach a handler.
    """

    async def _handle_event(self, eio_sid: str, namespace: str, id: Any, data: Any) -> None:
        name = data[0] if isinstance(data, list) and data else None
        if isinstance(name, str) and name not in RESERVED_EVENTS:
            await super()._handle_event(eio_sid, namespace, id, data)
        elif id is not None:
            refusal = {"ok": False, "error": "This event name is reserved by socket.io and cannot be sent."}
            await self._send_packet(
                eio_sid, self.packet_class(socketio.packet.ACK, namespace=namespace or "/", id=id, data=[refusal])
            )


class BackgroundTasks:
    """Work a namespace starts after answering (a delayed push, a round's end), kept until it is done.

    asyncio holds only weak references to tasks: one nobody keeps can vanish before it runs.
    """

    def __init__(self) -> None:
        self.running: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.running.add(task)
        task.add_done_callback(self.running.discard)


class Coalesced:
    """Run ``action(key)`` once, ``seconds`` after the first request for ``key``; the requests in between join it.

    How a burst (fifty votes in a second, a crowd walking into a room) becomes one push per key.
    """

    def __init__(self, seconds: float, action: Callable[[Any], Awaitable[None]], tasks: BackgroundTasks) -> None:
        self.seconds, self.action, self.tasks = seconds, action, tasks
        self.due: set[Hashable] = set()

    def soon(self, key: Hashable) -> None:
        if key in self.due:
            return
        self.due.add(key)
        self.tasks.start(self._later(key))

    async def _later(self, key: Hashable) -> None:
        await asyncio.sleep(self.seconds)
        self.due.discard(key)
        await self.action(key)


async def identify(
    sio: socketio.AsyncServer, sid: str, environ: dict[str, Any], session_store: Store, namespace: str
) -> Account | None:
    """Who a new connection is, from the login cookie it came with; its session keeps the id (asked anew later,
    so logging out ends a socket's rights too)."""
    cookies = environ.get("HTTP_COOKIE", "")
    session_id = session_id_from_cookie_header(cookies)
    account = await account_of_session(session_id, session_store)
    remembered = {
        "user_id": account.id if account else None,
        "session_id": session_id if account else None,
        "language": connection_language(cookies, environ.get("HTTP_ACCEPT_LANGUAGE", "")),
    }
    await sio.save_session(sid, remembered, namespace=namespace)
    return account


async def language_of_connection(sio: socketio.AsyncServer, sid: str, namespace: str) -> str:
    """The language a connection's acknowledgements speak (chosen as its page's was, when it connected)."""
    language: str = (await sio.get_session(sid, namespace=namespace)).get("language", "")
    return language


def create_live_server(settings: Settings, session_store: Store, redis_prefix: str) -> socketio.AsyncServer:
    manager = (
        socketio.AsyncRedisManager(settings.redis_url, channel=f"{redis_prefix}-socketio")
        if settings.redis_url
        else None
    )
    sio = LiveServer(
        async_mode="asgi",
        client_manager=manager,
        transports=["websocket"],
        # None keeps engine.io's same-origin check: a page on another site cannot
        # open a socket that rides on a visitor's cookie.
        cors_allowed_origins=None,
    )
    _register_identity_handlers(sio, session_store)

    async def push_notification(user_id: int, payload: dict[str, Any]) -> None:
        await sio.emit("notification", payload, to=user_channel(user_id))

    publish_notifications_with(push_notification)
    return sio


def user_channel(user_id: int) -> str:
    """Every open page of one person, on every worker."""
    return f"user:{user_id}"


def _register_identity_handlers(sio: socketio.AsyncServer, session_store: Store) -> None:
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        session_id = session_id_from_cookie_header(environ.get("HTTP_COOKIE", ""))
        account = await account_of_session(session_id, session_store)
        await sio.save_session(sid, {"session_id": session_id if account else None})
        if account:
            await sio.enter_room(sid, user_channel(account.id))

    async def whoami(sid: str, data: Any = None, *more: Any) -> dict[str, Any]:
        """Tell a client who the server believes it is (a guest once its login session has ended)."""
        session_id = (await sio.get_session(sid)).get("session_id")
        account = await account_of_session(session_id, session_store)
        if account is None:
            return dict(GUEST)
        return {"user_id": account.id, "display_name": account.display_name, "guest": False, "admin": account.is_admin}

    sio.on("connect", connect)
    sio.on("whoami", whoami)
    refuse_unknown_events(sio, "/")


def refuse_unknown_events(sio: socketio.AsyncServer, namespace: str) -> None:
    """An event nobody handles is answered (a client waiting on its callback is told, not left to time out)."""

    async def unknown(event: Any, sid: str, *data: Any) -> dict[str, Any]:
        return {"ok": False, "error": _("This namespace has no event of that name.")}

    sio.on("*", unknown, namespace=namespace)


GUEST = {"user_id": None, "display_name": "Guest", "guest": True, "admin": False}


async def announce(sio: socketio.AsyncServer, text: str, author: str) -> None:
    """Show a site-wide announcement on every open page, on every worker."""
    await sio.emit("announcement", {"text": text, "author": author})
