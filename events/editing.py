"""Organisers change the programme here: events, tracks, rooms, sessions, presenters.

Each function checks its input and raises :class:`Invalid` with a
message per field before writing anything. Changes land in the working
programme; the public sees them only after :func:`events.releases.publish_release`.
"""

from __future__ import annotations

from typing import Any, cast

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from piccolo.columns import Column

from events.access import add_member
from events.releases import build_snapshot
from events.tables import (
    Event,
    EventMode,
    MemberRole,
    Presenter,
    Room,
    RoomKind,
    Session,
    SessionKind,
    SessionPresenter,
    SessionStatus,
    Track,
    Visibility,
)
from server.validation import is_row_id, line_problem, text_problem, year_problem
from server.i18n import N_, _
from server.problems import Invalid, NotFound

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,98}[a-z0-9]$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", re.ASCII)  # HH:MM, as a time input sends it
TAG = re.compile(r"^[\w][\w .&+-]{0,58}$")
TITLE_MAX = 200
TEXT_MAX = 20_000
SESSION_DAYS_MAX = 14
LATEST_DAY_CHANGE = time(12, 0)  # a day that changes after noon would list afternoon talks under yesterday

# The things an event holds, as messages say them ("This event has no room called ...").
THINGS = {"room": N_("room"), "track": N_("track"), "presenter": N_("presenter")}


@dataclass
class EventInput:
    slug: str
    title: str
    timezone: str
    start_date: date
    end_date: date
    description: str = ""
    venue: str = ""
    mode: str = EventMode.hybrid.value
    visibility: str = Visibility.public.value
    # HH:MM; None: as it is (04:00 for a new event), so an API client written before the field keeps it
    day_change: str | None = None


@dataclass
class RoomInput:
    name: str
    kind: str = RoomKind.physical.value
    capacity: int | None = None
    location: str = ""
    stream_url: str = ""
    join_url: str = ""
    description: str = ""
    position: int = 0


@dataclass
class SessionInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    track: str = ""
    kind: str = SessionKind.talk.value
    status: str = SessionStatus.confirmed.value
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    language: str = "en"
    tags: list[str] = field(default_factory=list)
    presenter_ids: list[int] = field(default_factory=list)


def _check(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid(errors)


def _check_text(errors: dict[str, str], name: str, value: str, maximum: int, *, required: bool = False) -> None:
    """Names and titles (up to 300 characters) are one line; longer texts may break lines. Neither takes
    control characters: feeds, calendars and OAI-PMH are XML, and PostgreSQL cannot store NUL."""
    if required and not value.strip():
        errors[name] = _("This cannot be empty.")
    elif len(value) > maximum:
        errors[name] = _("Use at most %(count)s characters.", count=maximum)
    elif problem := (line_problem(value) if maximum <= 300 else text_problem(value)):
        errors[name] = problem


def _check_url(errors: dict[str, str], name: str, value: str) -> None:
    if value and (urlsplit(value).scheme not in {"http", "https"} or not urlsplit(value).netloc or len(value) > 500):
        errors[name] = _("Enter a full web address starting with https://.")


def valid_timezone(name: str) -> bool:
    if name not in available_timezones() and name != "UTC":
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def day_change_problem(day_change: str) -> str | None:
    """What is wrong with a day change given as text, if anything."""
    if not CLOCK.fullmatch(day_change):
        return _("Enter a time like 04:00.")
    if time.fromisoformat(day_change) >= LATEST_DAY_CHANGE:
        return _("The day changes between midnight and noon, e.g. 04:00 or 06:00.")
    return None


def check_event(data: EventInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not SLUG.match(data.slug):
        errors["slug"] = _("Use 3 to 100 lower-case letters, digits and hyphens, e.g. ill-forum-2027.")
    _check_text(errors, "title", data.title, TITLE_MAX, required=True)
    _check_text(errors, "description", data.description, TEXT_MAX)
    _check_text(errors, "venue", data.venue, 300)
    if not valid_timezone(data.timezone):
        errors["timezone"] = _("Use a time zone name such as America/Chicago or Europe/Berlin.")
    if problem := year_problem(data.start_date) or year_problem(data.end_date):
        errors["start_date"] = problem
    elif data.end_date < data.start_date:
        errors["end_date"] = _("The event cannot end before it starts.")
    elif (data.end_date - data.start_date).days > 60:
        errors["end_date"] = _("An event can last at most 60 days.")
    if data.mode not in {mode.value for mode in EventMode}:
        errors["mode"] = _("Choose in person, online or hybrid.")
    if data.visibility not in {v.value for v in Visibility}:
        errors["visibility"] = _("Choose public, unlisted or private.")
    if data.day_change is not None and (problem := day_change_problem(data.day_change)):
        errors["day_change"] = problem
    return errors


# One answer for every address that cannot be had, whatever holds it: a public event, a private one
# (which must not be told apart from a missing one) or a word Hallway keeps for itself.
ADDRESS_UNAVAILABLE = "This address is not available; choose another."
RESERVED_SLUGS = frozenset(
    {
        "new",
        "api",
        "admin",
        "manage",
        "static",
        "media",
        "archive",
        "schema",
        "login",
        "logout",
        "register",
        "events",
        "people",
        "topics",
        "embed",
        "oai",
        "oembed",
    }
)


async def create_event(data: EventInput, organiser_id: int | None) -> int:
    """Create an event; whoever creates it becomes its first organiser."""
    _check(check_event(data))
    # Only a request that would otherwise create the event learns whether its address is free, so
    # probing for addresses costs a real event each time (and event creation is rate-limited).
    if data.slug in RESERVED_SLUGS or await Event.exists().where(Event.slug == data.slug):
        _check({"slug": ADDRESS_UNAVAILABLE})
    async with Event._meta.db.transaction():
        event = Event(**_event_values(data), created_at=datetime.now(timezone.utc))
        await event.save()
        if organiser_id is not None:
            await add_member(event.id, organiser_id, MemberRole.organiser)
    return event.id


async def update_event(event_id: int, data: EventInput) -> None:
    _check(check_event(data))
    clash = await Event.select(Event.id).where((Event.slug == data.slug) & (Event.id != event_id)).first()
    if clash or data.slug in RESERVED_SLUGS:
        _check({"slug": ADDRESS_UNAVAILABLE})
    await Event.update(_columns(_event_values(data))).where(Event.id == event_id)


async def set_day_change(event_id: int, day_change: str) -> None:
    """Move where the event's days end (an import following its file), by the same rule as the form."""
    if problem := day_change_problem(day_change):
        _check({"day_change": problem})
    await Event.update({Event.day_change: time.fromisoformat(day_change)}).where(Event.id == event_id)


def _columns(values: dict[str, Any]) -> dict[Column | str, Any]:
    """Values by column name, as Piccolo's update takes them (its type asks for columns or names)."""
    return cast(dict[Column | str, Any], values)


def _event_values(data: EventInput) -> dict[str, Any]:
    return {
        "slug": data.slug,
        "title": data.title.strip(),
        "timezone": data.timezone,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "description": data.description.strip(),
        "venue": data.venue.strip(),
        "mode": data.mode,
        "visibility": data.visibility,
        **({"day_change": time.fromisoformat(data.day_change)} if data.day_change is not None else {}),
    }


async def save_track(event_id: int, name: str, colour: str = "#3b6ea5", track_id: int | None = None) -> int:
    errors: dict[str, str] = {}
    _check_text(errors, "name", name, 100, required=True)
    if not COLOUR.match(colour):
        errors["colour"] = _("Use a colour like #1d5f8a.")
    same_name = Track.select(Track.id).where((Track.event == event_id) & (Track.name == name.strip()))
    if track_id is not None:
        same_name = same_name.where(Track.id != track_id)
    if "name" not in errors and await same_name.first():
        errors["name"] = _("This event already has a track with this name.")
    _check(errors)
    if track_id is None:
        track = Track(event=event_id, name=name.strip(), colour=colour)
        await track.save()
        return track.id
    await _owned(Track, event_id, track_id)
    await Track.update({Track.name: name.strip(), Track.colour: colour}).where(Track.id == track_id)
    return track_id


async def save_room(event_id: int, data: RoomInput, room_id: int | None = None) -> int:
    errors: dict[str, str] = {}
    _check_text(errors, "name", data.name, 100, required=True)
    _check_text(errors, "location", data.location, 200)
    _check_text(errors, "description", data.description, TEXT_MAX)
    if data.kind not in {kind.value for kind in RoomKind}:
        errors["kind"] = _("Choose physical, virtual or hybrid.")
    if data.capacity is not None and not 0 < data.capacity <= 100_000:
        errors["capacity"] = _("Enter a number of seats between 1 and 100000, or leave it empty.")
    _check_url(errors, "stream_url", data.stream_url)
    _check_url(errors, "join_url", data.join_url)
    same_name = Room.select(Room.id).where((Room.event == event_id) & (Room.name == data.name.strip()))
    if room_id is not None:
        same_name = same_name.where(Room.id != room_id)
    if "name" not in errors and await same_name.first():
        errors["name"] = _("This event already has a room with this name.")
    _check(errors)
    values: dict[str, Any] = {
        "name": data.name.strip(),
        "kind": data.kind,
        "capacity": data.capacity,
        "location": data.location.strip(),
        "stream_url": data.stream_url,
        "join_url": data.join_url,
        "description": data.description.strip(),
        "position": data.position,
    }
    if room_id is None:
        room = Room(event=event_id, **values)
        await room.save()
        return room.id
    await _owned(Room, event_id, room_id)
    await Room.update(_columns(values)).where(Room.id == room_id)
    return room_id


async def save_presenter(
    event_id: int,
    name: str,
    affiliation: str = "",
    bio: str = "",
    user_id: int | None = None,
    presenter_id: int | None = None,
) -> int:
    errors: dict[str, str] = {}
    _check_text(errors, "name", name, 200, required=True)
    _check_text(errors, "affiliation", affiliation, 200)
    _check_text(errors, "bio", bio, TEXT_MAX)
    _check(errors)
    values: dict[str, Any] = {
        "name": name.strip(),
        "affiliation": affiliation.strip(),
        "bio": bio.strip(),
        "user": user_id,
    }
    if presenter_id is None:
        presenter = Presenter(event=event_id, **values)
        await presenter.save()
        return presenter.id
    await _owned(Presenter, event_id, presenter_id)
    await Presenter.update(_columns(values)).where(Presenter.id == presenter_id)
    return presenter_id


async def link_presenter(event_id: int, presenter_id: int, user_id: int) -> None:
    """The account that speaks for a presenter entry (an accepted invitation): they answer its questions."""
    await Presenter.update({Presenter.user: user_id}).where(
        (Presenter.id == presenter_id) & (Presenter.event == event_id)
    )


@dataclass(frozen=True)
class PresenterEntry:
    id: int
    name: str
    affiliation: str
    has_account: bool


async def list_presenters(event_id: int) -> list[PresenterEntry]:
    rows = (
        await Presenter.select(Presenter.id, Presenter.name, Presenter.affiliation, Presenter.user)
        .where(Presenter.event == event_id)
        .order_by(Presenter.name)
    )
    return [PresenterEntry(row["id"], row["name"], row["affiliation"], row["user"] is not None) for row in rows]


async def save_session(
    event_id: int, data: SessionInput, guid: str | None = None, new_guid: uuid.UUID | None = None
) -> str:
    """Create a session (or change the one with ``guid``); returns its guid.

    The one door for session rows: the forms, the API, the demo and schedule imports all come through
    here, so a session is held to the same rules however it arrives. An import keeps the file's guid
    (``new_guid``) so importing it again updates rather than duplicates.
    """
    errors, room_id, track_id = await _check_session(event_id, data)
    _check(errors)
    values: dict[str, Any] = {
        "title": data.title.strip(),
        "subtitle": data.subtitle.strip(),
        "abstract": data.abstract.strip(),
        "description": data.description.strip(),
        "kind": data.kind,
        "status": data.status,
        "starts_at": data.starts_at.astimezone(timezone.utc),
        "ends_at": data.ends_at.astimezone(timezone.utc),
        "room": room_id,
        "track": track_id,
        "language": data.language.strip() or "en",
        "tags": sorted({tag.strip() for tag in data.tags if tag.strip()}),
        "updated_at": datetime.now(timezone.utc),
    }
    async with Session._meta.db.transaction():
        if guid is None:
            session = Session(
                guid=new_guid or uuid.uuid4(),
                event=event_id,
                slug=await free_session_slug(event_id, data.title),
                **values,
            )
            await session.save()
            session_id, guid = session.id, str(session.guid)
        else:
            session_id = await _session_id(event_id, guid)
            await Session.update(_columns(values)).where(Session.id == session_id)
        await SessionPresenter.delete().where(SessionPresenter.session == session_id)
        for position, presenter_id in enumerate(data.presenter_ids):
            await SessionPresenter(session=session_id, presenter=presenter_id, position=position).save()
    return guid


async def _check_session(event_id: int, data: SessionInput) -> tuple[dict[str, str], int | None, int | None]:
    errors: dict[str, str] = {}
    _check_text(errors, "title", data.title, 300, required=True)
    _check_text(errors, "subtitle", data.subtitle, 300)
    _check_text(errors, "abstract", data.abstract, TEXT_MAX)
    _check_text(errors, "description", data.description, TEXT_MAX)
    _check_text(errors, "language", data.language, 16)
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        errors["starts_at"] = _("Times need a time zone.")
    elif problem := year_problem(data.starts_at) or year_problem(data.ends_at):
        errors["starts_at"] = problem
    elif data.ends_at < data.starts_at:  # equal is a moment, such as a deadline (RFC 5545 3.6.1)
        errors["ends_at"] = _("A session cannot end before it starts.")
    elif (data.ends_at - data.starts_at).days >= SESSION_DAYS_MAX:  # a camp's exhibition runs for days
        errors["ends_at"] = _("A session can last at most %(days)s days.", days=SESSION_DAYS_MAX)
    if data.kind not in {kind.value for kind in SessionKind}:
        errors["kind"] = _("Choose talk, panel, workshop, keynote, break or networking.")
    if data.status not in {status.value for status in SessionStatus}:
        errors["status"] = _("Choose draft, confirmed or cancelled.")
    bad_tags = [tag for tag in data.tags if tag.strip() and not TAG.match(tag.strip())]
    if bad_tags or len(data.tags) > 20:
        errors["tags"] = _("Use up to 20 tags of letters, digits, spaces and - & + . (60 characters each).")
    room_id = await _named_id(Room, event_id, data.room, errors, "room")
    track_id = await _named_id(Track, event_id, data.track, errors, "track")
    if data.presenter_ids:
        known = (
            await Presenter.count().where((Presenter.event == event_id) & Presenter.id.is_in(data.presenter_ids))
            if all(map(is_row_id, data.presenter_ids))
            else -1
        )
        if known != len(set(data.presenter_ids)):
            errors["presenters"] = _("Choose presenters of this event.")
    return errors, room_id, track_id


async def _named_id(
    table: type[Room] | type[Track], event_id: int, name: str, errors: dict[str, str], key: str
) -> int | None:
    if not name.strip():
        return None
    row = await table.select(table.id).where((table.event == event_id) & (table.name == name.strip())).first()
    if row is None:
        errors[key] = _(
            "This event has no %(what)s called “%(name)s”.", what=_(THINGS.get(key, key)), name=name.strip()
        )
        return None
    return int(row["id"])


async def delete_session(event_id: int, guid: str) -> None:
    """Remove a session. If it was ever published, the next release shows it as cancelled."""
    await Session.delete().where(Session.id == await _session_id(event_id, guid))


async def _session_id(event_id: int, guid: str) -> int:
    try:
        key = uuid.UUID(guid)
    except ValueError:
        raise NotFound(_("This is not a session id.")) from None
    row = await Session.select(Session.id).where((Session.event == event_id) & (Session.guid == key)).first()
    if row is None:
        raise NotFound(_("This event has no such session."))
    return int(row["id"])


async def _owned(table: type[Track] | type[Room] | type[Presenter], event_id: int, row_id: int) -> None:
    if not await table.exists().where((table.id == row_id) & (table.event == event_id)):
        raise Invalid(
            {
                "id": _(
                    "This event has no such %(what)s.", what=_(THINGS.get(table._meta.tablename, table._meta.tablename))
                )
            }
        )


async def free_session_slug(event_id: int, title: str) -> str:
    base = slugify(title) or "session"
    slug, number = base, 1
    while await Session.exists().where((Session.event == event_id) & (Session.slug == slug)):
        number += 1
        slug = f"{base[:110]}-{number}"
    return slug


def slugify(text: str) -> str:
    words = "".join(char.lower() if char.isascii() and char.isalnum() else " " for char in text).split()
    return "-".join(words)[:120].strip("-")


@dataclass(frozen=True)
class Conflict:
    kind: str  # room, presenter, outside
    message: str  # in the language of whoever asked
    guids: tuple[str, ...]


async def find_conflicts(event_id: int) -> list[Conflict]:
    """Double-booked rooms, presenters in two places, sessions outside the event's dates."""
    programme = await build_snapshot(event_id)
    active = sorted((s for s in programme.sessions if not s.cancelled), key=lambda s: s.starts_at)
    lasting = [s for s in active if s.ends_at > s.starts_at]  # a moment (a deadline) takes no room and no one's time
    found: list[Conflict] = []
    for index, first in enumerate(lasting):
        for second in lasting[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if first.room and first.room == second.room:
                found.append(
                    Conflict(
                        "room",
                        _(
                            "%(room)s is double-booked: “%(first)s” and “%(second)s”.",
                            room=first.room,
                            first=first.title,
                            second=second.title,
                        ),
                        (first.guid, second.guid),
                    )
                )
            shared = {p.id for p in first.presenters} & {p.id for p in second.presenters}
            for person in (p for p in first.presenters if p.id in shared):
                found.append(
                    Conflict(
                        "presenter",
                        _(
                            "%(name)s is in two places: “%(first)s” and “%(second)s”.",
                            name=person.name,
                            first=first.title,
                            second=second.title,
                        ),
                        (first.guid, second.guid),
                    )
                )
    for item in active:
        if not programme.event.start_date <= programme.day_of(item) <= programme.event.end_date:
            found.append(
                Conflict("outside", _("“%(title)s” is outside the event's dates.", title=item.title), (item.guid,))
            )
    return found
