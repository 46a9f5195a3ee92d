"""Accounts, health checks and site administration over HTTP. Thin: the work is in ``accounts``."""

from __future__ import annotations

import asyncio
from typing import Any

from babel import Locale
from litestar.di import NamedDependency
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS, HTTP_503_SERVICE_UNAVAILABLE

from server import i18n
from server.i18n import _, ngettext, use_language
from server import accounts, email_confirmation, mail, notifications, password_reset, time_zones
from server.validation import is_row_id, whole_number
from server.problems import Invalid
from server.avatars import UPLOAD_MAX_BYTES, avatar_path, drawn_avatar, save_avatar
from server.auth import requires_login, requires_site_admin, start_session
from server.database import database_reachable
from server.live import ANNOUNCEMENT_MAX, announce
from server.ratelimit import LoginThrottle, client_address, enforce
from server.templating import page, read_form, safe_next_path
from server.accounts import Account
from server.ratelimit import AbuseLimits
from server.settings import Settings
import socketio

from server.forms import EMAIL_FIELD, PROFILE_FIELDS, profile_input


AVATAR_MAX_AGE = 3600


def _remember_choice(answer: Response[Any], cookie: str, value: str, settings: Settings) -> None:
    """Keep a reader's choice (language, time zone) for a year in this browser; scripts cannot read it."""
    answer.set_cookie(
        cookie,
        value,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


class AccountController(Controller):
    @get("/register", name="register")
    async def register_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        """Where the person was going (an invitation, a page that needed an account) comes along."""
        return await page(request, "server/register.html", {"values": {}, "errors": {}, "next": safe_next_path(next)})

    @post("/register")
    async def register(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings], abuse: NamedDependency[AbuseLimits]
    ) -> Response[Any] | Template:
        values = await read_form(request, "email", "display_name", "password", "next")
        next_path = safe_next_path(values.pop("next"))
        await enforce(abuse.registration, client_address(request), "registrations")
        try:
            user_id = await accounts.create_account(values["email"], values["password"], values["display_name"])
        except Invalid as error:
            values.pop("password")
            context = {"values": values, "errors": error.errors, "next": next_path}
            return await page(request, "server/register.html", context, status_code=400)
        start_session(request, user_id)
        await email_confirmation.send_confirmation_link(user_id, settings.base_url)
        flash(
            request,
            _(
                "Welcome to Hallway, %(name)s. We sent a link to %(email)s: open it to confirm your address.",
                name=values["display_name"].strip(),
                email=accounts.normalise_email(values["email"]),
            ),
            category="success",
        )
        return Redirect(next_path)

    @get("/login", name="login")
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        return await page(request, "server/login.html", {"values": {}, "error": None, "next": safe_next_path(next)})

    @post("/login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        throttle: NamedDependency[LoginThrottle],
        settings: NamedDependency[Settings],
    ) -> Response[Any] | Template:
        values = await read_form(request, "email", "password", "next")
        next_path = safe_next_path(values["next"])
        address, email = client_address(request), accounts.normalise_email(values["email"])
        context: dict[str, Any] = {"values": {"email": values["email"]}, "next": next_path}
        wait = await throttle.try_to_log_in(address, email)  # counted before the (slow) password check
        if wait is not None:
            minutes = max(1, round(wait / 60))
            context["error"] = ngettext(
                "Too many failed attempts for this account from here. Try again in about %(num)s minute.",
                "Too many failed attempts for this account from here. Try again in about %(num)s minutes.",
                minutes,
            )
            template = await page(request, "server/login.html", context, status_code=HTTP_429_TOO_MANY_REQUESTS)
            template.headers["Retry-After"] = str(wait)
            return template
        user_id = await accounts.authenticate(values["email"], values["password"])
        if user_id is None:
            context["error"] = _("That email and password do not match an account.")
            return await page(request, "server/login.html", context, status_code=400)
        await throttle.succeeded(address, email)
        start_session(request, user_id)
        account = await accounts.get_account(user_id)
        answer: Redirect = Redirect(next_path)
        chosen_here = i18n.supported(request.cookies.get(i18n.LANGUAGE_COOKIE))
        if chosen_here:  # a choice made in this browser a moment ago wins, and the account keeps it
            await accounts.remember_language(user_id, chosen_here)
        elif account and account.language:  # the language chosen elsewhere follows them to this browser
            use_language(account.language)
            _remember_choice(answer, i18n.LANGUAGE_COOKIE, account.language, settings)
        flash(request, _("You are logged in."), category="success")
        return answer

    @get("/password/forgot", name="forgot_password")
    async def forgot_password_form(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "server/forgot_password.html", {"values": {}, "errors": {}, "sent": False})

    @post("/password/forgot")
    async def forgot_password(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings], abuse: NamedDependency[AbuseLimits]
    ) -> Template:
        """The same answer whether or not an account uses the address."""
        values = await read_form(request, "email")
        await enforce(abuse.password_reset, client_address(request), "requests for a new password")
        await password_reset.send_reset_link(accounts.normalise_email(values["email"]), settings.base_url)
        return await page(request, "server/forgot_password.html", {"values": values, "errors": {}, "sent": True})

    @get("/password/reset/{token:str}")
    async def reset_password_form(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        if await password_reset.open_reset(token) is None:
            raise NotFoundException(_("This link has expired or has been used. Ask for a new one."))
        return await page(request, "server/reset_password.html", {"errors": {}, "action": request.url.path})

    @post("/password/reset/{token:str}")
    async def reset_password(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any] | Template:
        values = await read_form(request, "password")
        try:
            await password_reset.choose_new_password(token, values["password"])
        except Invalid as error:
            context = {"errors": error.errors, "action": request.url.path}
            return await page(request, "server/reset_password.html", context, status_code=400)
        flash(request, _("Your new password is set. Log in with it."), category="success")
        return Redirect("/login")

    @get("/email/confirm/{token:str}", name="confirm_email")
    async def confirm_email(
        self, request: Request[Any, Any, Any], token: FromPath[str], viewer: NamedDependency[Account | None]
    ) -> Redirect:
        """Opening the mailed link is the proof: the address is confirmed (or the account moves to it)."""
        user_id = await email_confirmation.confirm_address(token)
        account = await accounts.get_account(user_id)
        confirmed = (
            _("Thank you: %(email)s is confirmed.", email=account.email)
            if account
            else _("Thank you: your address is confirmed.")
        )
        flash(request, confirmed, category="success")
        return Redirect("/me/profile" if viewer and viewer.id == user_id else "/login")

    @post("/email/confirm", guards=[requires_login])
    async def resend_confirmation(
        self,
        request: Request[Any, Any, Any],
        account: NamedDependency[Account],
        settings: NamedDependency[Settings],
        abuse: NamedDependency[AbuseLimits],
    ) -> Redirect:
        await enforce(abuse.email_confirmation, f"user:{account.id}", "confirmation mails")
        if await email_confirmation.send_confirmation_link(account.id, settings.base_url):
            flash(request, _("We sent a new link to %(email)s.", email=account.email), category="success")
        else:
            flash(request, _("Your address is confirmed already."), category="info")
        return Redirect("/me/profile")

    @post("/me/email", guards=[requires_login])
    async def change_email(
        self,
        request: Request[Any, Any, Any],
        account: NamedDependency[Account],
        settings: NamedDependency[Settings],
        abuse: NamedDependency[AbuseLimits],
    ) -> Response[Any] | Template:
        values = await read_form(request, "email", "current_password")
        await enforce(abuse.email_confirmation, f"user:{account.id}", "confirmation mails")
        try:
            new_email = await email_confirmation.ask_to_change_address(
                account.id, values["email"], values["current_password"], settings.base_url
            )
        except Invalid as error:
            profile = await self._profile_values(account)
            profile["new_email"] = values["email"]
            return await self._profile_page(request, account, profile, error.errors, status_code=400)
        flash(
            request,
            _(
                "We sent a link to %(new)s. Your account moves to it when you open the link; until then it stays at %(old)s.",
                new=new_email,
                old=account.email,
            ),
            category="success",
        )
        return Redirect("/me/profile")

    @post("/language")
    async def choose_language(
        self,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Account | None],
        settings: NamedDependency[Settings],
    ) -> Redirect:
        """The footer's choice: kept in a cookie (visitors have only that) and in an account's profile."""
        values = await read_form(request, "language", "next")
        code = i18n.supported(values["language"]) if values["language"] else ""
        if code is None:
            raise ClientException(_("Choose one of the languages offered."))
        if viewer is not None:
            await accounts.remember_language(viewer.id, code)
        answer: Redirect = Redirect(safe_next_path(values["next"]))
        if code:
            _remember_choice(answer, i18n.LANGUAGE_COOKIE, code, settings)
            use_language(code)
        else:
            answer.delete_cookie(i18n.LANGUAGE_COOKIE)
            use_language(i18n.language_of(None, request.headers.get("accept-language")))
        language = Locale.parse(i18n.current_language()).display_name  # "français" within a French sentence
        flash(request, _("Hallway now speaks %(language)s.", language=language), category="success")
        return answer

    @get("/time-zone", name="time_zone")
    async def time_zone_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        context = {"zones": time_zones.offered_zones(), "next": safe_next_path(next), "errors": {}, "typed": ""}
        return await page(request, "server/time_zone.html", context)

    @post("/time-zone")
    async def choose_time_zone(
        self,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Account | None],
        settings: NamedDependency[Settings],
    ) -> Response[Any] | Template:
        """Remembered in the profile of someone logged in, and in a cookie for everyone (visitors have only that)."""
        values = await read_form(request, "zone", "next")
        typed = values["zone"].strip()
        name = time_zones.zone_from_typed(typed)
        if name is None:
            context = {
                "zones": time_zones.offered_zones(),
                "next": safe_next_path(values["next"]),
                "typed": typed,
                "errors": {"zone": _("Choose a time zone from the list: type a city, such as Chicago or Nairobi.")},
            }
            return await page(request, "server/time_zone.html", context, status_code=400)
        if viewer is not None:
            await time_zones.remember_zone(viewer.id, name)
        answer: Redirect = Redirect(safe_next_path(values["next"]))
        if name:
            _remember_choice(answer, time_zones.ZONE_COOKIE, name, settings)
        else:
            answer.delete_cookie(time_zones.ZONE_COOKIE)
        flash(
            request,
            _("Times are now shown in %(zone)s.", zone=time_zones.zone_label(name))
            if name
            else _("Times are now shown in each event's own time zone."),
            category="success",
        )
        return answer

    @post("/logout", guards=[requires_login])
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/")

    @get("/me/profile", name="profile", guards=[requires_login])
    async def profile_form(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Template:
        return await self._profile_page(request, account, await self._profile_values(account), {})

    async def _profile_values(self, account: accounts.Account) -> dict[str, str]:
        values = {name: getattr(account, name) for name in PROFILE_FIELDS if name != "listed"}
        values["expertise"] = ", ".join(account.expertise)
        values["listed"] = "on" if account.listed else ""
        values[EMAIL_FIELD] = await notifications.email_preference(account.id)
        return values

    async def _profile_page(
        self,
        request: Request[Any, Any, Any],
        account: accounts.Account,
        values: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        avatar = accounts.avatar_url(account.id, account.avatar, None)
        context = {
            "values": values,
            "errors": errors,
            "avatar": avatar,
            "pending_email": await email_confirmation.pending_change(account.id),
        }
        return await page(request, "server/profile.html", context, status_code=status_code)

    @post("/me/profile", guards=[requires_login])
    async def update_profile(
        self, request: Request[Any, Any, Any], account: NamedDependency[Account]
    ) -> Response[Any] | Template:
        values = await read_form(request, *PROFILE_FIELDS, EMAIL_FIELD)
        values[EMAIL_FIELD] = values[EMAIL_FIELD] or await notifications.email_preference(account.id)
        if values[EMAIL_FIELD] not in notifications.EMAIL_PREFERENCES:
            return await self._profile_page(
                request, account, values, {EMAIL_FIELD: "Choose how often to get email."}, 400
            )
        try:
            await accounts.update_profile(account.id, profile_input(values))
        except Invalid as error:
            return await self._profile_page(request, account, values, error.errors, status_code=400)
        await notifications.set_email_preference(account.id, values[EMAIL_FIELD])
        flash(request, _("Your profile is saved."), category="success")
        return Redirect("/me/profile")

    @post("/me/avatar", guards=[requires_login], request_max_body_size=UPLOAD_MAX_BYTES + 64 * 1024)
    async def upload_avatar(
        self,
        request: Request[Any, Any, Any],
        account: NamedDependency[Account],
        settings: NamedDependency[Settings],
        abuse: NamedDependency[AbuseLimits],
    ) -> Response[Any] | Template:
        form = await request.form()
        upload = form.get("avatar")
        try:
            if upload is None or isinstance(upload, str):
                raise Invalid({"avatar": "Choose a picture to upload."})
            await enforce(abuse.avatar, f"user:{account.id}", "picture uploads")
            name = await asyncio.to_thread(save_avatar, settings.media_root, account.id, await upload.read())
        except Invalid as error:
            values = {name: getattr(account, name) for name in PROFILE_FIELDS if name != "listed"}
            values["expertise"] = ", ".join(account.expertise)
            return await self._profile_page(request, account, values, error.errors, status_code=400)
        await accounts.set_avatar(account.id, name)
        flash(request, _("Your picture is saved."), category="success")
        return Redirect("/me/profile")

    @get("/avatars/{filename:str}", name="avatar")
    async def avatar(
        self, request: Request[Any, Any, Any], filename: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response[bytes]:
        """A person's picture: the uploaded one, or their initials drawn on a colour."""
        user_part, _dot, extension = filename.partition(".")
        user_id = whole_number(user_part)
        account = await accounts.get_account(user_id) if user_id is not None and is_row_id(user_id) else None
        if account is None or extension not in {"png", "svg"}:
            raise NotFoundException(_("There is no such picture."))
        path = avatar_path(settings.media_root, account.id)
        # Public and the same for everyone (the session middleware does not even run here), so caches may
        # keep it for an hour; a new picture gets a new address (the profile links ``?v=...``).
        headers = {"Cache-Control": f"public, max-age={AVATAR_MAX_AGE}"}
        if extension == "png" and account.avatar and path.exists():
            return Response(path.read_bytes(), media_type="image/png", headers=headers)
        return Response(
            drawn_avatar(account.id, account.display_name).encode(), media_type="image/svg+xml", headers=headers
        )


class UnsubscribeController(Controller):
    @get("/unsubscribe/{user_id:int}/{signature:str}")
    async def confirm_unsubscribe(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], signature: FromPath[str]
    ) -> Template:
        """The link in every email asks first: mail scanners and link previews open links, people decide."""
        if not notifications.unsubscribe_link_is_valid(user_id, signature[:64]):
            raise NotFoundException(_("This unsubscribe link is not valid."))
        return await page(request, "server/unsubscribe.html", {"action": request.url.path})

    @post("/unsubscribe/{user_id:int}/{signature:str}", exclude_from_csrf=True)
    async def unsubscribe(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], signature: FromPath[str]
    ) -> Template:
        """No login and no CSRF token: the signature proves the link is theirs (RFC 8058 one-click POST too)."""
        if not await notifications.unsubscribe(user_id, signature[:64]):
            raise NotFoundException(_("This unsubscribe link is not valid."))
        return await page(request, "server/unsubscribed.html", {})


class NotificationController(Controller):
    path = "/me/notifications"
    guards = [requires_login]

    @get("/")
    async def list_mine(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Template:
        """Seeing the list reads it: the badge clears, and what was new is still marked new on this page."""
        items = await notifications.list_notifications(account.id)
        await notifications.mark_all_read(account.id)
        return await page(request, "server/notifications.html", {"items": items})

    @post("/read")
    async def mark_read(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Redirect:
        await notifications.mark_all_read(account.id)
        return Redirect("/me/notifications/")


class AdminController(Controller):
    path = "/admin"
    guards = [requires_site_admin]

    @get("/", name="admin")
    async def overview(self, request: Request[Any, Any, Any]) -> Template:
        given_up_count, given_up = await mail.given_up()
        return await page(
            request,
            "server/admin.html",
            {
                "accounts": await accounts.count_accounts(),
                "mail_waiting": await mail.waiting_count(),
                "mail_given_up": given_up_count,
                "given_up": given_up,
            },
        )

    @post("/announcements")
    async def send_announcement(
        self,
        request: Request[Any, Any, Any],
        account: NamedDependency[Account],
        sio: NamedDependency[socketio.AsyncServer],
    ) -> Redirect:
        text = (await read_form(request, "text"))["text"].strip()
        if not text or len(text) > ANNOUNCEMENT_MAX:
            raise ClientException(_("An announcement needs between 1 and %(most)s characters.", most=ANNOUNCEMENT_MAX))
        await announce(sio, text, author=account.display_name)
        flash(request, _("Announcement sent to every open page."), category="success")
        return Redirect("/admin/")


ROBOTS = """# Hallway: crawlers are welcome to pages, talks and feeds; searches, the API and people's own pages
# are endless or private, and old versions of programmes are in the changes page.
User-agent: *
Disallow: /archive/search
Disallow: /archive/?*&
Disallow: /api/
Disallow: /me/
Disallow: /admin/
Disallow: /login
Disallow: /register
Disallow: /password/
Disallow: /invitations/
Disallow: /unsubscribe/
Disallow: /events/*/schedule/v/
Disallow: /*?*tz=
"""


class HealthController(Controller):
    @get("/robots.txt", media_type="text/plain")
    async def robots(self) -> Response[str]:
        """What crawlers may walk: a crawler once found 7,000+ archive search addresses by following facets."""
        return Response(
            ROBOTS,
            media_type="text/plain",  # Litestar adds the charset itself
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @get("/healthz", exclude_from_csrf=True)
    async def healthz(self) -> dict[str, str]:
        """The process is up and answering."""
        return {"status": "ok"}

    @get("/readyz")
    async def readyz(self, state: State) -> Response[dict[str, Any]]:
        """The process can do useful work: its database (and Redis, when configured) answer."""
        checks = {"database": await database_reachable(state.engine)}
        redis_client = state.redis
        if redis_client is not None:
            try:
                checks["redis"] = bool(await redis_client.ping())
            except Exception:  # any connection error means "not ready"
                checks["redis"] = False
        ready = all(checks.values())
        body = {"status": "ready" if ready else "unavailable", "checks": checks}
        return Response(body, status_code=200 if ready else HTTP_503_SERVICE_UNAVAILABLE)
