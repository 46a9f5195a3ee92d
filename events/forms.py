"""What the organisers' HTML forms send, read into the domain's input shapes.

Each form field arrives as text; here it becomes the typed input ``events.editing`` checks, with a
message per field for what cannot even be read (a date that is not a date). Everything else is
``editing``'s to refuse, so a page and the API refuse the same input with the same words.
"""

from __future__ import annotations

from server.i18n import _
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.editing import EventInput, RoomInput, SessionInput
from events.programme import DAY_CHANGE, DAY_CHANGE_TEXT
from events.tables import EventMode, Visibility
from server.forms import SEATS, chosen_numbers, optional_whole_number
from server.validation import whole_number
from server.problems import Invalid


def event_input(values: dict[str, str]) -> EventInput:
    return EventInput(
        slug=values["slug"].strip().lower(),
        title=values["title"],
        timezone=values["timezone"].strip(),
        start_date=_date(values["start_date"], "start_date"),
        end_date=_date(values["end_date"], "end_date"),
        description=values["description"],
        venue=values["venue"],
        mode=values["mode"] or EventMode.hybrid.value,
        visibility=values["visibility"] or Visibility.public.value,
        day_change=values["day_change"].strip() or DAY_CHANGE_TEXT,  # empty: 04:00
    )


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid({field: _("Enter a date like 2027-03-27.")}) from None


EVENT_FIELDS = (
    "slug",
    "title",
    "timezone",
    "start_date",
    "end_date",
    "description",
    "venue",
    "mode",
    "visibility",
    "day_change",
)
SESSION_FIELDS = (
    "title",
    "subtitle",
    "day",
    "start",
    "minutes",
    "room",
    "track",
    "kind",
    "status",
    "language",
    "tags",
    "abstract",
    "description",
)


def session_input(
    values: dict[str, str], presenter_ids: list[int], zone: ZoneInfo, day_change: time = DAY_CHANGE
) -> SessionInput:
    """The form's day is the programme day: a start before the day change is that day's night (the next date)."""
    errors: dict[str, str] = {}
    try:
        day = date.fromisoformat(values["day"])
    except ValueError:
        errors["day"] = _("Choose a day.")
    try:
        start = time.fromisoformat(values["start"])
    except ValueError:
        errors["start"] = _("Enter a time like 14:30.")
    minutes = whole_number(values["minutes"].strip())
    if minutes is None or not 0 <= minutes <= 24 * 60:
        errors["minutes"] = _("Enter a length in minutes, up to 1440 (0 for a moment such as a deadline).")
    if errors:
        raise Invalid(errors)
    starts = datetime.combine(day + timedelta(days=1 if start < day_change else 0), start, zone)
    return SessionInput(
        title=values["title"],
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes or 0),
        room=values["room"],
        track=values["track"],
        kind=values["kind"] or "talk",
        status=values["status"] or "confirmed",
        subtitle=values["subtitle"],
        abstract=values["abstract"],
        description=values["description"],
        language=values["language"] or "en",
        tags=[t.strip() for t in values["tags"].split(",") if t.strip()],
        presenter_ids=presenter_ids,
    )


ROOM_FIELDS = ("name", "kind", "capacity", "location", "stream_url", "join_url")


def room_input(values: dict[str, str], position: int) -> RoomInput:
    """A room of the programme (``position`` puts a new one after the others)."""
    return RoomInput(
        name=values["name"],
        kind=values["kind"] or "physical",
        capacity=optional_whole_number(values, "capacity", SEATS),
        location=values["location"],
        stream_url=values["stream_url"].strip(),
        join_url=values["join_url"].strip(),
        position=position,
    )


def presenter_ids(sent: list[object]) -> list[int]:
    """The presenters ticked on the session form, by their numbers."""
    return chosen_numbers(sent, "presenters", "Presenters are chosen by their number.")
