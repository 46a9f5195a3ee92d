"""The ``/qa`` socket.io namespace: watch a session's thread, ask and vote live, see changes at once.

What a person may see differs (a question awaiting moderation is shown to its
asker and moderators only), so changes are announced as "the thread changed"
and each page asks for its own view. Vote counts are the same for everyone
and are sent as they are, at most five times a second per question, however
many votes arrive: a vote storm costs the watchers a handful of messages.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from litestar.stores.base import Store

from server.activity import LiveGauge, peak
from server.auth import account_of_session
from server.live import (
    BackgroundTasks,
    Coalesced,
    acknowledged,
    identify,
    language_of_connection,
    refuse_unknown_events,
)
from server.i18n import _
from server.problems import Invalid, NotFound
from server.protocol import Nothing
from sessions import polls, protocol, questions
from sessions.metrics import LIVE_VIEWERS, ONLINE_NOW
from sessions.protocol import QA_PROTOCOL
from sessions.questions import QaContext, QaLimits, qa_context

NAMESPACE = "/qa"
VOTE_COUNTS_EVERY = 0.2
log = logging.getLogger(__name__)


def thread_channel(guid: str) -> str:
    return f"qa:{guid}"


class QaNamespace:
    def __init__(
        self, sio: socketio.AsyncServer, session_store: Store, limits: Store, viewers: LiveGauge | None = None
    ) -> None:
        self.sio = sio
        self.viewers = viewers or LiveGauge()
        self.session_store = session_store
        self.limits = QaLimits(limits)
        self.pending_counts: dict[tuple[str, int], int] = {}
        self.background = BackgroundTasks()
        self.counts_soon = Coalesced(VOTE_COUNTS_EVERY, self._flush_counts, self.background)
        self.polls_soon = Coalesced(VOTE_COUNTS_EVERY, self.thread_changed, self.background)
        sio.on("connect", self.connect, namespace=NAMESPACE)
        sio.on("disconnect", self.disconnect, namespace=NAMESPACE)
        refuse_unknown_events(sio, NAMESPACE)
        for event in QA_PROTOCOL.receives:  # exactly what the protocol declares, README included
            sio.on(event.name, acknowledged(getattr(self, event.name), event, self._language), namespace=NAMESPACE)

    async def _language(self, sid: str) -> str:
        return await language_of_connection(self.sio, sid, NAMESPACE)

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await identify(self.sio, sid, environ, self.session_store, NAMESPACE)

    async def _context(self, sid: str, data: protocol.AboutThread) -> QaContext:
        """The thread an event names: the payload's ``event`` and ``session``, else the one this connection watches."""
        stored = await self.sio.get_session(sid, namespace=NAMESPACE)
        watched = stored.get("watched") or {}
        event, session = data.event or watched.get("event"), data.session or watched.get("session")
        if event is None or session is None:
            raise Invalid({"session": _(protocol.NAME_A_SESSION)})
        session_id = stored.get("session_id")
        account = await account_of_session(session_id, self.session_store)  # asked anew: logging out ends it
        ctx = await qa_context(event, session, account)
        if ctx is None:
            raise NotFound(_("There is no such session."))
        return ctx

    async def watch(self, sid: str, data: protocol.ShowThread) -> protocol.Thread:
        """Follow a thread; the connection's later events (thread, ask, vote, poll_answer) are about it."""
        ctx = await self._context(sid, data)
        stored = await self.sio.get_session(sid, namespace=NAMESPACE)
        stored["watched"] = {"event": ctx.access.slug, "session": ctx.session.guid}
        await self.sio.save_session(sid, stored, namespace=NAMESPACE)
        await self.sio.enter_room(sid, thread_channel(ctx.session.guid), namespace=NAMESPACE)
        await self._count_viewer(sid, ctx)
        return await self._thread(ctx, data.order)

    async def _count_viewer(self, sid: str, ctx: QaContext) -> None:
        """Keep the live viewer counts (per session and per event) that the organisers' insights show."""
        session = await self.sio.get_session(sid, namespace=NAMESPACE)
        watching: list[tuple[str, int]] = session.setdefault("watching", [])
        if any(guid == ctx.session.guid for guid, _ in watching):
            return
        watching.append((ctx.session.guid, ctx.access.event_id))
        await self.sio.save_session(sid, session, namespace=NAMESPACE)
        peak(LIVE_VIEWERS, ctx.session.guid, await self.viewers.up(f"session:{ctx.session.guid}"))
        peak(ONLINE_NOW, str(ctx.access.event_id), await self.viewers.up(f"event:{ctx.access.event_id}"))

    async def disconnect(self, sid: str) -> None:
        session = await self.sio.get_session(sid, namespace=NAMESPACE)
        for guid, event_id in session.get("watching", []):
            await self.viewers.down(f"session:{guid}")
            await self.viewers.down(f"event:{event_id}")

    async def thread(self, sid: str, data: protocol.ShowThread) -> protocol.Thread:
        return await self._thread(await self._context(sid, data), data.order)

    async def _thread(self, ctx: QaContext, order: str) -> protocol.Thread:
        views = await questions.thread(ctx, "time" if order == "time" else "votes")
        return protocol.Thread(
            questions=[view.as_payload() for view in views],
            moderator=ctx.is_moderator,
            may_ask=ctx.may_ask,
            moderation=ctx.moderation,
            polls=await polls.polls_for(ctx),
        )

    async def ask(self, sid: str, data: protocol.Ask) -> protocol.Asked:
        ctx = await self._context(sid, data)
        await self.limits.check("ask", ctx)
        question_id = await questions.ask_question(ctx, data.body, data.anonymous)
        # The change it announced reaches every watcher (see connect_packages).
        return protocol.Asked(id=question_id, waiting=ctx.questions_wait)

    async def vote(self, sid: str, data: protocol.Vote) -> protocol.Votes:
        ctx = await self._context(sid, data)
        await self.limits.check("vote", ctx)
        return protocol.Votes(votes=await questions.vote(ctx, data.question, up=data.up))

    async def poll_answer(self, sid: str, data: protocol.AnswerPoll) -> Nothing:
        ctx = await self._context(sid, data)
        await self.limits.check("vote", ctx)
        await polls.answer_poll(ctx, data.poll, data.choices)
        return Nothing()

    # Listeners (connected in server/app.py): whichever door a change came through, page or socket, every
    # watcher hears of it once.
    async def on_thread_changed(self, change: questions.QaThreadChanged) -> None:
        await self.thread_changed(change.session_guid)

    async def on_vote_counted(self, change: questions.QaVoteCounted) -> None:
        self._count_changed(change.session_guid, change.question_id, change.votes)

    async def on_poll_answered(self, change: questions.PollAnswered) -> None:
        self.polls_soon.soon(change.session_guid)  # once for many answers arriving together

    async def thread_changed(self, guid: str) -> None:
        """Tell every page watching this thread to fetch its view again."""
        await QA_PROTOCOL.emit(self.sio, protocol.ThreadChanged(session=guid), to=thread_channel(guid))

    def _count_changed(self, guid: str, question_id: int, count: int) -> None:
        self.pending_counts[(guid, question_id)] = count
        self.counts_soon.soon(guid)

    async def _flush_counts(self, guid: str) -> None:
        counts = {qid: count for (g, qid), count in self.pending_counts.items() if g == guid}
        for qid in counts:
            del self.pending_counts[(guid, qid)]
        # The latest stored counts, not the ones seen by this worker's votes alone.
        fresh = await questions.vote_counts(list(counts))
        await QA_PROTOCOL.emit(
            self.sio,
            protocol.VoteCounts(session=guid, counts={str(k): v for k, v in fresh.items()}),
            to=thread_channel(guid),
        )
