"""Event insights: exact figures from known activity, CSV equal to the charts, small counts withheld, organisers only."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.access import add_member, event_access
from events.registration import check_in, register
from events.releases import publish_release
from events.tables import MemberRole
from insights.figures import event_report
from server import activity
from server.accounts import account_id_by_email, create_account, get_account
from sessions.polls import answer_poll, create_poll, set_poll_status
from sessions.questions import answer_question, ask_question, qa_context
from tests.accounts_flow import log_in, post
from tests.events.factories import local, make_event, make_session

Client = AsyncTestClient[Litestar]
DAY = date(2027, 3, 27)
ZONE_OFFSET = timedelta(hours=1)  # Europe/Berlin in March, before summer time


async def people(count: int, prefix: str) -> list[int]:
    return [
        await create_account(f"{prefix}{n}@library.org", "long enough pass", f"{prefix.title()} {n}")
        for n in range(count)
    ]


@pytest.fixture
async def forum(app: Litestar, client: Client) -> dict:
    """An event with known activity: registrations, check-ins, views, live viewers, questions, a poll."""
    await log_in(client, "org@library.org", "Olu Organiser")
    organiser = await account_id_by_email("org@library.org")
    event_id = await make_event(organiser_id=organiser, start=DAY)
    access = await event_access("ill-days", None)
    keynote = await make_session(event_id, "Keynote", local(DAY, 9))
    workshop = await make_session(event_id, "Workshop", local(DAY, 11), room="Room B")
    await publish_release(event_id)

    first, second = datetime(2027, 3, 1, 12, tzinfo=timezone.utc), datetime(2027, 3, 20, 12, tzinfo=timezone.utc)
    crowd = await people(16, "attendee")
    for user_id in crowd[:7]:
        await register(access, user_id, "in_person", at=first)
    for user_id in crowd[7:10]:
        await register(access, user_id, "online", at=first)
    for user_id in crowd[10:]:
        await register(access, user_id, "online", at=second)
    for user_id in crowd[:5]:
        await check_in(event_id, user_id, at=datetime(2027, 3, 27, 8, 10, tzinfo=timezone.utc))  # 09:10 in Berlin
    for user_id in crowd[5:7]:
        await check_in(event_id, user_id, at=datetime(2027, 3, 27, 9, 5, tzinfo=timezone.utc))

    activity.count("event.view", str(event_id), 40, at=datetime(2027, 3, 27, 8, 30, tzinfo=timezone.utc))
    activity.count("event.view", str(event_id), 2, at=datetime(2027, 3, 27, 13, 30, tzinfo=timezone.utc))
    activity.peak("session.live", keynote, 30, at=datetime(2027, 3, 27, 8, 20, tzinfo=timezone.utc))
    activity.peak("session.live", keynote, 25, at=datetime(2027, 3, 27, 9, 20, tzinfo=timezone.utc))
    activity.peak("session.live", workshop, 3, at=datetime(2027, 3, 27, 10, 20, tzinfo=timezone.utc))
    activity.peak("event.online", str(event_id), 31, at=datetime(2027, 3, 27, 8, 20, tzinfo=timezone.utc))
    await activity.flush()

    await add_member(event_id, crowd[0], MemberRole.attendee)
    admin = await get_account(organiser)
    keynote_ctx = await qa_context("ill-days", keynote, admin)
    poll = await create_poll(keynote_ctx, "Do you lend e-books?", ["Yes", "No"])
    await set_poll_status(keynote_ctx, poll, "open")
    for n, user_id in enumerate(crowd[:6]):
        asker = await qa_context("ill-days", keynote, await get_account(user_id))
        question = await ask_question(asker, f"Question {n}?")
        if n < 5:
            await answer_question(keynote_ctx, question, "An answer.")
        await answer_poll(asker, poll, [n % 2])
    return {"event_id": event_id, "access": access, "keynote": keynote}


async def test_the_figures_match_the_activity_exactly(forum: dict) -> None:
    report = await event_report(forum["access"])
    figures = {f.label: f.value for f in report.key_figures}
    assert figures["Registered"] == "16" and figures["Registered in person"] == "7"
    assert figures["Checked in at the venue"] == "7" and figures["Questions asked"] == "6"
    assert figures["Questions answered"] == "5" and figures["Median time to an answer"] == "0 minutes"
    assert report.chart("registrations").rows() == [
        ["", "In person", "Online"],
        ["2027-03-01", "7", "fewer than 5"],
        ["2027-03-20", "0", "6"],
    ]
    assert report.chart("attendance").rows() == [
        ["", "Checked in (in person)", "Online at once (peak)"],
        ["Sat 27 Mar 09:00", "5", "31"],
        ["Sat 27 Mar 10:00", "fewer than 5", "0"],
    ]
    assert report.chart("room-peaks").rows() == [
        ["", "Viewers at once"],
        ["Main Hall", "30"],
        ["Room B", "fewer than 5"],
    ]
    assert report.chart("live-viewers").rows()[1] == ["Keynote", "30"]
    hours = dict(report.chart("busiest-hours").rows()[1:])
    assert hours["09:00"] == "40" and hours["14:00"] == "fewer than 5" and hours["03:00"] == "0"
    assert report.chart("questions").rows() == [
        ["", "Asked", "Answered"],
        ["before", "6", "5"],
        ["during", "0", "0"],
        ["after", "0", "0"],
    ]
    assert report.chart("polls").rows() == [["", "People who answered"], ["Do you lend e-books?", "6"]]


async def test_each_chart_downloads_as_the_same_figures_in_csv(client: Client, forum: dict) -> None:
    report = await event_report(forum["access"])
    for chart in report.charts:
        response = await client.get(f"/events/ill-days/insights/{chart.slug}.csv")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert list(csv.reader(io.StringIO(response.text))) == chart.rows(), chart.slug
    assert (await client.get("/events/ill-days/insights/nothing.csv")).status_code == 404


async def test_the_page_shows_charts_tables_and_withheld_figures(client: Client, forum: dict) -> None:
    page = (await client.get("/events/ill-days/insights/")).text
    assert page.count('role="img"') >= 6
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # pygal's own script is taken out: no inline scripts
    assert '<title id="registrations-title">Registrations per day</title>' in page
    assert "<td>fewer than 5</td>" in page and "Gaps are figures of fewer than 5, withheld." in page
    assert ">3<" not in page.split('id="room-peaks-heading"')[1].split("</section>")[0]


async def test_the_figures_speak_the_readers_language_down_to_the_csv_headers(client: Client, forum: dict) -> None:
    german = {"Accept-Language": "de"}

    page = (await client.get("/events/ill-days/insights/", headers=german)).text
    questions = await client.get("/events/ill-days/insights/questions.csv", headers=german)
    registrations = await client.get("/events/ill-days/insights/registrations.csv", headers={"Accept-Language": "fr"})

    assert "<dt>Vor Ort angemeldet</dt>" in page and "Als CSV herunterladen" in page
    assert '<title id="attendance-title">Anwesenheit pro Stunde</title>' in page
    assert "Sa., 27. März, 09:00" in page  # the hours, written the German way
    assert list(csv.reader(io.StringIO(questions.text)))[:2] == [["", "Gestellt", "Beantwortet"], ["vorher", "6", "5"]]
    assert list(csv.reader(io.StringIO(registrations.text)))[1] == ["2027-03-01", "7", "moins de 5"]


@pytest.mark.parametrize("who", ["anonymous", "stranger", "attendee", "presenter"])
async def test_only_organisers_find_the_insights(client: Client, forum: dict, who: str) -> None:
    await post(client, "/logout")
    if who != "anonymous":
        await log_in(client, f"{who}@library.org", who.title())
        role = {"attendee": MemberRole.attendee, "presenter": MemberRole.presenter}.get(who)
        if role:
            await add_member(forum["event_id"], await account_id_by_email(f"{who}@library.org"), role)
    for path in ("/events/ill-days/insights/", "/events/ill-days/insights/registrations.csv", "/archive/insights/"):
        assert (await client.get(path, follow_redirects=False)).status_code == 404, path


async def test_the_archive_insights_are_for_site_administrators(client: Client, forum: dict) -> None:
    assert (await client.get("/archive/insights/")).status_code == 404  # an organiser, not a site admin
    await post(client, "/logout")
    await create_account("admin@library.org", "correct horse battery", "Admin", admin=True)
    await log_in(client, "admin@library.org", create=False)
    page = await client.get("/archive/insights/")
    assert page.status_code == 200 and "OAI-PMH requests per day" in page.text
    assert (await client.get("/events/ill-days/insights/")).status_code == 200  # site admins organise everything


async def test_an_events_empty_searches_are_only_those_made_within_its_sessions(client: Client, forum: dict) -> None:
    for _ in range(5):  # five people each: enough to be shown
        assert (await client.get("/archive/search", params={"q": "site wide nothing"})).status_code == 200
        assert (await client.get("/archive/search", params={"q": "vouchers", "event": "Ill Days"})).status_code == 200
        assert (
            await client.get("/archive/search", params={"q": "billing", "event": "Another Event"})
        ).status_code == 200
    await activity.flush()

    report = await event_report(await event_access("ill-days", None))
    new_event = await make_event("brand-new", start=DAY)
    fresh = await event_report(await event_access("brand-new", None))

    assert report.chart("empty-searches").rows() == [["", "Searches"], ["vouchers", "5"]]
    assert fresh.chart("empty-searches").rows() == [["", "Searches"]] and new_event


async def test_the_demo_counts_nothing_in_hours_still_to_come(app: Litestar) -> None:
    """The demo conference runs today: its figures stop at the present hour."""
    from archive.demo import PAST_SLUG, load_archive_demo
    from events.demo import DEMO_SLUG, load_demo
    from insights.demo import load_insights_demo
    from server.tables import ActivityCount, ActivityPeak

    await load_demo(today=datetime.now(timezone.utc).date())
    await load_archive_demo(app.state.settings.media_root)
    await load_insights_demo(DEMO_SLUG, PAST_SLUG)
    now = datetime.now(timezone.utc)

    for table in (ActivityCount, ActivityPeak):
        buckets = [row["bucket"] for row in await table.select(table.bucket)]
        assert all((b if b.tzinfo else b.replace(tzinfo=timezone.utc)) <= now for b in buckets), table
    assert await ActivityCount.count() > 0  # the archive's months of use are there
    attendance = await event_report(await event_access(DEMO_SLUG, None))
    assert attendance.key_figures
