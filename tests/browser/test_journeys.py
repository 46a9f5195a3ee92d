"""The four first-day journeys, end to end in Chromium, each page photographed and checked with axe-core.

An attendee, an organiser, a presenter added after the programme was published, and remote staff who use the
archive. Screenshots land in test-output/screenshots/journey-*.png; every page a journey opens has 0 axe-core
violations (axe-core from npm, evaluated in the page: Hallway's Content-Security-Policy stays on).
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from events import editing
from events.demo import DEMO_SLUG
from events.releases import publish_release
from server.accounts import get_account
from server.database import engine_from_url, use_engine
from sessions.questions import ask_question, qa_context
from tests.browser.conftest import PASSWORD, confirm_address, screenshot, wait_until
from tests.events.factories import local, make_account, make_event, make_session
from tests.hallway_process import HallwayServer

AXE = (Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js").read_text()
RUN_AXE = """() => axe.run(document, {resultTypes: ['violations']}).then(result => result.violations.map(
    v => ({rule: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


async def look(page: Page, name: str) -> None:
    """Photograph the page and hold it to axe-core: a journey may open no page with a violation."""
    await page.wait_for_load_state("networkidle")
    await screenshot(page, f"journey-{name}")
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(AXE)
    violations = await page.evaluate(RUN_AXE)
    assert violations == [], f"{page.url}: {violations}"


def on_server_database(server: HallwayServer) -> None:
    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))


async def newcomer(
    browser: Browser, server: HallwayServer, name: str, *, width: int = 1280, start: str = "/register"
) -> tuple[Page, str]:
    """Someone registers through the form and opens the link mailed to them (read from the outbox)."""
    page = await (await browser.new_context(viewport={"width": width, "height": 900})).new_page()
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@library.org"
    await page.goto(server.url + start)
    if start != "/register":
        await page.get_by_role("link", name="Create an account").click()
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page.locator(".flashes")).to_contain_text(f"Welcome to Hallway, {name}.")
    return page, email


async def test_an_attendee_registers_plans_their_day_mingles_and_asks(server: HallwayServer, browser: Browser) -> None:
    page, email = await newcomer(browser, server, "Amina Diallo")
    await expect(page.get_by_text("Please confirm your address")).to_be_visible()
    await look(page, "attendee-1-registered")
    await confirm_address(page, server, email)
    await look(page, "attendee-2-confirmed")

    await page.goto(server.url + "/")
    await page.get_by_role("link", name="Resource Sharing Forum", exact=True).click()
    await page.get_by_role("button", name="Online").click()
    await expect(page.locator(".flashes")).to_contain_text("You are registered to attend online.")
    await look(page, "attendee-3-event")

    await page.get_by_role("link", name="See the schedule").click()
    await page.get_by_role("button", name=re.compile("^Add to my agenda: Fifty Years after CONTU")).first.click()
    await expect(
        page.get_by_role("button", name=re.compile("^Remove from my agenda: Fifty Years after CONTU")).first
    ).to_be_visible()
    await look(page, "attendee-4-schedule")

    await page.get_by_role("link", name="Change time zone").click()
    await page.get_by_label("Time zone").fill("Nairobi (Africa/Nairobi)")
    await look(page, "attendee-5-time-zone")
    await page.get_by_role("button", name="Show times in this zone").click()
    await expect(page.get_by_text("Times are shown in Nairobi (Africa/Nairobi).")).to_be_visible()

    await page.goto(server.url + "/me/agenda/")
    await expect(page.get_by_text("Fifty Years after CONTU").first).to_be_visible()
    await look(page, "attendee-6-agenda")

    await page.goto(server.url + f"/events/{DEMO_SLUG}/lounge/")
    await look(page, "attendee-7-lounge")
    await page.locator('a.join-room[href$="/lounge/international-table/"]').click()
    await expect(page.locator("#room-status")).to_have_text("You are in the room.")
    await page.get_by_label("Your message").fill("Hello from Dakar: who uses IFLA vouchers?")
    await page.get_by_role("button", name="Send").click()
    await expect(page.locator("#messages")).to_contain_text("who uses IFLA vouchers?")
    await look(page, "attendee-8-table")

    session = f"/events/{DEMO_SLUG}/sessions/automating-request-routing-rules-that-cut-turnaround-by-a-third/"
    await page.goto(server.url + session + "live/")
    await page.get_by_label("Your question").fill("Which routing rule should a two-person office start with?")
    await page.get_by_role("button", name="Ask", exact=True).click()
    await expect(page.locator("#qa-questions")).to_contain_text("Which routing rule should a two-person office")
    await look(page, "attendee-9-live-qa")

    await page.goto(server.url + "/me/notifications/")
    await look(page, "attendee-10-notifications")


async def test_an_organiser_creates_an_event_builds_it_publishes_and_invites(
    server: HallwayServer, browser: Browser
) -> None:
    page, email = await newcomer(browser, server, "Olu Bankole")
    await confirm_address(page, server, email)
    slug = f"ill-day-{uuid.uuid4().hex[:6]}"

    await page.goto(server.url + "/events/new")
    await page.get_by_label("Title").fill("Regional ILL Day")
    await page.get_by_label("Address").fill(slug)
    await page.get_by_label("Time zone").fill("Europe/Lisbon")
    await page.get_by_label("First day").fill("2027-05-20")
    await page.get_by_label("Last day").fill("2027-05-20")
    await page.get_by_label("Venue").fill("Biblioteca Nacional")
    await look(page, "organiser-1-new-event")
    await page.get_by_role("button", name="Create event").click()
    await expect(page.get_by_text("Your event is created.")).to_be_visible()

    await page.get_by_label("Room name").fill("Auditorium")
    await page.get_by_role("button", name="Add room").click()
    await expect(page.locator("#rooms li").first).to_have_text("Auditorium (physical)")
    await page.get_by_label("Presenter's name").fill("Pia Presenter")
    await page.get_by_role("button", name="Add presenter").click()
    await expect(page.locator("#presenters li").first).to_have_text("Pia Presenter")
    await look(page, "organiser-2-dashboard")

    await page.get_by_role("link", name="Add a session").click()
    await page.get_by_label("Title", exact=True).fill("Sharing e-books across borders")
    await page.get_by_label("Day", exact=True).select_option("2027-05-20")
    await page.get_by_label("Starts at").fill("10:00")
    await page.get_by_label("Length in minutes").fill("45")
    await page.get_by_label("Room", exact=True).select_option("Auditorium")
    await page.get_by_label("Pia Presenter").check()
    await look(page, "organiser-3-session-form")
    await page.get_by_role("button", name="Save session").click()
    await expect(page.get_by_text("Session saved.")).to_be_visible()

    await page.goto(server.url + f"/events/{slug}/manage/")
    await page.get_by_role("button", name="Publish version 1").click()
    await expect(page.get_by_text("Version 1 is published").first).to_be_visible()
    await page.get_by_label("Email address").fill("pia@library.org")
    await expect(page.get_by_label("Role")).to_have_value("presenter")  # the usual invitation, not organiser
    await page.get_by_role("button", name="Invite").click()
    await expect(page.get_by_text("pia@library.org is invited as presenter")).to_be_visible()
    await look(page, "organiser-4-invited")

    await page.goto(server.url + f"/events/{slug}/schedule/")
    await expect(page.get_by_text("Sharing e-books across borders")).to_be_visible()
    await look(page, "organiser-5-public-schedule")
    await page.goto(server.url + f"/events/{slug}/manage/check-in")
    await look(page, "organiser-6-check-in")
    await page.goto(server.url + f"/events/{slug}/insights/")
    await look(page, "organiser-7-insights")


async def test_a_presenter_added_after_publication_answers_moderates_and_projects(
    server: HallwayServer, browser: Browser
) -> None:
    on_server_database(server)
    slug = f"copyright-clinic-{uuid.uuid4().hex[:6]}"
    organiser_id = await make_account(f"org-{slug}@library.org", "Olu Organiser")
    event_id = await make_event(slug, organiser_id=organiser_id, start=date(2027, 5, 20))
    presenter_entry = await editing.save_presenter(event_id, "Pia Presenter", "Northgate University")
    await make_session(event_id, "Fair use at the desk", local(date(2027, 5, 20), 10), presenter_ids=[presenter_entry])
    await publish_release(event_id)  # published before Pia has an account
    asker = await get_account(await make_account(f"ben-{slug}@library.org", "Ben Asker"))
    await ask_question(await qa_context(slug, "fair-use-at-the-desk", asker), "May we scan a whole chapter?")
    from events.invitations import invite

    invitation = await invite(event_id, f"pia-{slug}@library.org", "presenter", organiser_id, presenter_entry)

    page, email = await newcomer(browser, server, "Pia Presenter", start=invitation.path)
    await expect(page.get_by_role("heading", name=re.compile("You are invited to"))).to_be_visible()
    await look(page, "presenter-1-invitation")
    await page.get_by_role("button", name="Join as presenter").click()
    await confirm_address(page, server, email)

    await page.goto(server.url + "/me/questions/")
    await expect(page.get_by_text("May we scan a whole chapter?")).to_be_visible()
    await look(page, "presenter-2-inbox")
    await page.get_by_label("Your answer").first.fill("Yes, **within** the fair portion the licence allows.")
    await page.get_by_role("button", name="Post answer").first.click()
    await expect(page.get_by_text("Your answer is posted")).to_be_visible()
    assert page.url.endswith("/me/questions/")

    thread = f"/events/{slug}/sessions/fair-use-at-the-desk/questions/"
    await page.goto(server.url + thread)
    await expect(page.get_by_role("button", name=re.compile("^Pin"))).to_be_visible()  # moderation, no new release
    await page.get_by_label("Question", exact=True).fill("Do you scan chapters today?")
    await page.get_by_label("Options, one per line").fill("Yes\nNo\nNot sure")
    await page.get_by_role("button", name="Save poll").click()
    await look(page, "presenter-3-thread")

    await page.goto(server.url + f"/events/{slug}/sessions/fair-use-at-the-desk/present/")
    await expect(page.locator("#qa-questions")).to_contain_text("✓ Answered")
    await look(page, "presenter-4-projector")


async def test_remote_staff_find_a_moment_in_the_archive_and_ask_a_follow_up(
    server: HallwayServer, browser: Browser
) -> None:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await page.goto(server.url + "/archive/")
    await look(page, "staff-1-archive")
    await page.get_by_label("Search recordings, transcripts, slides and Q&A").fill("ebooks")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator(".archive-results > li").first).to_be_visible()
    await look(page, "staff-2-results")

    await page.locator(".archive-results h3 a").first.click()
    await expect(page.locator("#player")).to_be_visible()
    await page.locator("#transcript .cue").nth(1).click()
    await wait_until(page, "document.getElementById('player').currentTime > 0")  # seeks once the file's length is known
    await page.evaluate("() => document.getElementById('player').pause()")  # she stops to ask
    moment = int(await page.evaluate("() => document.getElementById('player').currentTime"))
    assert moment > 0
    await look(page, "staff-3-item")
    item_path = page.url.split("?")[0].removeprefix(server.url)

    await page.locator("a[data-return-to]").click()  # "Log in to ask", under the player
    await page.get_by_role("link", name="Create an account").click()
    await page.get_by_label("Your name").fill("Rémi Laurent")
    email = f"remi-{uuid.uuid4().hex[:6]}@library.org"
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page).to_have_url(f"{server.url}{item_path}?t={moment}")  # back at the player, same moment

    await page.get_by_label(re.compile("^Your question")).fill("Does the e-book clause cover chapter scans?")
    await page.get_by_role("button", name="Ask", exact=True).click()
    await expect(page).to_have_url(re.compile(re.escape(f"{server.url}{item_path}?t=")))
    await expect(page.locator(".question-body", has_text="Does the e-book clause cover chapter scans?")).to_be_visible()
    await look(page, "staff-4-follow-up")

    await page.goto(server.url + "/archive/search?q=ebooks")
    await page.get_by_role("button", name="Save this search and tell me about new matches").click()
    await look(page, "staff-5-saved-searches")
