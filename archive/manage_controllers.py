"""Organisers prepare the archive: topics, recordings, captions, slides; publish and withdraw.

Uploads of media arrive as the raw request body (the page sends the file with ``fetch``),
so a 2 GB video streams to disk instead of being parsed into memory as a form.
"""

from __future__ import annotations

from server.i18n import N_, _
from archive.urls import manage_archive_url
from typing import Any

from litestar.di import NamedDependency
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from events.access import EventAccess
from events.dependencies import organised_for
from events.programme import ProgrammeSession
from events.releases import published_programme
from server.accounts import Account
from server.auth import requires_login, requires_site_admin
from server.ratelimit import AbuseLimits, RateLimit, enforce, within_quota
from server.templating import page, read_form
from server.validation import whole_number
from server.problems import Invalid
from server.settings import Settings

from archive import recordings
from archive.derivatives import derivative_jobs, derivatives_of
from archive.captions import CAPTIONS_MAX_BYTES
from archive.items import item_for_session
from archive.forms import TOPIC_FIELDS, chosen_topics, topic_input
from archive.media import RULES, MiB, store_upload
from archive.publishing import archive_session, withdraw_from_archive
from archive.topics import list_topics, save_topic, session_topics, tag_session

UPLOAD_MAX = max(rule.max_bytes for rule in RULES.values())


async def _session(access: EventAccess, guid: str) -> ProgrammeSession:
    programme = await published_programme(access.event_id)
    session = programme.session(guid) if programme else None
    if session is None:
        raise NotFoundException(_("Only sessions of the published programme can be archived."))
    return session


class ArchiveManageController(Controller):
    path = "/events/{slug:str}/manage/archive"
    guards = [requires_login]
    dependencies = organised_for(N_("prepare the archive"))

    @get("/")
    async def overview(
        self, request: Request[Any, Any, Any], slug: FromPath[str], access: NamedDependency[EventAccess]
    ) -> Template:
        programme = await published_programme(access.event_id)
        rows = []
        for session in programme.sessions if programme else ():
            rows.append(
                {
                    "session": session,
                    "item": await item_for_session(session.guid),
                    "recordings": len(await recordings.session_recordings(session.guid)),
                }
            )
        return await page(request, "archive/manage/overview.html", {"access": access, "rows": rows})

    @get("/{guid:str}/")
    async def session_page(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Template:
        return await self._render(request, access, await _session(access, guid))

    async def _render(
        self,
        request: Request[Any, Any, Any],
        access: EventAccess,
        session: ProgrammeSession,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        chosen: dict[str, Any] | None = None,
    ) -> Template:
        stored = await recordings.session_recordings(session.guid)
        ids = [recording.id for recording in stored if recording.is_file]
        return await page(
            request,
            "archive/manage/session.html",
            {
                "access": access,
                "session": session,
                "item": await item_for_session(session.guid),
                "recordings": stored,
                "compressed": await derivatives_of(ids),
                "making": await derivative_jobs(ids),
                "materials": await recordings.session_materials(session.guid),
                "all_topics": await list_topics(),
                "tagged": {t.slug for t in await session_topics(session.guid)},
                "errors": errors or {},
                "captions_max_mib": CAPTIONS_MAX_BYTES // MiB,
                "chosen": chosen or {},
            },
            status_code=status_code,
        )

    def _back(self, access: EventAccess, session: ProgrammeSession) -> Redirect:
        return Redirect(manage_archive_url(access.slug, session.guid))

    @post("/{guid:str}/topics")
    async def set_topics(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Any:
        session = await _session(access, guid)
        form = await request.form()
        try:
            await tag_session(session.guid, chosen_topics(form.getall("topic") if "topic" in form else []))
        except Invalid as error:
            return await self._render(request, access, session, error.errors, 400)
        flash(request, _("Topics saved."), category="success")
        return self._back(access, session)

    @post("/{guid:str}/upload", request_max_body_size=UPLOAD_MAX + 1)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[EventAccess],
        account: NamedDependency[Account],
        abuse: NamedDependency[AbuseLimits],
        slug: FromPath[str],
        guid: FromPath[str],
        kind: FromQuery[str],
        settings: NamedDependency[Settings],
        name: FromQuery[str] = "",
        title: FromQuery[str] = "",
        language: FromQuery[str] = "en",
    ) -> Response[dict[str, Any]]:
        """The file is the request body; ``kind`` is audio, video or material."""
        session = await _session(access, guid)
        uploader = f"user:{account.id}"
        await enforce(abuse.upload, uploader, "uploads")
        rule = RULES.get(kind)
        if rule is None:
            raise Invalid({"kind": _("Upload audio, video or material.")})
        announced = whole_number(request.headers.get("content-length", "")) or 0
        quota: RateLimit = abuse.upload_bytes
        if await quota.count(uploader) + announced > quota.limit:
            await within_quota(quota, uploader, announced)  # refused before a byte is stored
        media_root = settings.media_root
        stored = await store_upload(request.stream(), media_root, rule)
        try:
            await within_quota(quota, uploader, stored.size)
        except Exception:
            (media_root / stored.file_name).unlink(missing_ok=True)
            raise
        try:
            if kind == "material":
                new_id = await recordings.add_material(session.guid, title, stored=stored, original_name=name)
            else:
                new_id = await recordings.add_recording(
                    session.guid, kind, stored=stored, original_name=name, language=language, media_root=media_root
                )
        except Invalid:
            (media_root / stored.file_name).unlink(missing_ok=True)
            raise
        return Response({"id": new_id, "size": stored.size, "mime_type": stored.mime_type}, status_code=201)

    @post("/{guid:str}/links")
    async def add_link(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Any:
        session = await _session(access, guid)
        values = await read_form(request, "what", "url", "title", "language", "duration")
        try:
            if values["what"] == "material":
                await recordings.add_material(session.guid, values["title"], url=values["url"])
            else:
                await recordings.add_recording(
                    session.guid,
                    values["what"],
                    url=values["url"],
                    language=values["language"] or "en",
                    duration=_minutes(values["duration"]) * 60,
                )
        except Invalid as error:
            return await self._render(request, access, session, error.errors, 400)
        flash(request, _("Link added."), category="success")
        return self._back(access, session)

    @post("/{guid:str}/recordings/{recording_id:int}/captions", request_max_body_size=CAPTIONS_MAX_BYTES + 64 * 1024)
    async def captions(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        recording_id: FromPath[int],
        access: NamedDependency[EventAccess],
    ) -> Any:
        session = await _session(access, guid)
        if recording_id not in {r.id for r in await recordings.session_recordings(session.guid)}:
            raise NotFoundException(_("There is no such recording in this session."))
        form = await request.form()
        upload = form.get("file")
        chosen: dict[str, Any] = {
            "recording": recording_id,
            "language": str(form.get("language") or "en")[:16],
            "provenance": str(form.get("provenance") or "machine")[:16],
        }
        try:
            if upload is None or isinstance(upload, str):
                raise Invalid({"captions": _("Choose a WebVTT or SRT file.")})
            await recordings.add_captions(recording_id, await upload.read(), chosen["language"], chosen["provenance"])
        except Invalid as error:  # on the page, at the top, with what was chosen kept
            return await self._render(request, access, session, error.errors, 400, chosen)
        flash(request, _("Captions saved; their words are now searchable."), category="success")
        return self._back(access, session)

    @post("/{guid:str}/captions/{track_id:int}/language")
    async def relabel_captions(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        track_id: FromPath[int],
        access: NamedDependency[EventAccess],
    ) -> Any:
        """Correct a caption track's declared language (the page offers the language its text reads as)."""
        session = await _session(access, guid)
        form = await read_form(request, "language")
        try:
            await recordings.relabel_captions(session.guid, track_id, form["language"])
        except Invalid as error:
            if "captions" in error.errors:
                raise NotFoundException(error.errors["captions"]) from error
            return await self._render(request, access, session, {"captions": error.errors["language"]}, 400)
        flash(request, _("Captions relabelled; they are searched in their new language."), category="success")
        return self._back(access, session)

    @post("/{guid:str}/recordings/{recording_id:int}/delete")
    async def delete_recording(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        recording_id: FromPath[int],
        access: NamedDependency[EventAccess],
        settings: NamedDependency[Settings],
    ) -> Redirect:
        session = await _session(access, guid)
        if recording_id not in {r.id for r in await recordings.session_recordings(session.guid)}:
            raise NotFoundException(_("There is no such recording in this session."))
        await recordings.delete_recording(recording_id, settings.media_root)
        flash(request, _("Recording deleted."), category="success")
        return self._back(access, session)

    @post("/{guid:str}/materials/{material_id:int}/delete")
    async def delete_material(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        material_id: FromPath[int],
        access: NamedDependency[EventAccess],
        settings: NamedDependency[Settings],
    ) -> Redirect:
        session = await _session(access, guid)
        if material_id not in {m.id for m in await recordings.session_materials(session.guid)}:
            raise NotFoundException(_("There is no such material in this session."))
        await recordings.delete_material(material_id, settings.media_root)
        flash(request, _("Material deleted."), category="success")
        return self._back(access, session)

    @post("/{guid:str}/publish")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Any:
        session = await _session(access, guid)
        try:
            item = await archive_session(access, session)
        except Invalid as error:
            return await self._render(request, access, session, error.errors, 400)
        flash(
            request,
            _("Archived at /a/%(handle)s: this link will never change.", handle=item.handle),
            category="success",
        )
        return self._back(access, session)

    @post("/{guid:str}/withdraw")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        guid: FromPath[str],
        access: NamedDependency[EventAccess],
    ) -> Any:
        session = await _session(access, guid)
        item = await item_for_session(session.guid)
        if item is None:
            raise NotFoundException(_("This session is not in the archive."))
        reason = (await read_form(request, "reason"))["reason"]
        try:
            await withdraw_from_archive(item, reason)
        except Invalid as error:
            return await self._render(request, access, session, error.errors, 400)
        flash(request, _("Withdrawn: the permanent link now shows a tombstone with the citation."), category="success")
        return self._back(access, session)


def _minutes(value: str) -> float:
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        raise Invalid({"duration": _("Give the length in minutes, like 45.")}) from None


class TopicManageController(Controller):
    """The shared vocabulary is the whole archive's, so site administrators keep it."""

    path = "/archive/topics"
    guards = [requires_site_admin]

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await page(
            request, "archive/manage/topics.html", {"topics": await list_topics(), "errors": {}, "values": {}}
        )

    @post("/")
    async def save(self, request: Request[Any, Any, Any]) -> Any:
        values = await read_form(request, *TOPIC_FIELDS)
        try:
            await save_topic(**topic_input(values))
        except Invalid as error:
            return await page(
                request,
                "archive/manage/topics.html",
                {"topics": await list_topics(), "errors": error.errors, "values": values},
                status_code=400,
            )
        flash(request, _("Topic %(name)s saved.", name=values["name"].strip()), category="success")
        return Redirect("/archive/topics/")
