"""Who is asking: the logged-in account of an HTTP request or a socket, and guards.

The browser holds only a random session id (HttpOnly cookie); the account id
lives in the server-side store. Socket.io connections are identified from the
same cookie, so a forged or expired cookie finds nothing and is a guest.
"""

from __future__ import annotations

import json
import secrets
from http.cookies import SimpleCookie
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.datastructures.cookie import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware.session.base import ONE_DAY_IN_SECONDS
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession

from server.accounts import Account, get_account

SESSION_COOKIE = "hallway_session"
SESSION_USER_KEY = "user_id"
_STATE_KEY = "hallway_account"
_ROTATE_KEY = "hallway_rotate_session"
_NEW_ID_KEY = "hallway_new_session_id"
_LOADED_ID_KEY = "hallway_loaded_session_id"
_LOADED_DATA_KEY = "hallway_loaded_session_data"


def start_session(connection: ASGIConnection[Any, Any, Any, Any], user_id: int) -> None:
    """Log ``user_id`` in under a fresh session id, so an id planted before login is worthless after it."""
    connection.scope[_ROTATE_KEY] = True  # type: ignore[literal-required]
    connection.scope[_NEW_ID_KEY] = secrets.token_hex(32)  # type: ignore[literal-required]
    connection.set_session({SESSION_USER_KEY: user_id})


def _scope_text(scope: Any, key: str) -> str | None:
    """A session id this module keeps in the ASGI scope (Litestar's scope type does not know its keys)."""
    value = scope.get(key)
    return value if isinstance(value, str) and value else None


def effective_session_id(scope: Any) -> str | None:
    """The id the session will have once this response is sent: a fresh one after login, else the cookie's."""
    return _scope_text(scope, _NEW_ID_KEY) or _scope_text(scope, _LOADED_ID_KEY)


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, written only when there is something to keep.

    Litestar would store a session and set its cookie on every response, even an anonymous
    request for an avatar, a feed or a media file. Such a response could then be cached with
    somebody's session id in it, and every cookieless request would leave a session behind.
    Here a session exists only while it holds something; a response carries ``Set-Cookie``
    only when the session was created, changed, rotated at login, or ended.
    """

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if not session_id or session_id == "null" or len(session_id) > 200:
            return {}
        data = await self.get(session_id, store=self.config.get_store_from_app(connection.scope["app"]))
        if data is None:
            return {}
        connection.scope[_LOADED_ID_KEY] = session_id  # type: ignore[literal-required]
        connection.scope[_LOADED_DATA_KEY] = data  # type: ignore[literal-required]
        return self.deserialize_data(data)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        known = effective_session_id(connection.scope)
        if known:
            return known
        new_id = self.generate_session_id()
        connection.scope[_NEW_ID_KEY] = new_id  # type: ignore[literal-required]
        return new_id

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        sent_cookie = connection.cookies.get(self.config.key)
        loaded_id = _scope_text(scope, _LOADED_ID_KEY)
        if scope_session is Empty or not scope_session:
            if loaded_id:
                await self.delete(loaded_id, store=store)
            if sent_cookie:  # ended, expired or never valid: the browser forgets it
                headers.add("Set-Cookie", self._cookie("", max_age=0))
            return
        data = self.serialize_data(scope_session, scope)
        if not scope.get(_NEW_ID_KEY) and data == scope.get(_LOADED_DATA_KEY):
            return  # nothing changed: nothing to write and no cookie to send
        if loaded_id and scope.get(_ROTATE_KEY):
            await self.delete(loaded_id, store=store)
        session_id = self.get_session_id(connection)
        await self.set(session_id=session_id, data=data, store=store)
        headers.add("Set-Cookie", self._cookie(session_id))

    def _cookie(self, value: str, max_age: int | None = None) -> str:
        config = self.config
        cookie = Cookie(
            key=config.key,
            value=value,
            path=config.path,
            max_age=config.max_age if max_age is None else max_age,
            expires=0 if max_age == 0 else None,
            httponly=config.httponly,
            secure=config.secure,
            samesite=config.samesite,
            domain=config.domain,
        )
        return cookie.to_header(header="")


class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(*, secure: bool, max_age: int = 14 * ONE_DAY_IN_SECONDS) -> SessionConfig:
    return SessionConfig(
        key=SESSION_COOKIE,
        store="sessions",
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        # Probes must not depend on the session store they may be reporting as down; static files and
        # avatars are the same for everyone and never need to know who asks.
        exclude=["^/healthz$", "^/readyz$", "^/static/", "^/avatars/"],
    )


async def current_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account | None:
    """The logged-in account of this request, loaded once per request."""
    state = connection.scope.setdefault("state", {})
    if _STATE_KEY not in state:
        user_id = connection.session.get(SESSION_USER_KEY) if "session" in connection.scope else None
        state[_STATE_KEY] = await get_account(user_id) if isinstance(user_id, int) else None
    account: Account | None = state[_STATE_KEY]
    return account


def cached_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account | None:
    """The account if this request already loaded it (error pages cannot wait for the database)."""
    return connection.scope.get("state", {}).get(_STATE_KEY)


async def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if await current_account(connection) is None:
        raise NotAuthorizedException("Log in to continue.")


async def requires_site_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    account = await current_account(connection)
    if account is None:
        raise NotAuthorizedException("Log in to continue.")
    if not account.is_admin:
        raise PermissionDeniedException("Only site administrators may do this.")


def session_id_from_cookie_header(cookie_header: str) -> str | None:
    """The session id a socket's ``Cookie`` header carries, if it carries a plausible one."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:  # a malformed header is simply a guest
        return None
    morsel = cookies.get(SESSION_COOKIE)
    if morsel is None or not morsel.value or morsel.value == "null" or len(morsel.value) > 200:
        return None
    return morsel.value


async def account_of_session(session_id: str | None, store: Store) -> Account | None:
    """The account logged in under ``session_id`` now: ``None`` once that session ended (log-out, expiry).

    Live connections ask again rather than trust what they learnt when they connected, so logging
    out ends what an open socket may do too.
    """
    if not session_id:
        return None
    raw = await store.get(session_id)
    if raw is None:
        return None
    try:
        user_id = json.loads(raw).get(SESSION_USER_KEY)
    except (ValueError, AttributeError):
        return None
    return await get_account(user_id) if isinstance(user_id, int) else None
