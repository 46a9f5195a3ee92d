"""In Chromium: an organiser creates an event and a session and publishes; an attendee stars it into their agenda."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import confirm_address, register_in, screenshot
from tests.hallway_process import HallwayServer


async def test_an_organiser_publishes_and_an_attendee_stars_the_session(
    server: HallwayServer, browser: Browser
) -> None:
    slug = f"ill-{uuid.uuid4().hex[:6]}"
    organiser = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await confirm_address(organiser, server, await register_in(organiser, server, "Olu Organiser"))
    await organiser.goto(server.url + "/")
    await organiser.get_by_role("link", name="Create an event").click()
    await organiser.get_by_label("Title").fill("Lending Workshop")
    await organiser.get_by_label("Address").fill(slug)
    await organiser.get_by_label("Time zone").fill("Europe/Berlin")
    await organiser.get_by_label("First day").fill("2027-03-27")
    await organiser.get_by_label("Last day").fill("2027-03-27")
    await organiser.get_by_role("button", name="Create event").click()
    await expect(organiser.get_by_text("Your event is created.")).to_be_visible()

    await organiser.get_by_label("Room name").fill("Main Hall")
    await organiser.get_by_role("button", name="Add room").click()
    await organiser.get_by_role("link", name="Add a session").click()
    await organiser.get_by_label("Title", exact=True).fill("Copyright clinic")
    await organiser.get_by_label("Starts at").fill("10:30")
    await organiser.get_by_label("Room").select_option("Main Hall")
    await organiser.get_by_role("button", name="Save session").click()
    await expect(organiser.get_by_text("Session saved.")).to_be_visible()
    await organiser.get_by_role("link", name="Organise", exact=True).click()
    await expect(organiser.get_by_text("Added: Copyright clinic")).to_be_visible()
    await organiser.get_by_role("button", name="Publish version 1").click()
    await expect(organiser.get_by_text("Version 1 is published.")).to_be_visible()
    await screenshot(organiser, "organiser-dashboard")

    attendee = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await register_in(attendee, server, "Ann Attendee")
    await attendee.goto(f"{server.url}/events/{slug}/schedule/")
    await attendee.get_by_role("button", name="Add to my agenda: Copyright clinic").click()
    await expect(attendee.get_by_role("button", name="Remove from my agenda: Copyright clinic")).to_be_focused()
    await screenshot(attendee, "schedule-starred")

    await attendee.goto(server.url + "/me/agenda/")
    await expect(attendee.get_by_role("link", name="Copyright clinic")).to_be_visible()
    await attendee.get_by_role("button", name="Get my calendar address").click()
    feed = re.compile(rf"{server.url}/calendars/agenda/\d+-[0-9a-f]{{40}}\.ics")
    await expect(attendee.get_by_label("Your calendar address")).to_have_value(feed)
    await screenshot(attendee, "agenda")


async def test_the_demo_schedule_grid_and_changes_render(server: HallwayServer, page: Page) -> None:
    await page.goto(server.url + "/events/resource-sharing-forum/schedule/")
    await expect(
        page.get_by_role("heading", name="Fifty Years after CONTU: Copyright Guidelines in a Licensed World")
    ).to_be_visible()
    await screenshot(page, "demo-schedule-grid")

    await page.get_by_role("link", name="Changes").click()
    await expect(page.get_by_text("Moved:")).to_be_visible()
    await expect(page.get_by_text("Cancelled:")).to_be_visible()
    await screenshot(page, "demo-changes")
