"""Q&A pages: a session's thread, asking, voting, moderating, answering, the presenter inbox, settings."""

from __future__ import annotations

from server.i18n import N_, _
from sessions.urls import qa_settings_url, questions_url
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.enums import MediaType
from litestar.response import Redirect, Template

import qrcode
from markupsafe import Markup
from qrcode.image.svg import SvgPathImage

from events.dependencies import organised_for
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from server.problems import NotFound
from server.settings import Settings
from events.releases import published_programme
from server.auth import requires_login
from server.forms import checked
from server.templating import page, read_form, safe_next_path
from server.time_zones import chosen_zone_name
from server.problems import Invalid, TooFast
from server.accounts import Account
from events.access import EventAccess
from sessions import polls, questions
from sessions.forms import POLL_FIELDS, poll_choices, poll_input
from sessions.questions import QaContext, QaLimits, qa_context

THREAD = "/events/{slug:str}/sessions/{key:str}/questions"
ORGANISERS_QA = organised_for(N_("change its Q&A settings"))


async def qa_thread(slug: FromPath[str], key: FromPath[str], viewer: NamedDependency[Account | None]) -> QaContext:
    """The Q&A thread of the session the route names, as the viewer may see it (provided as ``ctx``)."""
    ctx = await qa_context(slug, key, viewer)
    if ctx is None:
        raise NotFound(_("There is no such session."))
    return ctx


def provide_qa_limits(state: State) -> QaLimits:
    limits: QaLimits = state.qa_limits  # one per app: the same counters as the /qa socket
    return limits


QA_THREAD = {"ctx": Provide(qa_thread), "limits": Provide(provide_qa_limits, sync_to_thread=False)}


def _thread_url(ctx: QaContext, question_id: int | None = None) -> str:
    return questions_url(ctx.access.slug, ctx.session.slug, question_id or None)


class QuestionsController(Controller):
    path = THREAD
    dependencies = QA_THREAD

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        ctx: NamedDependency[QaContext],
        order: FromQuery[str] = "votes",
        fragment: FromQuery[bool] = False,
        back: FromQuery[str] = "",
    ) -> Template:
        """``back``: the page the thread is shown in (an archive item); asking and logging in return there."""
        context = {
            "ctx": ctx,
            "questions": await questions.thread(ctx, "time" if order == "time" else "votes"),
            "polls": await polls.polls_for(ctx),
            "order": order,
            "errors": {},
            "values": {},
            "return_to": safe_next_path(back) if back else "",
        }
        if fragment:
            return Template(
                template_name="sessions/thread.html",
                media_type=MediaType.HTML,
                context={**context, "account": ctx.account, "viewer_zone_name": chosen_zone_name(request, ctx.account)},
            )
        return await page(request, "sessions/questions.html", context)

    @post("/ask", guards=[requires_login])
    async def ask(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        ctx: NamedDependency[QaContext],
        limits: NamedDependency[QaLimits],
    ) -> Response[Any] | Template:
        values = await read_form(request, "body", "anonymous", "next")
        try:
            await limits.check("ask", ctx)
            question_id = await questions.ask_question(ctx, values["body"], checked(values, "anonymous"))
        except (Invalid, TooFast) as error:  # shown beside the question, with what was typed kept
            errors = error.errors if isinstance(error, Invalid) else {"body": error.message}
            context = {
                "ctx": ctx,
                "questions": await questions.thread(ctx),
                "polls": await polls.polls_for(ctx),
                "order": "votes",
                "errors": errors,
                "values": values,
            }
            return await page(
                request, "sessions/questions.html", context, status_code=429 if isinstance(error, TooFast) else 400
            )
        flash(
            request,
            _("Your question is waiting for a moderator.") if ctx.questions_wait else _("Your question is posted."),
            category="success",
        )
        return Redirect(safe_next_path(values["next"]) if values["next"] else _thread_url(ctx, question_id))

    @post("/polls", guards=[requires_login])
    async def new_poll(
        self, request: Request[Any, Any, Any], slug: FromPath[str], key: FromPath[str], ctx: NamedDependency[QaContext]
    ) -> Redirect:
        values = await read_form(request, *POLL_FIELDS)
        try:
            await polls.create_poll(ctx, *poll_input(values))
        except Invalid as error:
            flash(request, error.sentence, category="error")
        else:
            flash(request, _("Poll saved as a draft; open it when the room is ready."), category="success")
        return Redirect(_thread_url(ctx) + "#polls")

    @post("/polls/{poll_id:int}/{action:str}", guards=[requires_login])
    async def poll_action(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        ctx: NamedDependency[QaContext],
        poll_id: FromPath[int],
        action: FromPath[str],
    ) -> Redirect:
        try:
            if action in {"open", "closed"}:
                await polls.set_poll_status(ctx, poll_id, action)
            elif action == "answer":
                form = await request.form()
                await polls.answer_poll(ctx, poll_id, poll_choices(form.getall("choice") if "choice" in form else []))
            else:
                raise NotFoundException(_("There is no such action."))
        except Invalid as error:
            flash(request, error.sentence, category="error")
        return Redirect(_thread_url(ctx) + "#polls")

    @post("/{question_id:int}/{action:str}", guards=[requires_login])
    async def act(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        ctx: NamedDependency[QaContext],
        question_id: FromPath[int],
        action: FromPath[str],
        limits: NamedDependency[QaLimits],
    ) -> Redirect:
        back = safe_next_path((await read_form(request, "next"))["next"] or _thread_url(ctx, question_id))
        try:
            if action == "edit":
                await questions.edit_question(ctx, question_id, (await read_form(request, "body"))["body"])
                flash(request, _("Your question is changed."), category="success")
            elif action == "withdraw":
                await questions.withdraw_question(ctx, question_id)
                flash(request, _("Your question is withdrawn."), category="success")
                if back == _thread_url(ctx, question_id):  # its anchor is gone with it
                    back = _thread_url(ctx)
            elif action in {"vote", "unvote"}:
                await limits.check("vote", ctx)
                await questions.vote(ctx, question_id, up=action == "vote")
            elif action == "answer":
                body = (await read_form(request, "body"))["body"]
                await questions.answer_question(ctx, question_id, body)
                flash(request, _("Your answer is posted; the asker and voters are notified."), category="success")
            elif action in questions.MODERATION_ACTIONS:
                await questions.moderate(ctx, question_id, action)
            else:
                raise NotFoundException(_("There is no such action."))
        except Invalid as error:  # not allowed, not found and too fast have their own pages (server.errors)
            flash(request, error.sentence, category="error")
        return Redirect(back)  # the thread, or where the form came from (the presenter's inbox)


class InboxController(Controller):
    @get("/me/questions/", guards=[requires_login])
    async def inbox(self, request: Request[Any, Any, Any], account: NamedDependency[Account]) -> Template:
        return await page(request, "sessions/inbox.html", {"items": await questions.presenter_inbox(account)})

    @get("/events/{slug:str}/qa-settings", guards=[requires_login], dependencies=ORGANISERS_QA)
    async def settings_form(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        moderation, who_may_ask = await questions.qa_settings(access.event_id)
        return await page(
            request, "sessions/settings.html", {"access": access, "moderation": moderation, "who_may_ask": who_may_ask}
        )

    @post("/events/{slug:str}/qa-settings", guards=[requires_login], dependencies=ORGANISERS_QA)
    async def save_settings(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Redirect:
        values = await read_form(request, "moderation", "who_may_ask")
        try:
            await questions.set_qa_settings(access.event_id, values["moderation"], values["who_may_ask"])
        except Invalid as error:
            flash(request, error.sentence, category="error")
        else:
            flash(request, _("Q&A settings saved."), category="success")
        return Redirect(qa_settings_url(slug))


def qr_svg(url: str) -> Markup:
    """The live page's address as an SVG QR code, for the room projector."""
    image = qrcode.make(url, image_factory=SvgPathImage, box_size=12, border=2)
    return Markup(image.to_string(encoding="unicode"))


LIVE, PRESENT = "live", "present"  # the live page, and the projector's full screen


class LiveController(Controller):
    path = "/events/{slug:str}/sessions/{key:str}"
    dependencies = QA_THREAD

    @get("/live/")
    async def live(
        self, request: Request[Any, Any, Any], slug: FromPath[str], key: FromPath[str], ctx: NamedDependency[QaContext]
    ) -> Template:
        """Follow a session as it happens: stream or room, and the Q&A updating for everyone watching."""
        context = {"ctx": ctx, "room": await _room_of(ctx), **await live_thread(ctx, LIVE)}
        return await page(request, "sessions/live.html", context)

    @get("/present/")
    async def present(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        ctx: NamedDependency[QaContext],
        settings: NamedDependency[Settings],
    ) -> Template:
        """Full screen for the room's projector: the top questions and a QR code to join in."""
        live_url = f"{settings.base_url}/events/{slug}/sessions/{ctx.session.slug}/live/"
        context = {"ctx": ctx, "live_url": live_url, "qr": qr_svg(live_url), **await live_thread(ctx, PRESENT)}
        return await page(request, "sessions/present.html", context)

    @get("/live/thread", name="live-thread")
    async def live_questions(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        ctx: NamedDependency[QaContext],
        mode: FromQuery[str] = LIVE,
        order: FromQuery[str] = "votes",
    ) -> Template:
        """The live questions and polls as this person sees them, for the page to swap in when the thread changes.

        The one renderer of the live thread: the page's first view includes it, and static/sessions/qa.js
        asks for it again (htmx) whenever the /qa socket says the thread or its votes changed.
        """
        if mode not in (LIVE, PRESENT) or order not in ("votes", "time"):
            raise ClientException(_("The mode is live or present, and the order votes or time."))
        context = await live_thread(ctx, mode, order)
        return Template(template_name="sessions/live_thread.html", media_type=MediaType.HTML, context=context)


async def live_thread(ctx: QaContext, mode: str, order: str = "votes") -> dict[str, Any]:
    """What the live thread shows: the projector only the six questions at the top and no forms."""
    views = await questions.thread(ctx, "time" if order == "time" else "votes")
    if mode == PRESENT:
        views = [view for view in views if view.status in ("visible", "answered")][:6]
    # The projector shows only the open poll: a closed one would push the questions off a screen nobody scrolls.
    hidden = {"draft", "closed"} if mode == PRESENT else {"draft"}
    shown_polls = [poll for poll in await polls.polls_for(ctx) if poll.status not in hidden]
    return {
        "ctx": ctx,
        "questions": views,
        "polls": shown_polls,
        "mode": mode,
    }


async def _room_of(ctx: QaContext) -> Any:
    programme = await published_programme(ctx.access.event_id)
    return programme.room(ctx.session.room) if programme else None
