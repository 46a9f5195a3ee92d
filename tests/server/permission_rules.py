"""Who may do what: the permission matrix's one table of expectations.

Every HTTP route of the app has a rule here (a test fails when a route has none), and every
socket.io event (the default namespace, /rooms and /qa) has one too. A rule says who is let in, as
a policy of (role, visibility), and how to make a real request for a cell of the matrix.
Rules marked ``lists`` are asked a different question: does the answer show the event's
content (its marker word)? That is how feeds, searches, harvests and lists are checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Callable

from tests.events.interop import INTEROP
from tests.server.permission_world import DAY, PASSWORD, TOPIC, EventWorld, World

Policy = Callable[[str, str], bool]  # (role, visibility) -> let in?

MEMBERS = {"attendee", "other_presenter", "presenter", "organiser"}


def everyone(role: str, visibility: str) -> bool:
    return True


def logged_in(role: str, visibility: str) -> bool:
    return role != "anonymous"


def viewers(role: str, visibility: str) -> bool:
    """Public and unlisted events are open to anyone with the link; private ones to members and site admins."""
    return visibility != "private" or role in MEMBERS or role == "admin"


def logged_in_viewers(role: str, visibility: str) -> bool:
    return logged_in(role, visibility) and viewers(role, visibility)


def listed(role: str, visibility: str) -> bool:
    """Lists, feeds and searches show public events to all; unlisted and private ones only to members and admins."""
    return visibility == "public" or role in MEMBERS or role == "admin"


def yours_or_public(role: str, visibility: str) -> bool:
    """Event lists: public events, and the ones you belong to (a site admin is not a member of everything)."""
    return visibility == "public" or role in MEMBERS


def public_only(role: str, visibility: str) -> bool:
    """Feeds and harvests are public documents: readers fetch them without cookies and caches share them,
    so they carry public events only, whoever asks."""
    return visibility == "public"


def organisers(role: str, visibility: str) -> bool:
    return role in {"organiser", "admin"}


def moderators(role: str, visibility: str) -> bool:
    """The session's own presenter moderates its Q&A, with the organisers."""
    return role in {"presenter", "organiser", "admin"}


def by_link(role: str, visibility: str) -> bool:
    """Embeds are fetched by another site without cookies: public and unlisted items only, whoever asks."""
    return visibility != "private"


def may_register(role: str, visibility: str) -> bool:
    """Anyone logged in registers for an event they can see; a private event's people are invited, not registered."""
    return (role != "anonymous" and visibility != "private") or role in MEMBERS


def breakout_group(role: str, visibility: str) -> bool:
    """A speed-networking breakout: its group (the attendee and the other presenter) and the organisers."""
    return role in {"attendee", "other_presenter", "organiser", "admin"}


def not_banned(role: str, visibility: str) -> bool:
    """The table that banned the other presenter: everyone who may see the event, but them."""
    return viewers(role, visibility) and role != "other_presenter"


def not_the_asker(role: str, visibility: str) -> bool:
    """Votes on the attendee's question: everyone logged in who sees it, but the attendee who asked it."""
    return logged_in_viewers(role, visibility) and role != "attendee"


def the_asker(role: str, visibility: str) -> bool:
    return role == "attendee"


def nobody(role: str, visibility: str) -> bool:
    return False


def admins(role: str, visibility: str) -> bool:
    return role == "admin"


def owner(role: str, visibility: str) -> bool:
    """Things that belong to the attendee (their saved searches, requests sent to them)."""
    return role == "attendee"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    form: dict[str, Any] | None = None
    json: Any = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    params: dict[str, str] | None = None
    content: bytes | None = None
    csrf: bool = True  # harvesters and feed readers have no token
    fresh_client: bool = False  # log in, out or register on a client of its own, not the role's


@dataclass(frozen=True)
class Cell:
    world: World
    role: str
    visibility: str
    number: int  # unique per cell, for names that must not repeat

    @property
    def event(self) -> EventWorld:
        return self.world.events[self.visibility]

    def victim(self, kind: str) -> Any:
        return self.event.victims[(kind, self.role)]

    def site_victim(self, kind: str) -> Any:
        return self.world.victims[(kind, self.role)]


@dataclass(frozen=True)
class Case:
    name: str
    policy: Policy
    call: Callable[[Cell], Call]
    lists: bool = False
    setup: Callable[[Cell], Call] | None = None  # sent first by the organiser, so the call has work to do
    evidence: Callable[[Cell], str] | None = None  # what shows the event in a list; its marker by default


@dataclass(frozen=True)
class Rule:
    cases: tuple[Case, ...]
    per_event: bool = True
    last: bool = False  # changes who holds which role or revokes a link: run after the rest


def rule(
    policy: Policy,
    call: Callable[[Cell], Call],
    *,
    lists: bool = False,
    per_event: bool = True,
    last: bool = False,
    setup: Callable[[Cell], Call] | None = None,
    evidence: Callable[[Cell], str] | None = None,
) -> Rule:
    return Rule((Case("", policy, call, lists, setup, evidence),), per_event=per_event, last=last)


def site(policy: Policy, call: Callable[[Cell], Call], **kwargs: Any) -> Rule:
    return rule(policy, call, per_event=False, **kwargs)


def get(path: str, **params: str) -> Call:
    return Call("GET", path, params=params or None)


def post(path: str, **form: Any) -> Call:
    return Call("POST", path, form=form)


def ev(c: Cell) -> str:
    return f"/events/{c.event.slug}"


def talk(c: Cell) -> str:
    return f"/events/{c.event.slug}/sessions/{c.event.session_slug}"


def manage_archive(c: Cell, guid: str | None = None) -> str:
    return f"/events/{c.event.slug}/manage/archive/{guid or c.event.guid}"


def api(c: Cell) -> str:
    return f"/api/v1/events/{c.event.slug}"


def session_json(c: Cell, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "starts_at": f"{DAY.isoformat()}T09:00:00+01:00",
        "ends_at": f"{DAY.isoformat()}T09:30:00+01:00",
        "room": "",
        "presenter_ids": c.event.presenter_ids[:1],
    }


def session_form(c: Cell, title: str) -> dict[str, Any]:
    return {"title": title, "day": DAY.isoformat(), "start": "09:00", "minutes": "30", "room": ""}


def event_settings(c: Cell) -> dict[str, Any]:
    """The event's own settings, unchanged: saving them must not change who may see it."""
    return {
        "slug": c.event.slug,
        "title": f"Matrix {c.visibility} {c.event.marker}",
        "timezone": "Europe/Berlin",
        "start_date": DAY.isoformat(),
        "end_date": DAY.isoformat(),
        "visibility": c.visibility,
    }


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def a_change(c: Cell) -> Call:
    """A new session, so that publishing has something to publish."""
    return post(f"{ev(c)}/manage/sessions/new", **session_form(c, f"Change {c.number}"))


VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello.\n"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FRAB = (INTEROP / "pretalx-democon.json").read_bytes()

RULES: dict[str, Rule] = {
    # The programme (events) -------------------------------------------------------------
    "GET /": rule(yours_or_public, lambda c: get("/"), lists=True),
    "GET /events/{slug:str}": rule(viewers, lambda c: get(ev(c))),
    "GET /events/{slug:str}/changes": rule(viewers, lambda c: get(f"{ev(c)}/changes/")),
    "GET /events/{slug:str}/now": rule(viewers, lambda c: get(f"{ev(c)}/now/")),
    "POST /events/{slug:str}/register": rule(
        may_register, lambda c: post(f"{ev(c)}/register", attendance="online"), last=True
    ),
    "GET /events/{slug:str}/schedule": rule(viewers, lambda c: get(f"{ev(c)}/schedule/")),
    "GET /events/{slug:str}/schedule.xml": rule(viewers, lambda c: get(f"{ev(c)}/schedule.xml")),
    "GET /events/{slug:str}/schedule.ics": rule(viewers, lambda c: get(f"{ev(c)}/schedule.ics")),
    "GET /events/{slug:str}/schedule.json": rule(viewers, lambda c: get(f"{ev(c)}/schedule.json")),
    "GET /events/{slug:str}/schedule/v/{filename:str}": rule(viewers, lambda c: get(f"{ev(c)}/schedule/v/1.xml")),
    "GET /events/{slug:str}/sessions/{key:str}": rule(viewers, lambda c: get(f"{talk(c)}/")),
    "POST /events/{slug:str}/sessions/{key:str}/star": rule(logged_in_viewers, lambda c: post(f"{talk(c)}/star")),
    "POST /events/{slug:str}/sessions/{key:str}/unstar": rule(logged_in_viewers, lambda c: post(f"{talk(c)}/unstar")),
    "GET /calendars/agenda/{filename:str}": site(
        everyone, lambda c: get(f"/calendars/agenda/{c.world.agenda_token}.ics")
    ),
    "GET /me/agenda": site(logged_in, lambda c: get("/me/agenda/")),
    "POST /me/agenda/feed": site(logged_in, lambda c: post("/me/agenda/feed"), last=True),
    "POST /me/agenda/feed/revoke": site(logged_in, lambda c: post("/me/agenda/feed/revoke"), last=True),
    "GET /invitations/{token:str}": site(logged_in, lambda c: get(f"/invitations/{c.site_victim('invitation')}")),
    "POST /invitations/{token:str}": site(
        logged_in, lambda c: post(f"/invitations/{c.site_victim('invitation')}"), last=True
    ),  # after GET: taking the invitation uses it up
    "GET /events/new": site(logged_in, lambda c: get("/events/new")),
    "POST /events/new": site(
        logged_in,
        lambda c: post(
            "/events/new",
            slug=f"new-{c.number}",
            title="New",
            timezone="UTC",
            start_date="2030-01-01",
            end_date="2030-01-01",
        ),
    ),
    "GET /events/{slug:str}/manage": rule(organisers, lambda c: get(f"{ev(c)}/manage/")),
    "POST /events/{slug:str}/manage/presenters": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/presenters", name=f"Presenter {c.number}")
    ),
    "POST /events/{slug:str}/manage/rooms": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/rooms", name=f"Room {c.number}")
    ),
    "POST /events/{slug:str}/manage/tracks": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/tracks", name=f"Track {c.number}")
    ),
    "GET /events/{slug:str}/manage/check-in": rule(organisers, lambda c: get(f"{ev(c)}/manage/check-in")),
    "POST /events/{slug:str}/manage/check-in": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/check-in", user=str(c.victim("registrant")))
    ),
    "GET /events/{slug:str}/manage/sessions/new": rule(organisers, lambda c: get(f"{ev(c)}/manage/sessions/new")),
    "POST /events/{slug:str}/manage/sessions/new": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/sessions/new", **session_form(c, f"New {c.number}"))
    ),
    "GET /events/{slug:str}/manage/sessions/{guid:str}": rule(
        organisers, lambda c: get(f"{ev(c)}/manage/sessions/{c.victim('session')}/")
    ),
    "POST /events/{slug:str}/manage/sessions/{guid:str}": rule(
        organisers,
        lambda c: post(f"{ev(c)}/manage/sessions/{c.victim('session')}/", **session_form(c, f"Edited {c.number}")),
    ),
    "GET /events/{slug:str}/manage/sessions/{guid:str}/delete": rule(
        organisers, lambda c: get(f"{ev(c)}/manage/sessions/{c.victim('session')}/delete")
    ),
    "POST /events/{slug:str}/manage/sessions/{guid:str}/delete": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/sessions/{c.victim('session')}/delete", confirm="yes"), last=True
    ),
    "POST /events/{slug:str}/manage/import": rule(
        organisers,
        lambda c: Call(
            "POST",
            f"{ev(c)}/manage/import",
            form={"dry_run": "on"},
            files={"file": ("schedule.json", FRAB, "application/json")},
        ),
    ),
    "POST /events/{slug:str}/manage/people": rule(
        organisers,
        lambda c: post(
            f"{ev(c)}/manage/people", email=f"invitee-{c.number}@matrix.example", role="attendee", presenter=""
        ),
    ),
    "POST /events/{slug:str}/manage/publish": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/publish", comment="Again"), setup=a_change
    ),
    "GET /events/{slug:str}/manage/settings": rule(organisers, lambda c: get(f"{ev(c)}/manage/settings")),
    "POST /events/{slug:str}/manage/settings": rule(
        organisers, lambda c: post(f"{ev(c)}/manage/settings", **event_settings(c))
    ),
    # The programme's JSON API ------------------------------------------------------------
    "GET /api/v1/events": rule(yours_or_public, lambda c: get("/api/v1/events"), lists=True),
    "POST /api/v1/events": site(
        logged_in,
        lambda c: Call(
            "POST",
            "/api/v1/events",
            json={
                "slug": f"api-{c.number}",
                "title": "By API",
                "timezone": "UTC",
                "start_date": "2030-01-01",
                "end_date": "2030-01-01",
            },
        ),
    ),
    "GET /api/v1/events/{slug:str}": rule(viewers, lambda c: get(api(c))),
    "PUT /api/v1/events/{slug:str}": rule(organisers, lambda c: Call("PUT", api(c), json=event_settings(c))),
    "GET /api/v1/events/{slug:str}/programme": rule(viewers, lambda c: get(f"{api(c)}/programme")),
    "GET /api/v1/events/{slug:str}/releases": rule(viewers, lambda c: get(f"{api(c)}/releases")),
    "POST /api/v1/events/{slug:str}/releases": rule(
        organisers, lambda c: Call("POST", f"{api(c)}/releases", json={"comment": "API"}), setup=a_change
    ),
    "GET /api/v1/events/{slug:str}/working-programme": rule(organisers, lambda c: get(f"{api(c)}/working-programme")),
    "GET /api/v1/events/{slug:str}/conflicts": rule(organisers, lambda c: get(f"{api(c)}/conflicts")),
    "POST /api/v1/events/{slug:str}/rooms": rule(
        organisers, lambda c: Call("POST", f"{api(c)}/rooms", json={"name": f"API room {c.number}"})
    ),
    "POST /api/v1/events/{slug:str}/tracks": rule(
        organisers, lambda c: Call("POST", f"{api(c)}/tracks", json={"name": f"API track {c.number}"})
    ),
    "POST /api/v1/events/{slug:str}/presenters": rule(
        organisers, lambda c: Call("POST", f"{api(c)}/presenters", json={"name": f"API presenter {c.number}"})
    ),
    "POST /api/v1/events/{slug:str}/sessions": rule(
        organisers, lambda c: Call("POST", f"{api(c)}/sessions", json=session_json(c, f"API session {c.number}"))
    ),
    "PUT /api/v1/events/{slug:str}/sessions/{guid:str}": rule(
        organisers,
        lambda c: Call(
            "PUT", f"{api(c)}/sessions/{c.victim('archived')}", json=session_json(c, f"API edit {c.number}")
        ),
    ),
    "DELETE /api/v1/events/{slug:str}/sessions/{guid:str}": rule(
        organisers, lambda c: Call("DELETE", f"{api(c)}/sessions/{c.victim('api_session')}"), last=True
    ),
    "POST /api/v1/events/{slug:str}/invitations": rule(
        organisers,
        lambda c: Call(
            "POST",
            f"{api(c)}/invitations",
            json={"email": f"api-invitee-{c.number}@matrix.example", "role": "attendee"},
        ),
    ),
    # Networking ---------------------------------------------------------------------------
    "GET /events/{slug:str}/lounge": rule(viewers, lambda c: get(f"{ev(c)}/lounge/")),
    "GET /events/{slug:str}/lounge/{room_slug:str}": Rule(
        (
            Case("lounge", viewers, lambda c: get(f"{ev(c)}/lounge/lounge/")),  # guests see who is there, not the chat
            Case("breakout", breakout_group, lambda c: get(f"{ev(c)}/lounge/{c.event.breakout_slug}/")),
            Case("banned", not_banned, lambda c: get(f"{ev(c)}/lounge/{c.event.banned_slug}/")),
        )
    ),
    "GET /events/{slug:str}/lounge/{room_slug:str}/messages": Rule(
        (
            Case("lounge", logged_in_viewers, lambda c: get(f"{ev(c)}/lounge/lounge/messages", before=str(2**40))),
            Case(
                "breakout",
                breakout_group,
                lambda c: get(f"{ev(c)}/lounge/{c.event.breakout_slug}/messages", before=str(2**40)),
            ),
            Case(
                "banned",
                lambda r, v: logged_in(r, v) and not_banned(r, v),
                lambda c: get(f"{ev(c)}/lounge/{c.event.banned_slug}/messages", before=str(2**40)),
            ),
        )
    ),
    "POST /events/{slug:str}/lounge/rooms": rule(
        organisers,
        lambda c: post(f"{ev(c)}/lounge/rooms", name=f"Table {c.number}", slug=f"table-{c.number}", kind="table"),
    ),
    "GET /events/{slug:str}/people": rule(logged_in_viewers, lambda c: get(f"{ev(c)}/people/")),
    "GET /people": site(logged_in, lambda c: get("/people/")),
    "POST /people/{user_id:int}/connect": site(
        logged_in, lambda c: post(f"/people/{c.world.bystander_id}/connect", message="Hello")
    ),
    "GET /people/{user_id:int}": Rule(
        (  # listed people to everyone logged in; others to whom they asked
            Case("listed", logged_in, lambda c: get(f"/people/{c.world.bystander_id}/")),
            Case(
                "unlisted",
                lambda role, visibility: role == "presenter",  # only they see their own page
                lambda c: get(f"/people/{c.world.accounts['presenter']}/"),
            ),
        ),
        per_event=False,
    ),
    "GET /me/connections": site(logged_in, lambda c: get("/me/connections/")),
    "POST /me/connections/{request_id:int}/{answer:str}": site(
        owner, lambda c: post(f"/me/connections/{c.site_victim('connection_request')}/accept")
    ),
    # Around a session: Q&A, polls, live page ----------------------------------------------
    "GET /events/{slug:str}/sessions/{key:str}/questions": rule(viewers, lambda c: get(f"{talk(c)}/questions/")),
    "POST /events/{slug:str}/sessions/{key:str}/questions/ask": rule(
        logged_in_viewers, lambda c: post(f"{talk(c)}/questions/ask", body=f"Question {c.number}?")
    ),
    "POST /events/{slug:str}/sessions/{key:str}/questions/{question_id:int}/{action:str}": Rule(
        (
            Case("vote", not_the_asker, lambda c: post(f"{talk(c)}/questions/{c.event.question_id}/vote")),
            Case(
                "answer",
                moderators,
                lambda c: post(f"{talk(c)}/questions/{c.event.question_id}/answer", body=f"Answer {c.number}"),
            ),
            Case("pin", moderators, lambda c: post(f"{talk(c)}/questions/{c.event.question_id}/pin")),
            # Only the asker (the attendee) rewords or withdraws a question; moderators dismiss instead.
            Case(
                "edit",
                the_asker,
                lambda c: post(
                    f"{talk(c)}/questions/{c.event.spare_question_id}/edit", body=f"And {c.event.marker}, later on?"
                ),
            ),  # nobody answers this one
            Case("withdraw", the_asker, lambda c: post(f"{talk(c)}/questions/{c.event.spare_question_id}/withdraw")),
        )
    ),
    "POST /events/{slug:str}/sessions/{key:str}/questions/polls": rule(
        moderators, lambda c: post(f"{talk(c)}/questions/polls", question=f"Poll {c.number}?", options="Yes\nNo")
    ),
    "POST /events/{slug:str}/sessions/{key:str}/questions/polls/{poll_id:int}/{action:str}": Rule(
        (
            Case(
                "answer",
                logged_in_viewers,
                lambda c: post(f"{talk(c)}/questions/polls/{c.event.poll_id}/answer", choice="0"),
            ),
            Case("open", moderators, lambda c: post(f"{talk(c)}/questions/polls/{c.event.poll_id}/open")),
        )
    ),
    "GET /me/questions": site(logged_in, lambda c: get("/me/questions/")),
    "GET /events/{slug:str}/qa-settings": rule(organisers, lambda c: get(f"{ev(c)}/qa-settings")),
    "POST /events/{slug:str}/qa-settings": rule(
        organisers, lambda c: post(f"{ev(c)}/qa-settings", moderation="post", who_may_ask="logged_in")
    ),
    "GET /events/{slug:str}/sessions/{key:str}/live": rule(viewers, lambda c: get(f"{talk(c)}/live/")),
    "GET /events/{slug:str}/sessions/{key:str}/present": rule(viewers, lambda c: get(f"{talk(c)}/present/")),
    "GET /events/{slug:str}/sessions/{key:str}/live/thread": rule(
        viewers, lambda c: get(f"{talk(c)}/live/thread?mode=present&order=time")
    ),
    # The archive --------------------------------------------------------------------------
    "GET /archive": rule(listed, lambda c: get("/archive/"), lists=True),
    "GET /archive/search": rule(
        listed,
        lambda c: get("/archive/search", q=c.event.marker),
        lists=True,
        evidence=lambda c: f"/a/{c.event.handle}",
    ),  # the query itself is on the page
    "GET /api/v1/archive/search": rule(
        listed, lambda c: get("/api/v1/archive/search", q=c.event.marker), lists=True, evidence=lambda c: c.event.handle
    ),
    "GET /archive/feed.atom": rule(public_only, lambda c: get("/archive/feed.atom"), lists=True),
    "GET /archive/podcast.rss": rule(public_only, lambda c: get("/archive/podcast.rss"), lists=True),
    "GET /archive/events/{event_slug:str}/feed.atom": rule(
        public_only, lambda c: get(f"/archive/events/{c.event.slug}/feed.atom"), lists=True
    ),
    "GET /archive/events/{event_slug:str}/podcast.rss": rule(
        public_only, lambda c: get(f"/archive/events/{c.event.slug}/podcast.rss"), lists=True
    ),
    "GET /archive/{event_slug:str}/{session_slug:str}": rule(
        viewers, lambda c: get(f"/archive/{c.event.slug}/{c.event.session_slug}")
    ),
    "GET /archive/saved": site(logged_in, lambda c: get("/archive/saved/")),
    "POST /archive/saved": site(logged_in, lambda c: post("/archive/saved/", q="quokka")),
    "POST /archive/saved/{search_id:int}/delete": site(
        owner, lambda c: post(f"/archive/saved/{c.site_victim('saved_search')}/delete")
    ),
    "GET /topics": site(everyone, lambda c: get("/topics/")),
    "GET /topics/{slug:str}": rule(listed, lambda c: get(f"/topics/{TOPIC}/"), lists=True),
    "GET /topics/{slug:str}/feed.atom": rule(public_only, lambda c: get(f"/topics/{TOPIC}/feed.atom"), lists=True),
    "GET /topics/{slug:str}/podcast.rss": rule(public_only, lambda c: get(f"/topics/{TOPIC}/podcast.rss"), lists=True),
    "GET /topics/{slug:str}/upcoming.ics": rule(
        public_only, lambda c: get(f"/topics/{TOPIC}/upcoming.ics"), lists=True
    ),
    "GET /archive/topics": site(admins, lambda c: get("/archive/topics/")),
    "POST /archive/topics": site(
        admins, lambda c: post("/archive/topics/", slug=f"topic-{c.number}", name=f"Topic {c.number}")
    ),
    "GET /a/{handle:str}": rule(viewers, lambda c: get(f"/a/{c.event.handle}")),
    "GET /a/{handle:str}/embed": rule(viewers, lambda c: get(f"/a/{c.event.handle}/embed")),
    "GET /a/{handle:str}/captions/{caption_id:int}": rule(
        viewers, lambda c: get(f"/a/{c.event.handle}/captions/{c.event.caption_id}")
    ),
    "GET /a/{handle:str}/cite/{style:str}": rule(viewers, lambda c: get(f"/a/{c.event.handle}/cite/bibtex")),
    "POST /a/{handle:str}/played": rule(viewers, lambda c: Call("POST", f"/a/{c.event.handle}/played")),
    "GET /media/{file_name:path}": rule(viewers, lambda c: get(f"/media/{c.event.media_file}")),
    "GET /oembed": rule(by_link, lambda c: get("/oembed", url=f"{c.world.base_url}/a/{c.event.handle}")),
    "GET /oai": rule(public_only, lambda c: get("/oai", verb="ListRecords", metadataPrefix="oai_dc"), lists=True),
    "POST /oai": rule(
        public_only,
        lambda c: Call("POST", "/oai", form={"verb": "ListRecords", "metadataPrefix": "oai_dc"}, csrf=False),
        lists=True,
    ),
    "GET /events/{slug:str}/manage/archive": rule(organisers, lambda c: get(f"{ev(c)}/manage/archive/")),
    "GET /events/{slug:str}/manage/archive/{guid:str}": rule(organisers, lambda c: get(f"{manage_archive(c)}/")),
    "POST /events/{slug:str}/manage/archive/{guid:str}/topics": rule(
        organisers, lambda c: post(f"{manage_archive(c)}/topics", topic=TOPIC)
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/upload": rule(
        organisers,
        lambda c: Call(
            "POST",
            f"{manage_archive(c)}/upload",
            params={"kind": "material", "name": f"notes-{c.number}.pdf"},
            content=PDF,
        ),
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/links": rule(
        organisers,
        lambda c: post(
            f"{manage_archive(c)}/links", what="material", title=f"Link {c.number}", url="https://example.org/x"
        ),
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/recordings/{recording_id:int}/captions": rule(
        organisers,
        lambda c: Call(
            "POST",
            f"{manage_archive(c)}/recordings/{c.event.recording_id}/captions",
            form={"language": "de"},
            files={"file": ("c.vtt", VTT, "text/vtt")},
        ),
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/captions/{track_id:int}/language": rule(
        organisers, lambda c: post(f"{manage_archive(c)}/captions/{c.event.caption_id}/language", language="en-GB")
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/recordings/{recording_id:int}/delete": rule(
        organisers, lambda c: post(f"{manage_archive(c)}/recordings/{c.victim('recording')}/delete")
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/materials/{material_id:int}/delete": rule(
        organisers, lambda c: post(f"{manage_archive(c)}/materials/{c.victim('material')}/delete")
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/publish": rule(
        organisers, lambda c: post(f"{manage_archive(c)}/publish")
    ),
    "POST /events/{slug:str}/manage/archive/{guid:str}/withdraw": rule(
        organisers, lambda c: post(f"{manage_archive(c, str(c.victim('archived')))}/withdraw", reason="Matrix")
    ),
    # Insights ------------------------------------------------------------------------------
    "GET /events/{slug:str}/insights": rule(organisers, lambda c: get(f"{ev(c)}/insights/")),
    "GET /events/{slug:str}/insights/{chart:str}": rule(
        organisers, lambda c: get(f"{ev(c)}/insights/registrations.csv")
    ),
    "GET /archive/insights": site(admins, lambda c: get("/archive/insights/")),
    "GET /archive/insights/{chart:str}": site(admins, lambda c: get("/archive/insights/topics.csv")),
    # Accounts, notifications, administration, health, static files, the schema ------------
    "GET /login": site(everyone, lambda c: get("/login")),
    "POST /login": site(
        everyone,
        lambda c: Call(
            "POST",
            "/login",
            form={"email": "bystander@matrix.example", "password": "matrix password 1234"},
            fresh_client=True,
        ),
    ),
    "POST /logout": site(logged_in, lambda c: Call("POST", "/logout", form={}, fresh_client=True)),
    "GET /register": site(everyone, lambda c: get("/register")),
    "GET /password/forgot": site(everyone, lambda c: get("/password/forgot")),
    "POST /password/forgot": site(everyone, lambda c: post("/password/forgot", email="bystander@matrix.example")),
    # A reset link is the permission: anyone holding a valid one may use it, a forged one opens nothing.
    "GET /password/reset/{token:str}": site(nobody, lambda c: get("/password/reset/forged-token")),
    "POST /password/reset/{token:str}": site(
        nobody, lambda c: post("/password/reset/forged-token", password="a new passphrase")
    ),
    "POST /register": site(
        everyone,
        lambda c: Call(
            "POST",
            "/register",
            form={
                "email": f"new-{c.number}@matrix.example",
                "display_name": "New person",
                "password": "matrix password 1234",
            },
            fresh_client=True,
        ),
    ),
    "GET /time-zone": site(everyone, lambda c: get("/time-zone", next="/")),
    "POST /time-zone": site(everyone, lambda c: post("/time-zone", zone="Africa/Nairobi", next="/")),
    "POST /language": site(everyone, lambda c: post("/language", language="de", next="/")),
    # A confirmation link is the permission: a forged one confirms nothing.
    "GET /email/confirm/{token:str}": site(nobody, lambda c: get("/email/confirm/forged-token")),
    "POST /email/confirm": site(logged_in, lambda c: post("/email/confirm")),
    "POST /me/email": site(
        logged_in, lambda c: post("/me/email", email=f"moved-{c.number}@matrix.example", current_password=PASSWORD)
    ),
    "GET /me/profile": site(logged_in, lambda c: get("/me/profile")),
    "POST /me/profile": site(logged_in, lambda c: post("/me/profile", display_name=c.role.replace("_", " ").title())),
    "POST /me/avatar": site(
        logged_in, lambda c: Call("POST", "/me/avatar", form={}, files={"avatar": ("me.png", png(), "image/png")})
    ),
    "GET /avatars/{filename:str}": site(everyone, lambda c: get(f"/avatars/{c.world.bystander_id}.svg")),
    "GET /me/notifications": site(logged_in, lambda c: get("/me/notifications/")),
    "POST /me/notifications/read": site(logged_in, lambda c: post("/me/notifications/read")),
    "GET /unsubscribe/{user_id:int}/{signature:str}": site(
        everyone, lambda c: get(f"/unsubscribe/{c.world.accounts['attendee']}/{c.world.unsubscribe_signature}")
    ),
    "POST /unsubscribe/{user_id:int}/{signature:str}": site(
        everyone,
        lambda c: Call(
            "POST", f"/unsubscribe/{c.world.accounts['attendee']}/{c.world.unsubscribe_signature}", form={}, csrf=False
        ),
    ),  # the signature is the permission: mail clients post it without a token
    "GET /admin": site(admins, lambda c: get("/admin/")),
    "POST /admin/announcements": site(admins, lambda c: post("/admin/announcements", text=f"Hello {c.number}")),
    "GET /healthz": site(everyone, lambda c: get("/healthz")),
    "GET /robots.txt": site(everyone, lambda c: get("/robots.txt")),
    "GET /readyz": site(everyone, lambda c: get("/readyz")),
    "GET /static/{file_path:path}": site(everyone, lambda c: get("/static/archive/player.js")),
    **{
        f"GET /schema{suffix}": site(everyone, lambda c, suffix=suffix: get(f"/schema{suffix}"))
        for suffix in ("", "/openapi.json")
    },  # the API documentation (RapiDoc) and its schema
    "GET /schema/{path:str}": site(everyone, lambda c: get("/schema/openapi.json")),
}


@dataclass(frozen=True)
class SocketCase:
    """One socket.io event, sent after the ones before it on the same connection."""

    namespace: str
    event: str
    policy: Policy
    payload: Callable[[Cell], dict[str, Any]]
    # Whether the reply lets the person in; events that do not answer {"ok": ...} say what counts.
    answered: Callable[[Cell, dict[str, Any]], bool] = lambda cell, reply: bool(reply.get("ok"))


def _qa(c: Cell, **extra: Any) -> dict[str, Any]:
    return {"event": c.event.slug, "session": c.event.session_slug, **extra}


def _is_the_caller(cell: Cell, reply: dict[str, Any]) -> bool:
    return reply.get("user_id") == cell.world.accounts.get(cell.role)


SOCKET_CASES: tuple[SocketCase, ...] = (
    SocketCase("/", "whoami", everyone, lambda c: {}, answered=_is_the_caller),  # never someone else's identity
    SocketCase("/qa", "watch", viewers, lambda c: _qa(c)),
    SocketCase("/qa", "thread", viewers, lambda c: _qa(c)),
    SocketCase("/qa", "ask", logged_in_viewers, lambda c: _qa(c, body=f"Live question {c.number}?")),
    SocketCase("/qa", "vote", not_the_asker, lambda c: _qa(c, question=c.event.question_id)),
    SocketCase("/qa", "poll_answer", logged_in_viewers, lambda c: _qa(c, poll=c.event.poll_id, choices=[1])),
    SocketCase("/rooms", "watch_lounge", viewers, lambda c: {"event": c.event.slug}),
    SocketCase("/rooms", "join", logged_in_viewers, lambda c: {"event": c.event.slug, "room": c.event.lounge_id}),
    SocketCase("/rooms", "join", breakout_group, lambda c: {"event": c.event.slug, "room": c.event.breakout_id}),
    SocketCase(
        "/rooms",
        "join",
        lambda r, v: logged_in(r, v) and not_banned(r, v),
        lambda c: {"event": c.event.slug, "room": c.event.banned_id},
    ),
    SocketCase("/rooms", "join", nobody, lambda c: {"event": c.world.other_event_slug, "room": c.event.lounge_id}),
    SocketCase("/rooms", "typing", logged_in_viewers, lambda c: {"room": c.event.lounge_id}),
    SocketCase("/rooms", "send", logged_in_viewers, lambda c: {"room": c.event.lounge_id, "body": f"Hi {c.number}"}),
    SocketCase(
        "/rooms",
        "moderate",
        organisers,
        lambda c: {"room": c.event.lounge_id, "action": "unmute", "user": c.world.bystander_id},
    ),
    SocketCase("/rooms", "speed_round", organisers, lambda c: {"room": c.event.speed_room_id, "minutes": 1}),
    SocketCase("/rooms", "leave", everyone, lambda c: {"room": c.event.lounge_id}),  # says nothing, harms nothing
)
