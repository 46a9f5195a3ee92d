"""Cross-site request forgery: a token tied to the login session, handed out only to pages that show a form.

Litestar's own CSRF middleware checks that a form's token equals the token cookie. That alone
lets anyone who can plant a cookie (a sibling subdomain, a shared proxy cache) choose the
token a victim will send. Here a token is a random nonce signed together with the session it
belongs to: the logged-in session id, or nothing for a visitor. A token planted before login,
or taken from another person's session, does not verify for this session. Logging in or out
issues a fresh token for the new session.

The cookie is set only on responses that rendered a token (pages with the layout), never on
static files, media, avatars or feeds, so those stay free of ``Set-Cookie`` and may be cached.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.datastructures.cookie import Cookie
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from server.auth import SESSION_USER_KEY, effective_session_id

CSRF_COOKIE = "hallway_csrf"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
EXEMPT_OPT = "exclude_from_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NONCE_BYTES = 16
_ISSUED_KEY = "hallway_csrf_issued"


def _signature(secret: str, nonce: str, binding: str) -> str:
    return hmac.new(secret.encode(), f"{nonce}|{binding}".encode(), hashlib.sha256).hexdigest()


def new_token(secret: str, binding: str) -> str:
    nonce = secrets.token_hex(_NONCE_BYTES)
    return nonce + _signature(secret, nonce, binding)


def token_is_valid(secret: str, token: str | None, binding: str) -> bool:
    if not token or len(token) != _NONCE_BYTES * 2 + 64 or not token.isascii():  # compare_digest takes ASCII only
        return False
    nonce, signature = token[: _NONCE_BYTES * 2], token[_NONCE_BYTES * 2 :]
    return hmac.compare_digest(signature, _signature(secret, nonce, binding))


def session_binding(scope: Scope) -> str:
    """What a token is tied to: the session id of a logged-in person, or nothing for a visitor."""
    session = scope.get("session")
    if not isinstance(session, dict) or not isinstance(session.get(SESSION_USER_KEY), int):
        return ""
    return effective_session_id(scope) or ""


class _IssuedToken(str):
    """The token handed to a template; rendering it is what earns the response a cookie."""

    scope: Scope

    def __str__(self) -> str:
        self.scope[_ISSUED_KEY] = True  # type: ignore[literal-required]
        return str.__str__(self)

    def __html__(self) -> str:
        return self.__str__()


class SessionBoundCsrf(ASGIMiddleware):
    """Refuse unsafe requests whose token is missing, forged, or belongs to another session."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, secret: str, *, secure: bool) -> None:
        self.secret = secret
        self.secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if "session" not in scope and scope["method"] in SAFE_METHODS:
            # Static files and avatars never load the session, so the binding is unknown: hand out no token
            # there (not even on their 404 page), rather than replace a logged-in person's.
            await next_app(scope, receive, send)
            return
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope, receive=receive)
        binding = session_binding(scope)
        cookie_token = connection.cookies.get(CSRF_COOKIE)
        cookie_valid = token_is_valid(self.secret, cookie_token, binding)
        exempt = bool(scope["route_handler"].opt.get(EXEMPT_OPT))
        if scope.get("method") not in SAFE_METHODS and not exempt:
            sent = connection.headers.get(CSRF_HEADER) or await self._form_token(scope, receive)
            if not (
                cookie_valid and sent is not None and hmac.compare_digest(sent.encode(), (cookie_token or "").encode())
            ):
                raise PermissionDeniedException(
                    "This form has expired or did not come from Hallway. Reload the page and try again."
                )
        token = _IssuedToken(cookie_token if cookie_valid and cookie_token else new_token(self.secret, binding))
        token.scope = scope
        ScopeState.from_scope(scope).csrf_token = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._set_cookie(message, scope, binding, token, cookie_valid)
            await send(message)

        await next_app(scope, receive, send_with_cookie)

    async def _form_token(self, scope: Scope, receive: Receive) -> str | None:
        request = scope["app"].request_class(scope=scope, receive=receive)
        if request.content_type[0] not in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
            return None
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None

    def _set_cookie(self, message: Message, scope: Scope, binding: str, token: str, cookie_valid: bool) -> None:
        """A new token when the session changed hands (log in, log out) or a page showed a token not yet sent."""
        now_bound = session_binding(scope)
        if now_bound != binding:
            value = new_token(self.secret, now_bound)
        elif scope.get(_ISSUED_KEY) and not cookie_valid:
            value = str.__str__(token)  # a plain string, not the marker the template held
        else:
            return
        cookie = Cookie(key=CSRF_COOKIE, value=value, path="/", httponly=True, samesite="lax", secure=self.secure)
        MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
