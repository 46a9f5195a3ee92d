"""The demo conference: a two-day interlibrary-loan forum, loaded once by ``hallway demo``.

It is always under way in the event's time zone: it runs today and tomorrow, or,
before ten in the morning there, yesterday and today, so whoever tries Hallway finds
something on "now and next" and a morning's figures in the insights. People and
institutions are invented.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.editing import (
    EventInput,
    RoomInput,
    SessionInput,
    create_event,
    save_presenter,
    save_room,
    save_session,
    save_track,
    slugify,
)
from events.programme import ProgrammeSession
from events.releases import publish_release, working_programme
from server.accounts import account_id_by_email, create_account
from events.tables import (
    Event,
    EventMode,
    RoomKind,
    SessionKind,
    SessionStatus,
    Visibility,
)

DEMO_SLUG = "resource-sharing-forum"
DEMO_ZONE = "America/Chicago"
# Before this hour (in DEMO_ZONE) nothing of today's conference day has happened yet,
# so the demo began the day before.
UNDER_WAY_FROM = time(10, 0)

TRACKS = {
    "copyright": ("Copyright & Licensing", "#8a3b12"),
    "workflow": ("Workflows & Technology", "#1d5f8a"),
    "global": ("International Lending", "#2f6b3a"),
    "assessment": ("Assessment & Strategy", "#6b3d8a"),
}

ROOMS = [
    ("Prairie Ballroom", RoomKind.hybrid, 220, "Level 2", "https://stream.example.org/prairie"),
    ("Lakeview Room", RoomKind.physical, 60, "Level 1, east wing", ""),
    ("Online Stage", RoomKind.virtual, None, "", "https://stream.example.org/online-stage"),
]

PRESENTERS = {
    "okafor": (
        "Adaeze Okafor",
        "Northgate University Libraries",
        "Head of resource sharing; chairs a regional copyright working group.",
    ),
    "lindqvist": (
        "Maja Lindqvist",
        "Uppsala Regional Library",
        "Coordinates international lending for a network of 40 public libraries.",
    ),
    "ramirez": (
        "Tomás Ramírez",
        "Universidad del Valle Central",
        "Systems librarian who automates request routing and delivery.",
    ),
    "chen": (
        "Wei Chen",
        "Lakeshore Community College",
        "Runs a two-person ILL office and writes about small-team workflows.",
    ),
    "whitfield": (
        "Harriet Whitfield",
        "State Library Consortium",
        "Licensing negotiator for e-resources across 120 member libraries.",
    ),
    "nakamura": (
        "Kenji Nakamura",
        "Pacific Rim Research Library",
        "Assessment librarian; builds dashboards from transaction logs.",
    ),
    "osei": ("Kwame Osei", "University of the Gold Coast", "Document supply manager working on cross-border delivery."),
    "dubois": (
        "Claire Dubois",
        "Bibliothèque interuniversitaire de Lyon",
        "Specialist in accessible formats and print-disability services.",
    ),
    "hughes": (
        "Rhys Hughes",
        "Cardiff Health Sciences Library",
        "Clinical librarian who balances purchase on demand against lending.",
    ),
    "patel": (
        "Anika Patel",
        "Midwest Academic Libraries Alliance",
        "Directs consortial borrowing and shared catalogue services.",
    ),
    "brennan": (
        "Siobhan Brennan",
        "County Library Service",
        "Rural outreach librarian serving twelve branch libraries.",
    ),
    "mueller": (
        "Jonas Müller",
        "Deutsche Fernleihe Network",
        "Copyright compliance officer for a national lending network.",
    ),
    "santos": (
        "Beatriz Santos",
        "Open Scholarship Institute",
        "Open-access advocate who studies discovery before request.",
    ),
    "abbott": ("Grace Abbott", "Riverside Public Library", "Conference chair and ILL coordinator."),
    "farah": (
        "Yusuf Farah",
        "Horn of Africa Digital Library",
        "Digitisation lead working on controlled digital lending.",
    ),
}


@dataclass(frozen=True)
class DemoSession:
    day: int
    start: str
    minutes: int
    room: int
    title: str
    kind: SessionKind
    track: str | None
    presenters: tuple[str, ...]
    abstract: str


SESSIONS = [
    DemoSession(
        0,
        "09:00",
        30,
        0,
        "Opening: Sharing Is the Job",
        SessionKind.keynote,
        None,
        ("abbott",),
        "Why resource sharing matters more when budgets shrink, and how this forum keeps its knowledge for the people who could not come.",
    ),
    DemoSession(
        0,
        "09:30",
        60,
        0,
        "Fifty Years after CONTU: Copyright Guidelines in a Licensed World",
        SessionKind.keynote,
        "copyright",
        ("okafor",),
        "The CONTU guidelines and the 'rule of five' were written for print journals. Most of what we lend now comes with a licence. What still applies, what the licence overrides, and how to build a defensible practice.",
    ),
    DemoSession(
        0,
        "10:30",
        30,
        0,
        "Coffee break",
        SessionKind.break_,
        None,
        (),
        "Coffee in the foyer; the online lounge is open.",
    ),
    DemoSession(
        0,
        "11:00",
        45,
        1,
        "Fair Use in Practice: Reading Licence Terms Before You Lend",
        SessionKind.talk,
        "copyright",
        ("mueller",),
        "A walk through real licence clauses on interlibrary loan, with a one-page checklist staff can use at the request desk.",
    ),
    DemoSession(
        0,
        "11:00",
        45,
        2,
        "Automating Request Routing: Rules That Cut Turnaround by a Third",
        SessionKind.talk,
        "workflow",
        ("ramirez",),
        "How a mid-sized library replaced manual lender strings with routing rules based on holdings, fill rates and cost, and what broke along the way.",
    ),
    DemoSession(
        0,
        "12:00",
        60,
        0,
        "Lending Across Borders: Customs, Postage and Digital Delivery",
        SessionKind.panel,
        "global",
        ("lindqvist", "osei", "farah"),
        "Three libraries on three continents compare what it takes to lend internationally: customs forms, tracked postage, licence limits on cross-border electronic delivery, and partners who answer.",
    ),
    DemoSession(
        0,
        "13:00",
        60,
        0,
        "Lunch and topic tables",
        SessionKind.networking,
        None,
        (),
        "Lunch in the ballroom and topic tables in the online lounge: copyright, international lending, small teams, assessment.",
    ),
    DemoSession(
        0,
        "14:00",
        45,
        1,
        "Purchase on Demand: When Buying Beats Borrowing",
        SessionKind.talk,
        "assessment",
        ("hughes",),
        "Two years of data on buying instead of borrowing: which requests to buy, price caps, delivery times, and what the bought books did afterwards.",
    ),
    DemoSession(
        0,
        "14:00",
        45,
        2,
        "IFLA Vouchers and International Payments Made Simple",
        SessionKind.talk,
        "global",
        ("lindqvist",),
        "Paying lenders abroad without a finance office nightmare: vouchers, invoices, reciprocal agreements and free-lending networks.",
    ),
    DemoSession(
        0,
        "15:00",
        90,
        1,
        "Workshop: Build an ILL Dashboard from Your Transaction Logs",
        SessionKind.workshop,
        "assessment",
        ("nakamura",),
        "Bring an export of last year's requests. We clean it, chart turnaround and fill rate by lender, and leave with a dashboard your director will read.",
    ),
    DemoSession(
        0,
        "15:00",
        45,
        0,
        "Controlled Digital Lending: Where Things Stand",
        SessionKind.talk,
        "copyright",
        ("farah", "okafor"),
        "After the court rulings, what controlled digital lending can still do for resource sharing, and the risk assessment a library should write before starting.",
    ),
    DemoSession(
        0,
        "16:45",
        45,
        2,
        "Meet your regional peers",
        SessionKind.networking,
        None,
        (),
        "Speed networking in the online lounge, grouped by region, so everyone leaves with three people they can call.",
    ),
    DemoSession(
        1,
        "09:00",
        45,
        0,
        "Measuring What Matters: Assessment Beyond Fill Rates",
        SessionKind.keynote,
        "assessment",
        ("nakamura",),
        "Fill rate and turnaround tell only part of the story. Patron outcomes, cost per transaction and staff time make the case to administrators.",
    ),
    DemoSession(
        1,
        "10:00",
        45,
        1,
        "Accessible Delivery: Articles for Patrons with Print Disabilities",
        SessionKind.talk,
        "workflow",
        ("dubois",),
        "Getting accessible copies through interlibrary loan: what the Marrakesh Treaty allows, file formats that work with screen readers, and partners who share them.",
    ),
    DemoSession(
        1,
        "10:00",
        45,
        2,
        "Staffing ILL with Two People and a Scanner",
        SessionKind.talk,
        "workflow",
        ("chen",),
        "A small office's survival guide: batching, templates, saying no politely, and the three automations that paid for themselves in a month.",
    ),
    DemoSession(
        1,
        "11:00",
        60,
        0,
        "Consortial Borrowing: Lessons from Shared Catalogues",
        SessionKind.panel,
        "assessment",
        ("patel", "whitfield", "brennan"),
        "What changes when patrons request directly from a shared catalogue: load balancing, delivery vans, and keeping small members from being overwhelmed.",
    ),
    DemoSession(
        1,
        "14:00",
        45,
        2,
        "Licensing E-books for Interlibrary Loan: Negotiation Tactics",
        SessionKind.talk,
        "copyright",
        ("whitfield",),
        "Model clauses, walk-away points and the arguments that persuaded publishers to allow chapter lending from e-books.",
    ),
    DemoSession(1, "12:00", 60, 0, "Lunch", SessionKind.break_, None, (), "Lunch in the foyer."),
    DemoSession(
        1,
        "13:00",
        45,
        1,
        "Copyright Compliance Reporting without Tears",
        SessionKind.talk,
        "copyright",
        ("mueller", "okafor"),
        "Keeping the records the guidelines expect, producing the annual report in minutes, and answering an auditor's questions.",
    ),
    DemoSession(
        1,
        "13:00",
        45,
        2,
        "Resource Sharing in Small and Rural Libraries",
        SessionKind.talk,
        "global",
        ("brennan",),
        "Courier routes, shared library cards and a regional union list: how twelve rural branches offer the same reach as a city system.",
    ),
    DemoSession(
        1,
        "14:00",
        45,
        1,
        "Open Access Discovery before Placing a Request",
        SessionKind.talk,
        "workflow",
        ("santos",),
        "One in five article requests has a legal open copy. Checking for it automatically saves lenders work and patrons days.",
    ),
    DemoSession(
        1,
        "15:00",
        30,
        0,
        "Closing and next steps",
        SessionKind.talk,
        None,
        ("abbott",),
        "What we learned, where the recordings and questions live from now on, and who to ask.",
    ),
]


# Presenters with (demo) accounts: they can answer questions in the Q&A demo.
PRESENTERS_WITH_ACCOUNTS = ("okafor", "nakamura")
KEYNOTE_TITLE = "Fifty Years after CONTU: Copyright Guidelines in a Licensed World"
MOVED_TITLE = "Purchase on Demand: When Buying Beats Borrowing"
CANCELLED_TITLE = "IFLA Vouchers and International Payments Made Simple"


def demo_first_day(now: datetime) -> date:
    """The first day of a demo loaded at ``now`` (local to the demo's zone): one with a morning behind it."""
    return now.date() if now.timetz().replace(tzinfo=None) >= UNDER_WAY_FROM else now.date() - timedelta(days=1)


async def load_demo(today: date | None = None) -> bool:
    """Create the demo conference, published twice, unless it exists. Returns whether it was created.

    The second release moves one session and cancels another, so the changelog
    and calendar updates can be seen on a first run.
    """
    if await Event.exists().where(Event.slug == DEMO_SLUG):
        return False
    zone = ZoneInfo(DEMO_ZONE)
    first_day = today or demo_first_day(datetime.now(zone))
    details = EventInput(
        slug=DEMO_SLUG,
        title="Resource Sharing Forum",
        description=(
            "Two days on interlibrary loan and document supply: copyright and licensing, international "
            "lending, workflow automation, purchase on demand and assessment. In Minneapolis and online."
        ),
        timezone=DEMO_ZONE,
        start_date=first_day,
        end_date=first_day + timedelta(days=1),
        venue="Riverside Conference Centre, Minneapolis",
        mode=EventMode.hybrid.value,
        visibility=Visibility.public.value,
    )
    async with Event._meta.db.transaction():  # the same doors as the organisers' pages, all or nothing
        event_id = await create_event(details, None)
        for name, colour in TRACKS.values():
            await save_track(event_id, name, colour)
        for position, (name, kind, capacity, location, stream) in enumerate(ROOMS):
            room = RoomInput(name, kind.value, capacity, location, stream_url=stream, position=position)
            await save_room(event_id, room)
        accounts = {key: await _presenter_account(PRESENTERS[key][0]) for key in PRESENTERS_WITH_ACCOUNTS}
        people = {
            key: await save_presenter(event_id, name, affiliation, bio, user_id=accounts.get(key))
            for key, (name, affiliation, bio) in PRESENTERS.items()
        }
        for item in SESSIONS:
            await _save_session(event_id, item, first_day, zone, people)
        await publish_release(event_id, "The first programme.")
        await _revise(event_id)
        await publish_release(event_id, "Purchase on demand moves to the ballroom; the payments talk is cancelled.")
    return True


async def _presenter_account(name: str) -> int:
    """An account for a demo presenter, so the Q&A demo has someone to answer. Nobody knows its password."""
    email = name.lower().replace(" ", ".") + "@demo.hallway.invalid"
    return await account_id_by_email(email) or await create_account(
        email, secrets.token_urlsafe(24), name, confirmed=True
    )


async def _revise(event_id: int) -> None:
    """What organisers do between two releases, through the same door as their form."""
    programme = await working_programme(event_id)
    moved = next(item for item in programme.sessions if item.title == MOVED_TITLE)
    later = timedelta(hours=2, minutes=45)
    await save_session(
        event_id,
        replace(_as_input(moved), room=ROOMS[0][0], starts_at=moved.starts_at + later, ends_at=moved.ends_at + later),
        moved.guid,
    )
    cancelled = next(item for item in programme.sessions if item.title == CANCELLED_TITLE)
    await save_session(event_id, replace(_as_input(cancelled), status=SessionStatus.cancelled.value), cancelled.guid)


def _as_input(item: ProgrammeSession) -> SessionInput:
    return SessionInput(
        title=item.title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        room=item.room,
        track=item.track,
        kind=item.kind,
        status=item.status,
        subtitle=item.subtitle,
        abstract=item.abstract,
        description=item.description,
        language=item.language,
        tags=list(item.tags),
        presenter_ids=[person.id for person in item.presenters],
    )


async def _save_session(
    event_id: int, item: DemoSession, first_day: date, zone: ZoneInfo, people: dict[str, int]
) -> None:
    hour, minute = (int(part) for part in item.start.split(":"))
    starts = datetime.combine(first_day + timedelta(days=item.day), time(hour, minute), zone)
    data = SessionInput(
        title=item.title,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=item.minutes),
        room=ROOMS[item.room][0],
        track=TRACKS[item.track][0] if item.track else "",
        kind=item.kind.value,
        abstract=item.abstract,
        presenter_ids=[people[key] for key in item.presenters],
    )
    await save_session(event_id, data, new_guid=uuid.uuid5(uuid.NAMESPACE_URL, f"hallway:demo:{slugify(item.title)}"))
