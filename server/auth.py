"""Who is asking: the logged-in account of an HTTP request or a socket, and guards.

The browser holds only a random session id (HttpOnly cookie); the account id
lives in the server-side store. Socket.io connections are identified from the
same cookie, so a forged or expired cookie finds nothing and is a guest.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.stores.base import Store

from server.accounts import Account, get_account

SESSION_COOKIE = "hallway_session"
SESSION_USER_KEY = "user_id"
_STATE_KEY = "hallway_account"


async def current_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account | None:
    """The logged-in account of this request, loaded once per request."""
    state = connection.scope.setdefault("state", {})
    if _STATE_KEY not in state:
        user_id = connection.session.get(SESSION_USER_KEY) if "session" in connection.scope else None
        state[_STATE_KEY] = await get_account(user_id) if isinstance(user_id, int) else None
    return state[_STATE_KEY]


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


async def account_from_cookie_header(cookie_header: str, store: Store) -> Account | None:
    """Identify a socket connection from its ``Cookie`` header; ``None`` means guest."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:  # a malformed header is simply a guest
        return None
    morsel = cookies.get(SESSION_COOKIE)
    if morsel is None or not morsel.value or morsel.value == "null" or len(morsel.value) > 200:
        return None
    raw = await store.get(morsel.value)
    if raw is None:
        return None
    try:
        user_id = json.loads(raw).get(SESSION_USER_KEY)
    except (ValueError, AttributeError):
        return None
    return await get_account(user_id) if isinstance(user_id, int) else None
