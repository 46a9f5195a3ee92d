"""Pure logic of days and moments, without a database: where a day ends, which day a session is on, what clashes.

These run in the fast layer; the same rules are exercised end to end in test_schedule_import and tests/interop.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from events.agenda_notices import agenda_notices
from server.i18n import speaking
from server.notifications import say
from msgspec.structs import replace

from events.programme import Programme, ProgrammeEvent, ProgrammeSession, clashes
from events.schedule_import import _file_day_change

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def session(guid: str, starts: datetime, minutes: int, *, status: str = "confirmed") -> ProgrammeSession:
    return ProgrammeSession(
        id=0,
        guid=guid,
        slug=guid,
        title=guid.title(),
        subtitle="",
        abstract="",
        description="",
        kind="talk",
        track="",
        room="Hall",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        language="en",
        status=status,
        tags=(),
        presenters=(),
    )


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ([("2027-10-29", "2027-10-29T18:00:00+02:00", "2027-10-30T06:00:00+02:00")], time(6, 0)),
        ([("2027-10-29", "2027-10-29T06:00:00+02:00", "2027-10-30T05:59:00+02:00")], time(6, 0)),  # the minute before
        (
            [("2027-10-30", "2027-10-30T18:00:00+02:00", "2027-10-31T06:00:00+01:00")],
            time(6, 0),
        ),  # over the clock change
        (
            [
                ("2019-08-21", "2019-08-21T09:00:00+02:00", "2019-08-22T04:00:00+02:00"),
                ("2019-08-22", "2019-08-22T09:00:00+02:00", "2019-08-23T05:00:00+02:00"),
            ],
            time(5, 0),
        ),  # the latest end
        ([("2027-05-20", "2027-05-20T09:00:00+02:00", "2027-05-20T19:00:00+02:00")], None),  # says nothing
        (
            [("2027-05-20", "2027-05-20T02:00:00+02:00", "2027-05-20T19:00:00+02:00")],
            time(0, 0),
        ),  # small hours: midnight
        (
            [("2027-05-20", "2027-05-20T09:00:00+02:00", "2027-05-21T13:00:00+02:00")],
            None,
        ),  # after noon is no day change
        ([("not a date", "", "")], None),
        (
            [("2026-03-28", "2026-03-28T02:30:00+01:00", "2026-03-29T02:30:00+01:00")],
            time(2, 30),
        ),  # in the skipped hour
        ([("2027-03-27", "2027-03-27T04:30:00+01:00", "2027-03-28T04:30:00+02:00")], time(4, 30)),  # not on the hour
    ],
)
def test_a_files_days_say_where_the_day_changes(bounds: list, expected: time | None) -> None:
    assert _file_day_change(bounds, BERLIN) == expected


@pytest.mark.parametrize(
    ("local", "change", "day"),
    [
        ("2027-10-30T04:30", time(6, 0), date(2027, 10, 29)),
        ("2027-10-30T04:30", time(4, 0), date(2027, 10, 30)),
        ("2027-10-31T02:30", time(6, 0), date(2027, 10, 30)),  # either 02:30 of the night the clocks go back
        ("2027-10-30T00:00", time(0, 0), date(2027, 10, 30)),
    ],
)
def test_a_session_belongs_to_the_day_before_until_the_day_changes(local: str, change: time, day: date) -> None:
    starts = datetime.fromisoformat(local).replace(tzinfo=BERLIN)

    assert session("s", starts, 30).conference_day(BERLIN, change) == day


def test_moments_and_cancelled_sessions_never_clash() -> None:
    ten = datetime(2027, 3, 27, 10, tzinfo=UTC)
    talk, other = session("talk", ten, 60), session("other", ten + timedelta(minutes=30), 60)
    deadline, called_off = (
        session("deadline", ten + timedelta(minutes=15), 0),
        session("off", ten, 60, status="cancelled"),
    )

    assert clashes([talk, other, deadline, called_off]) == {"talk", "other"}
    assert clashes([talk, deadline]) == clashes([deadline, talk]) == set()


def test_agenda_notices_word_moves_in_the_events_zone_and_ignore_what_agendas_do_not_show() -> None:
    ten = datetime(2027, 3, 27, 10, tzinfo=UTC)
    snapshot = Programme(
        event=ProgrammeEvent(
            slug="ill-days",
            title="ILL days",
            description="",
            timezone="Europe/Berlin",
            start_date=date(2027, 3, 27),
            end_date=date(2027, 3, 28),
            venue="",
            mode="hybrid",
            visibility="public",
        ),
        rooms=(),
        tracks=(),
        sessions=tuple(
            replace(session(guid, ten, 60), slug=slug)
            for guid, slug in (("a", "fair-use"), ("b", "couriers"), ("c", "lending"))
        ),
    )
    changelog = [
        {
            "guid": "a",
            "title": "Fair use",
            "change": "moved",
            "from": {"starts_at": "2027-03-27T09:00:00+00:00", "ends_at": "", "room": "Main Hall"},
            "to": {"starts_at": "2027-03-28T12:00:00+00:00", "ends_at": "", "room": "Room B"},
        },
        {
            "guid": "b",
            "title": "Couriers",
            "change": "moved",
            "from": {"starts_at": "2027-03-27T09:00:00+00:00", "ends_at": "", "room": "Main Hall"},
            "to": {"starts_at": "2027-03-27T09:00:00+00:00", "ends_at": "", "room": "Room B"},
        },
        {"guid": "c", "title": "Lending", "change": "updated", "fields": ["abstract"]},
        {
            "guid": "c",
            "title": "Lending",
            "change": "moved",
            "from": {"starts_at": "2027-03-27T09:00:00+00:00", "ends_at": "2027-03-27T10:00:00+00:00", "room": "Hall"},
            "to": {"starts_at": "2027-03-27T09:00:00+00:00", "ends_at": "2027-03-27T10:30:00+00:00", "room": "Hall"},
        },
        {"guid": "", "title": "rooms", "change": "rooms", "added": ["Room C"], "removed": [], "changed": []},
    ]

    notices = {guid: (say(sentences), link) for guid, (sentences, link) in agenda_notices(snapshot, changelog).items()}
    with speaking("de"):
        in_german = say(agenda_notices(snapshot, changelog)["a"][0])

    assert in_german == (
        "„Fair use“ auf Ihrer Merkliste wurde auf So., 28. März, 14:00, Room B verschoben"
        " (vorher Sa., 27. März, 10:00, Main Hall)."
    )
    assert notices == {
        "a": (
            "“Fair use” in your agenda moved to Sun 28 Mar 14:00, Room B (was Sat 27 Mar 10:00, Main Hall).",
            "/events/ill-days/sessions/fair-use/",
        ),  # summer time begins that night: 12:00 UTC is 14:00
        "b": ("“Couriers” in your agenda moved to Room B (was Main Hall).", "/events/ill-days/sessions/couriers/"),
        "c": ("“Lending” in your agenda now ends at 11:30 (was 11:00).", "/events/ill-days/sessions/lending/"),
    }
