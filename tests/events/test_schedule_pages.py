"""What attendees see over HTTP: schedules, feeds with caching, stars, agenda feeds, and private events."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.access import add_member
from events.demo import CANCELLED_TITLE, DEMO_SLUG
from events.releases import publish_release
from events.tables import MemberRole
from server.accounts import account_id_by_email
from tests.accounts_flow import log_in, post
from tests.events.factories import local, make_event, make_session

Client = AsyncTestClient[Litestar]
SCHEDULE = f"/events/{DEMO_SLUG}/schedule/"
pytestmark = pytest.mark.usefixtures("demo")


async def test_the_schedule_shows_cancelled_sessions_as_cancelled(client: Client) -> None:
    page = (await client.get(SCHEDULE)).text

    assert CANCELLED_TITLE in page and "Cancelled</span>" in page
    assert "Purchase on Demand" in page


async def test_the_schedule_can_show_times_in_another_zone(client: Client) -> None:
    page = (await client.get(SCHEDULE + "?view=list&tz=Europe/Berlin")).text

    assert '<time datetime="2027-03-09T16:00:00+01:00">16:00</time>' in page  # 09:00 in Chicago (CST)


async def test_bad_filters_are_client_errors(client: Client) -> None:
    assert (await client.get(SCHEDULE + "?day=tuesday")).status_code == 400
    assert (await client.get(SCHEDULE + "?tz=Mars/Base")).status_code == 400
    assert (await client.get(f"/events/{DEMO_SLUG}/schedule.ics?room=Basement")).status_code == 400


async def test_the_calendar_export_honours_the_filters_on_screen(client: Client) -> None:
    response = await client.get(f"/events/{DEMO_SLUG}/schedule.ics?room=Online+Stage&day=2027-03-09")

    calendar = Calendar.from_ical(response.content)
    locations = {str(event["LOCATION"]) for event in calendar.walk("VEVENT")}
    assert locations == {"Online Stage"} and len(calendar.walk("VEVENT")) == 3


async def test_a_single_session_has_its_own_calendar(client: Client) -> None:
    response = await client.get(f"/events/{DEMO_SLUG}/schedule.ics?session=opening-sharing-is-the-job")

    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")] == [
        "Opening: Sharing Is the Job"
    ]


async def test_feeds_answer_304_when_the_client_has_them_already(client: Client) -> None:
    first = await client.get(f"/events/{DEMO_SLUG}/schedule.ics")
    again = await client.get(f"/events/{DEMO_SLUG}/schedule.ics", headers={"If-None-Match": first.headers["etag"]})
    since = await client.get(
        f"/events/{DEMO_SLUG}/schedule.xml", headers={"If-Modified-Since": first.headers["last-modified"]}
    )

    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    assert again.status_code == 304 and again.content == b""
    assert since.status_code == 304


async def test_a_new_release_changes_the_etag(client: Client) -> None:
    from events.access import event_access

    before = (await client.get(f"/events/{DEMO_SLUG}/schedule.json")).headers["etag"]
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    await make_session(event_id, "Late addition", local(date(2027, 3, 10), 16), room="Lakeview Room")
    await publish_release(event_id, "One more")

    response = await client.get(f"/events/{DEMO_SLUG}/schedule.json", headers={"If-None-Match": before})
    assert response.status_code == 200 and "Late addition" in response.text


async def test_older_versions_stay_reachable(client: Client) -> None:
    first = await client.get(f"/events/{DEMO_SLUG}/schedule/v/1.json")

    assert first.json()["schedule"]["version"] == "1"
    assert CANCELLED_TITLE + " (cancelled)" not in first.text
    assert (await client.get(f"/events/{DEMO_SLUG}/schedule/v/9.json")).status_code == 404


async def test_starring_puts_a_session_in_my_agenda_and_its_feed(client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    starred = await post(client, f"/events/{DEMO_SLUG}/sessions/opening-sharing-is-the-job/star")
    assert starred.status_code == 302

    agenda = (await client.get("/me/agenda/")).text
    assert "Opening: Sharing Is the Job" in agenda
    await post(client, "/me/agenda/feed")
    feed_url = (
        (await client.get("/me/agenda/"))
        .text.split('id="feed-url" class="copy-field" type="text" readonly value="')[1]
        .split('"')[0]
    )
    path = feed_url.removeprefix("http://127.0.0.1:8000")
    client.cookies.clear()
    calendar = Calendar.from_ical((await client.get(path)).content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Opening: Sharing Is the Job"]


async def test_a_revoked_or_forged_agenda_feed_is_gone(client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    await post(client, "/me/agenda/feed")
    page = (await client.get("/me/agenda/")).text
    path = page.split('readonly value="')[1].split('"')[0].removeprefix("http://127.0.0.1:8000")
    assert (await client.get(path)).status_code == 200

    await post(client, "/me/agenda/feed/revoke")

    assert (await client.get(path)).status_code == 404
    user_id = await account_id_by_email("ada@library.org")
    assert (await client.get(f"/calendars/agenda/{user_id}-{'0' * 40}.ics")).status_code == 404


async def test_htmx_starring_answers_with_the_new_button(client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")

    response = await post(
        client, f"/events/{DEMO_SLUG}/sessions/opening-sharing-is-the-job/star", headers={"HX-Request": "true"}
    )
    assert 'aria-label="Remove from my agenda: Opening: Sharing Is the Job"' in response.text


async def test_clashing_starred_sessions_are_marked(client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    for slug in (
        "fair-use-in-practice-reading-licence-terms-before-you-lend",
        "automating-request-routing-rules-that-cut-turnaround-by-a-third",
    ):
        await post(client, f"/events/{DEMO_SLUG}/sessions/{slug}/star")

    page = (await client.get("/me/agenda/")).text
    assert page.count("Clashes</span>") == 2 and "2 of your sessions overlap" in page


async def test_anonymous_visitors_cannot_star(client: Client) -> None:
    response = await post(client, f"/events/{DEMO_SLUG}/sessions/opening-sharing-is-the-job/star")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "schedule/",
        "now/",
        "changes/",
        "schedule.ics",
        "schedule.xml",
        "schedule.json",
        "schedule/v/1.ics",
        "sessions/secret-session/",
    ],
)
async def test_a_private_event_is_a_404_for_strangers_and_visible_to_members(client: Client, path: str) -> None:
    event_id = await make_event("board-retreat", visibility="private")
    await make_session(event_id, "Secret session", local(date(2027, 3, 27), 9))
    await publish_release(event_id)
    url = f"/events/board-retreat/{path}".replace("//", "/").replace("board-retreat//", "board-retreat/")

    assert (await client.get(url)).status_code == 404
    await log_in(client, "stranger@library.org")
    assert (await client.get(url)).status_code == 404
    await add_member(event_id, await account_id_by_email("stranger@library.org"), MemberRole.attendee)
    assert (await client.get(url)).status_code == 200


async def test_members_see_private_join_links_and_the_public_does_not(client: Client) -> None:
    from events import editing
    from events.access import event_access
    from events.editing import RoomInput

    event_id = (await event_access(DEMO_SLUG, None)).event_id
    await editing.save_room(
        event_id, RoomInput(name="Members lounge", kind="virtual", join_url="https://meet.example.org/ill-secret")
    )
    await make_session(event_id, "Members' meetup", local(date(2027, 3, 10), 17), room="Members lounge")
    await publish_release(event_id)
    session_page = f"/events/{DEMO_SLUG}/sessions/members-meetup/"

    assert "ill-secret" not in (await client.get(session_page)).text
    assert "ill-secret" not in (await client.get(f"/events/{DEMO_SLUG}/schedule.ics")).text
    await log_in(client, "member@library.org")
    await add_member(event_id, await account_id_by_email("member@library.org"), MemberRole.attendee)
    assert "https://meet.example.org/ill-secret" in (await client.get(session_page)).text


async def test_an_agenda_feed_changes_when_a_star_is_removed_even_for_date_only_clients(client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    for slug in ("opening-sharing-is-the-job", "closing-and-next-steps"):
        await post(client, f"/events/{DEMO_SLUG}/sessions/{slug}/star")
    await post(client, "/me/agenda/feed")
    path = (
        (await client.get("/me/agenda/"))
        .text.split('readonly value="')[1]
        .split('"')[0]
        .removeprefix("http://127.0.0.1:8000")
    )
    first = await client.get(path)

    await post(client, f"/events/{DEMO_SLUG}/sessions/closing-and-next-steps/unstar")
    again = await client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})

    assert again.status_code == 200
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(again.content).walk("VEVENT")] == [
        "Opening: Sharing Is the Job"
    ]


async def test_the_home_page_lists_your_events_first_and_every_public_one_once(client: Client) -> None:
    await log_in(client, "mo@library.org", "Mo")
    mo = await account_id_by_email("mo@library.org")
    for slug, visibility in (("closed-circle", "private"), ("open-forum", "public")):
        await add_member(await make_event(slug, visibility=visibility), mo, MemberRole.attendee)
    await make_event("elsewhere")
    await make_event("secret-society", visibility="private")

    yours, _, others = (await client.get("/")).text.partition("Other events")

    assert "Closed Circle" in yours and "Open Forum" in yours and "Elsewhere" not in yours
    assert "Elsewhere" in others and "Open Forum" not in others and "Closed Circle" not in others
    assert "Secret Society" not in yours + others
