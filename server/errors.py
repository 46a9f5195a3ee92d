"""One way to answer errors: a page for people, JSON for the API and scripts."""

from __future__ import annotations

from http import HTTPStatus

from typing import Any

import asyncpg
import redis.exceptions
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from server.i18n import LANGUAGE_COOKIE, N_, _, language_of, use_language
from server.templating import requested_path
from server.urls import login_url
from server.auth import cached_account
from server.problems import Invalid, NotAllowed, NotFound, Problem, TooFast


def wants_json(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/schema", "/healthz", "/readyz")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


# What a page says when the framework refused a request with no words of its own ("Not Found").
GENERIC = {
    400: N_("The request could not be understood."),
    401: N_("Log in first."),
    403: N_("You may not do that."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not answer that kind of request."),
    413: N_("What was sent is too large."),
}


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = exc.detail or _("Something went wrong.")
    headers = dict(exc.headers or {})
    if wants_json(request):
        body: dict[str, Any] = {"status_code": status, "detail": detail}
        if exc.extra:
            body["extra"] = exc.extra
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    if isinstance(exc, NotAuthorizedException) and request.method == "GET":
        return Redirect(login_url(requested_path(request)))
    # Requests that matched no route never went through the session and language middleware;
    # the layout still asks for flash messages, which live in the session, and speaks the reader's language.
    request.scope.setdefault("session", {})
    use_language(language_of(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")))
    if status in GENERIC and detail == _reason(status):
        detail = _(GENERIC[status])
    account = cached_account(request)
    context = {"status_code": status, "detail": detail, "account": account}
    return Template(template_name="base/error.html", context=context, status_code=status, headers=headers)


# What a database or Redis that is down or restarting raises: the request can be tried again in a moment.
UNAVAILABLE = (
    ConnectionError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.ObjectNotInPrerequisiteStateError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def _unavailable(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if _unavailable(exc):
        request.logger.warning("a service Hallway needs is not answering: %s", exc)
        return http_error(
            request,
            HTTPException(
                status_code=HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "10"},
                detail=_("The database is not answering; try again in a moment."),
            ),
        )
    request.logger.exception("unhandled error", exc_info=exc)
    return http_error(
        request,
        HTTPException(status_code=HTTP_500_INTERNAL_SERVER_ERROR, detail=_("Internal error; it has been logged.")),
    )


def problem_answer(request: Request[Any, Any, Any], problem: Problem) -> Response[Any]:
    """The one HTTP answer for each kind of problem a domain function raises (see ``server.problems``)."""
    if isinstance(problem, Invalid):
        if wants_json(request):
            return Response(
                {"status_code": 400, "detail": _("Some fields are not valid."), "errors": problem.errors},
                status_code=400,
                media_type=MediaType.JSON,
            )
        return http_error(request, HTTPException(status_code=400, detail=str(problem)))
    if isinstance(problem, TooFast):
        return http_error(
            request,
            HTTPException(status_code=429, detail=problem.message, headers={"Retry-After": str(problem.retry_after)}),
        )
    status = 404 if isinstance(problem, NotFound) else 403 if isinstance(problem, NotAllowed) else 400
    return http_error(request, HTTPException(status_code=status, detail=problem.message))
