"""Everyone reads times in the zone they chose, remembered (profile, or a cookie for visitors), on every page."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.demo import DEMO_SLUG
from server import notifications
from server.accounts import account_id_by_email
from tests.accounts_flow import log_in, post
from tests.events.conftest import demo  # noqa: F401 (a fixture)

Client = AsyncTestClient[Litestar]
pytestmark = pytest.mark.usefixtures("demo")
OPENING = f"/events/{DEMO_SLUG}/sessions/opening-sharing-is-the-job/"
IN_BERLIN = '<time datetime="2027-03-09T16:00:00+01:00">'  # the 09:00 opening in Chicago (CST)


async def choose(client: Client, typed: str, next_path: str = "/"):  # noqa: ANN201 - a response
    return await post(client, "/time-zone", {"zone": typed, "next": next_path})


async def test_the_picker_offers_every_zone_by_city(client: Client) -> None:
    page = (await client.get("/time-zone?next=/archive")).text
    offered = re.findall(r'<option value="([^"]+)" data-zone="[^"]+"></option>', page)

    assert len(offered) > 400
    assert {"Nairobi (Africa/Nairobi)", "Kolkata (Asia/Kolkata)", "Chicago (America/Chicago)", "UTC"} <= set(offered)
    assert "US/Eastern" not in " ".join(offered)  # old aliases are not offered


async def test_a_visitor_chooses_a_city_and_every_event_page_follows(client: Client) -> None:
    before = (await client.get(OPENING)).text
    chosen = await choose(client, "berlin", OPENING)
    session, schedule, now, event = [
        (await client.get(path)).text
        for path in (
            OPENING,
            f"/events/{DEMO_SLUG}/schedule/?view=list",
            f"/events/{DEMO_SLUG}/now/",
            f"/events/{DEMO_SLUG}/",
        )
    ]

    assert IN_BERLIN not in before and "Chicago (America/Chicago)" in before
    assert chosen.status_code == 302 and chosen.headers["location"] == OPENING
    assert client.cookies["hallway_tz"].strip('"') == "Europe/Berlin"
    assert IN_BERLIN in session and "(Berlin (Europe/Berlin); the event is in Chicago (America/Chicago))" in session
    assert IN_BERLIN in schedule and "Times are shown in Berlin (Europe/Berlin)." in schedule
    assert "Times in Berlin (Europe/Berlin)." in now and "times in Berlin (Europe/Berlin)" in event
    assert '<option value="America/Chicago">Chicago (America/Chicago) (the event\'s zone)</option>' in schedule


async def test_a_link_naming_a_zone_still_wins_and_clearing_returns_to_the_events_zone(client: Client) -> None:
    await choose(client, "Europe/Berlin")
    shared = (await client.get(f"/events/{DEMO_SLUG}/schedule/?view=list&tz=America/Chicago")).text
    await choose(client, "")
    cleared = (await client.get(OPENING)).text

    assert IN_BERLIN not in shared and '<time datetime="2027-03-09T09:00:00-06:00">' in shared
    assert "hallway_tz" not in client.cookies and IN_BERLIN not in cleared
    assert "Times are shown in each event's own time zone." in cleared


async def test_an_account_keeps_its_zone_on_every_device_and_in_notifications(app: Litestar, client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    await post(client, f"/events/{DEMO_SLUG}/sessions/opening-sharing-is-the-job/star")
    await choose(client, "Kolkata")
    ada = await account_id_by_email("ada@library.org")
    await notifications.notify(ada, "x", "Something happened.")

    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as other_device:
        await log_in(other_device, "ada@library.org", create=False)
        agenda = (await other_device.get("/me/agenda/")).text
        inbox = (await other_device.get("/me/notifications/")).text

    assert "hallway_tz" not in other_device.cookies  # it came from her profile
    assert '<time datetime="2027-03-09T20:30:00+05:30">' in agenda
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d IST", inbox)


async def test_a_zone_that_does_not_exist_is_refused_with_what_was_typed(client: Client) -> None:
    refused = await choose(client, "Atlantis")
    hostile = await choose(client, "../../etc/passwd\x7f")

    assert refused.status_code == 400 and "Choose a time zone from the list" in refused.text
    assert 'value="Atlantis"' in refused.text and "hallway_tz" not in client.cookies
    assert hostile.status_code == 400
    client.cookies.set("hallway_tz", "Not/AZone")
    assert (await client.get(OPENING)).status_code == 200  # a forged cookie is ignored, not an error
