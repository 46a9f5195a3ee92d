"""The figures behind the insights pages, computed from aggregates each package keeps.

Nothing here reads who did what: registrations and check-ins are counted per day or hour,
views, plays and live viewers come from :mod:`server.activity`, questions and polls from
their packages' statistics functions.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from archive.items import ItemView, list_items
from archive.metrics import ITEM_PLAY, ITEM_VIEW, OAI_REQUEST, SEARCH_NOTHING, SEARCH_NOTHING_IN_EVENT, event_search_key
from archive.topics import TopicView, topics_by_session
from events.access import EventAccess
from events.metrics import EVENT_VIEW
from events.programme import ProgrammeSession
from events.registration import Registration, registrations
from events.releases import published_programme
from networking.metrics import ROOM_OCCUPANCY
from networking.rooms import list_rooms
from networking.speed import speed_summary
from server.activity import Tally, tallies
from server.i18n import N_, _, in_numbers, in_words
from sessions.metrics import LIVE_VIEWERS, ONLINE_NOW
from sessions.polls import poll_participation
from sessions.questions import QuestionFact, question_facts

from insights.charts import THRESHOLD, Chart, few

PHASES = ("before", "during", "after")
PHASE_NAMES = {"before": N_("before"), "during": N_("during"), "after": N_("after")}
TOP = 10


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str


@dataclass(frozen=True)
class Report:
    title: str
    key_figures: list[KeyFigure]
    charts: list[Chart]

    def chart(self, slug: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.slug == slug), None)


def people(value: int) -> str:
    """A count of people, withheld below the threshold, written the reader's way."""
    return few() if 0 < value < THRESHOLD else in_numbers(value)


def _median_hours(durations: list[timedelta]) -> str:
    if len(durations) < THRESHOLD:
        return _("fewer than %(count)s answers", count=THRESHOLD) if durations else _("no answers")
    hours = statistics.median(d.total_seconds() for d in durations) / 3600
    if hours < 1:
        return _("%(minutes)s minutes", minutes=in_numbers(round(hours * 60)))
    return _("%(hours)s hours", hours=in_numbers(round(hours, 1)))


async def event_report(access: EventAccess) -> Report:
    zone = ZoneInfo(access.timezone)
    programme = await published_programme(access.event_id)
    sessions = {s.guid: s for s in programme.sessions if not s.cancelled} if programme else {}
    people_registered = await registrations(access.event_id)
    facts = await question_facts(access.event_id)
    speed = await speed_summary(access.event_id)
    items = await list_items(frozenset({access.event_id}), event_slug=access.slug)
    use = await archive_use(items)
    answered = [f for f in facts if f.answered_at]
    key_figures = [
        KeyFigure(_("Registered"), people(len(people_registered))),
        KeyFigure(_("Registered in person"), people(sum(r.attendance == "in_person" for r in people_registered))),
        KeyFigure(_("Checked in at the venue"), people(sum(bool(r.checked_in_at) for r in people_registered))),
        KeyFigure(_("Questions asked"), people(len(facts))),
        KeyFigure(_("Questions answered"), people(len(answered))),
        KeyFigure(
            _("Median time to an answer"),
            _median_hours([f.answered_at - f.asked_at for f in answered if f.answered_at]),
        ),
        KeyFigure(_("Speed-networking rounds"), in_numbers(speed.rounds)),
        KeyFigure(_("Speed-networking groups formed"), people(speed.groups)),
        KeyFigure(_("Sessions in the archive"), in_numbers(len(items))),
    ]
    charts = [
        registration_chart(people_registered, zone),
        await attendance_chart(access.event_id, people_registered, zone),
        await room_peaks_chart(access.event_id, sessions),
        await networking_peaks_chart(access.event_id),
        await busiest_hours_chart(access.event_id, zone),
        await live_viewers_chart(sessions),
        questions_chart(facts),
        await polls_chart(access.event_id),
        archive_use_chart(items, use),
        topics_chart(items, use),
        await empty_searches_chart(access.title),
    ]
    return Report(access.title, key_figures, charts)


def registration_chart(people_registered: list[Registration], zone: ZoneInfo) -> Chart:
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for person in people_registered:
        per_day[person.registered_at.astimezone(zone).date().isoformat()][person.attendance] += 1
    days = sorted(per_day)
    return Chart.of(
        "registrations",
        _("Registrations per day"),
        _("New registrations each day, in person and online."),
        days,
        {_("In person"): [per_day[d]["in_person"] for d in days], _("Online"): [per_day[d]["online"] for d in days]},
        "stacked",
    )


def _hour_label(bucket: datetime, zone: ZoneInfo) -> str:
    return in_words(bucket.astimezone(zone), "%a %d %b %H:%M")  # buckets are whole hours


async def attendance_chart(event_id: int, people_registered: list[Registration], zone: ZoneInfo) -> Chart:
    arrivals: Counter[datetime] = Counter()
    for person in people_registered:
        if person.checked_in_at:
            arrivals[person.checked_in_at.replace(minute=0, second=0, microsecond=0)] += 1
    online = {t.bucket: t.value for t in await tallies(ONLINE_NOW, [str(event_id)], peaks=True)}
    hours = sorted(set(arrivals) | set(online))
    return Chart.of(
        "attendance",
        _("Attendance by hour"),
        _(
            "People checked in at the venue each hour, and the most "
            "people following the event online at once in that hour."
        ),
        [_hour_label(h, zone) for h in hours],
        {
            _("Checked in (in person)"): [arrivals.get(h, 0) for h in hours],
            _("Online at once (peak)"): [online.get(h, 0) for h in hours],
        },
        "bar",
    )


def _peaks_by_key(found: list[Tally]) -> dict[str, int]:
    peaks: dict[str, int] = {}
    for tally in found:
        peaks[tally.key] = max(peaks.get(tally.key, 0), tally.value)
    return peaks


async def room_peaks_chart(event_id: int, sessions: dict[str, ProgrammeSession]) -> Chart:
    peaks = _peaks_by_key(await tallies(LIVE_VIEWERS, list(sessions), peaks=True))
    rooms: dict[str, int] = {}
    for guid, session in sessions.items():
        room = session.room or _("No room")
        rooms[room] = max(rooms.get(room, 0), peaks.get(guid, 0))
    names = sorted(rooms, key=lambda name: (-rooms[name], name))
    return Chart.of(
        "room-peaks",
        _("Peak live viewers per room"),
        _("The most people watching a session in each room live at once."),
        names,
        {_("Viewers at once"): [rooms[n] for n in names]},
        "hbar",
    )


async def networking_peaks_chart(event_id: int) -> Chart:
    rooms = await list_rooms(event_id)
    peaks = _peaks_by_key(await tallies(ROOM_OCCUPANCY, [str(r.id) for r in rooms], peaks=True))
    ordered = sorted(rooms, key=lambda r: (-peaks.get(str(r.id), 0), r.name))
    return Chart.of(
        "networking-peaks",
        _("Peak occupancy per networking room"),
        _("The most people in each lounge or table at once."),
        [r.name for r in ordered],
        {_("People at once"): [peaks.get(str(r.id), 0) for r in ordered]},
        "hbar",
    )


async def busiest_hours_chart(event_id: int, zone: ZoneInfo) -> Chart:
    by_hour: Counter[int] = Counter()
    for tally in await tallies(EVENT_VIEW, [str(event_id)]):
        by_hour[tally.bucket.astimezone(zone).hour] += tally.value
    hours = list(range(24))
    return Chart.of(
        "busiest-hours",
        _("Busiest hours"),
        _("Views of the event's pages by hour of the day, in the event's time zone, over the whole event."),
        [f"{h:02d}:00" for h in hours],
        {_("Page views"): [by_hour[h] for h in hours]},
        "bar",
    )


async def live_viewers_chart(sessions: dict[str, ProgrammeSession]) -> Chart:
    peaks = _peaks_by_key(await tallies(LIVE_VIEWERS, list(sessions), peaks=True))
    top = sorted((g for g in peaks if g in sessions), key=lambda g: (-peaks[g], sessions[g].title))[:TOP]
    return Chart.of(
        "live-viewers",
        _("Sessions by live viewers"),
        _("The %(count)s sessions with the most people on their live page at once.", count=TOP),
        [sessions[g].title for g in top],
        {_("Viewers at once"): [peaks[g] for g in top]},
        "hbar",
    )


def questions_chart(facts: list[QuestionFact]) -> Chart:
    asked = Counter(f.phase for f in facts)
    answered = Counter(f.phase for f in facts if f.answered_at)
    return Chart.of(
        "questions",
        _("Questions per phase"),
        _("Questions asked before, during and after the sessions, and how many were answered."),
        [_(PHASE_NAMES[p]) for p in PHASES],
        {_("Asked"): [asked[p] for p in PHASES], _("Answered"): [answered[p] for p in PHASES]},
        "bar",
    )


async def polls_chart(event_id: int) -> Chart:
    polls = await poll_participation(event_id)
    return Chart.of(
        "polls",
        _("Poll participation"),
        _("How many people answered each poll."),
        [p.question for p in polls],
        {_("People who answered"): [p.voters for p in polls]},
        "hbar",
    )


@dataclass(frozen=True)
class ArchiveUse:
    """Views and plays per item handle, and each session's topics: read once for the charts that need them."""

    views: Counter[str]
    plays: Counter[str]
    topics: dict[str, list[TopicView]]


async def archive_use(items: list[ItemView]) -> ArchiveUse:
    handles = [item.handle for item in items]
    views: Counter[str] = Counter()
    plays: Counter[str] = Counter()
    for tally in await tallies(ITEM_VIEW, handles):
        views[tally.key] += tally.value
    for tally in await tallies(ITEM_PLAY, handles):
        plays[tally.key] += tally.value
    return ArchiveUse(views, plays, await topics_by_session([item.session_guid for item in items]))


def archive_use_chart(items: list[ItemView], use: ArchiveUse) -> Chart:
    views, plays = use.views, use.plays
    ordered = sorted(items, key=lambda i: (-views[i.handle], -plays[i.handle], i.title))[:TOP]
    return Chart.of(
        "archive-use",
        _("Archive views and plays"),
        _("How often each archived session's page was opened and its recording played, since it was archived."),
        [i.title for i in ordered],
        {_("Views"): [views[i.handle] for i in ordered], _("Plays"): [plays[i.handle] for i in ordered]},
        "hbar",
    )


def topics_chart(items: list[ItemView], use: ArchiveUse) -> Chart:
    per_topic: Counter[str] = Counter()
    for item in items:
        for topic in use.topics.get(item.session_guid, []):
            per_topic[topic.name] += use.views[item.handle] + use.plays[item.handle]
    top = sorted(per_topic, key=lambda name: (-per_topic[name], name))[:TOP]
    return Chart.of(
        "topics",
        _("Top topics"),
        _("Topics by views and plays of their archived sessions."),
        top,
        {_("Views and plays"): [per_topic[t] for t in top]},
        "hbar",
    )


async def empty_searches_chart(event_title: str | None = None) -> Chart:
    """Archive searches that found nothing: a search term appears only once five or more people used it.

    For an event, only the searches made within its own sessions: site-wide ones say nothing about it.
    """
    totals: Counter[str] = Counter()
    if event_title is None:
        for tally in await tallies(SEARCH_NOTHING):
            totals[tally.key] += tally.value
    else:
        prefix = event_search_key(event_title, "")
        for tally in await tallies(SEARCH_NOTHING_IN_EVENT):
            if tally.key.startswith(prefix):
                totals[tally.key.removeprefix(prefix)] += tally.value
    top = [term for term, n in totals.most_common() if n >= THRESHOLD][:TOP]
    return Chart.of(
        "empty-searches",
        _("Searches that found nothing"),
        _("The archive searches most often made without a result: topics people look for and do not find."),
        top,
        {_("Searches"): [totals[t] for t in top]},
        "hbar",
    )


async def archive_report(event_ids: frozenset[int]) -> Report:
    """The whole archive across events and years, for site administrators."""
    items = await list_items(event_ids, limit=100_000)
    use = await archive_use(items)
    topics = use.topics
    years = sorted({item.year for item in items})
    per_topic_year: dict[str, Counter[int]] = defaultdict(Counter)
    for item in items:
        for topic in topics.get(item.session_guid, []):
            per_topic_year[topic.name][item.year] += 1
    topic_names = sorted(per_topic_year)
    items_chart = Chart.of(
        "items-per-topic",
        _("Archived sessions per topic and year"),
        _("How many archived sessions each topic has, year by year."),
        topic_names,
        {str(y): [per_topic_year[t][y] for t in topic_names] for y in years},
        "stacked",
        people=False,
    )
    handles = [item.handle for item in items]
    plays_by_month: Counter[str] = Counter()
    for tally in await tallies(ITEM_PLAY, handles):
        plays_by_month[tally.bucket.strftime("%Y-%m")] += tally.value
    months = sorted(plays_by_month)
    plays_chart = Chart.of(
        "plays",
        _("Plays per month"),
        _("Recordings played in the archive each month."),
        months,
        {_("Plays"): [plays_by_month[m] for m in months]},
        "line",
    )
    unanswered: Counter[str] = Counter()
    events = {item.event_id: item.event_title for item in items if item.event_id is not None}
    for event_id, title in events.items():
        unanswered[title] = sum(1 for f in await question_facts(event_id) if f.phase == "after" and not f.answered_at)
    event_names = sorted(unanswered, key=lambda name: (-unanswered[name], name))
    follow_ups = Chart.of(
        "follow-ups",
        _("Follow-up questions still unanswered"),
        _("Questions asked after the sessions that no presenter has answered yet, per event."),
        event_names,
        {_("Unanswered"): [unanswered[n] for n in event_names]},
        "hbar",
        people=False,
    )
    harvests: Counter[str] = Counter()
    for tally in await tallies(OAI_REQUEST):
        harvests[tally.bucket.date().isoformat()] += tally.value
    days = sorted(harvests)
    oai_chart = Chart.of(
        "oai",
        _("OAI-PMH requests per day"),
        _("Requests from library harvesters to /oai."),
        days,
        {_("Requests"): [harvests[d] for d in days]},
        "line",
        people=False,
    )
    key_figures = [
        KeyFigure(_("Archived sessions"), in_numbers(len(items))),
        KeyFigure(_("Events"), in_numbers(len(events))),
        KeyFigure(_("Plays"), people(sum(plays_by_month.values()))),
        KeyFigure(_("Unanswered follow-up questions"), in_numbers(sum(unanswered.values()))),
        KeyFigure(_("OAI-PMH requests"), in_numbers(sum(harvests.values()))),
    ]
    return Report(
        _("The archive"),
        key_figures,
        [items_chart, plays_chart, topics_chart(items, use), follow_ups, oai_chart, await empty_searches_chart()],
    )
