"""What a handler asks for by naming it, instead of a preamble of its own (Litestar dependency injection).

A handler declares a parameter and Litestar fills it in:

- ``viewer: Account | None``: whoever is logged in, or ``None`` for a visitor;
- ``account: Account``: the logged-in account; a route that asks for it needs a login (401 otherwise,
  which sends a browser to the log-in page);
- ``settings: Settings``, ``abuse: AbuseLimits``, ``throttle: LoginThrottle``, ``sio``: the one
  configuration, the burst limits, the log-in throttle and the live server;
- ``access: EventAccess``: the event named by the route's ``slug`` as the viewer may see it (a 404 when
  they may not); controllers of organisers' pages declare ``dependencies = ORGANISED`` instead (a 403
  for members who do not organise). Both are in ``events/dependencies.py``.

Parameters are marked ``NamedDependency[...]`` (Litestar 3 stops guessing). ``server.app`` registers
these once for the whole app; a package adds its own next to its controllers (the Q&A thread ``ctx``,
an archive ``item``, the rooms' ``presence``).
"""

from __future__ import annotations

from typing import Any

import socketio
from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException

from server.accounts import Account
from server.auth import current_account
from server.ratelimit import AbuseLimits, LoginThrottle
from server.settings import Settings


async def provide_viewer(request: Request[Any, Any, Any]) -> Account | None:
    return await current_account(request)


async def provide_account(request: Request[Any, Any, Any]) -> Account:
    account = await current_account(request)
    if account is None:
        raise NotAuthorizedException("Log in to continue.")
    return account


def provide_settings(state: State) -> Settings:
    return state.settings  # type: ignore[no-any-return]


def provide_base_url(state: State) -> str:
    """The configured address every absolute link starts with (without its final slash)."""
    settings: Settings = state.settings
    return settings.base_url.rstrip("/")


def provide_abuse(state: State) -> AbuseLimits:
    return state.abuse  # type: ignore[no-any-return]


def provide_throttle(state: State) -> LoginThrottle:
    return state.login_throttle  # type: ignore[no-any-return]


def provide_live_server(state: State) -> socketio.AsyncServer:
    live: socketio.AsyncServer = state.sio
    return live


SERVER_DEPENDENCIES = {
    "viewer": Provide(provide_viewer),
    "account": Provide(provide_account),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "base_url": Provide(provide_base_url, sync_to_thread=False),
    "abuse": Provide(provide_abuse, sync_to_thread=False),
    "throttle": Provide(provide_throttle, sync_to_thread=False),
    "sio": Provide(provide_live_server, sync_to_thread=False),
}
