"""A visitor in headless Chromium: registers, finds the demo event, logs out and in again."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import screenshot, wait_until
from tests.hallway_process import HallwayServer, run_hallway

PASSWORD = "a long enough password"


async def test_a_visitor_registers_sees_the_demo_event_logs_out_and_back_in(server: HallwayServer, page: Page) -> None:
    email = f"ada-{uuid.uuid4().hex[:6]}@library.org"
    await page.goto(server.url + "/")
    await expect(page.get_by_role("link", name="Resource Sharing Forum", exact=True)).to_be_visible()

    await page.get_by_role("link", name="Register").click()
    await page.get_by_label("Your name").fill("Ada Okafor")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()

    await expect(page.get_by_text("Welcome to Hallway, Ada Okafor.")).to_be_visible()
    await expect(page.get_by_role("link", name="Ada Okafor")).to_be_visible()
    await screenshot(page, "home-logged-in")

    await page.get_by_role("link", name="Resource Sharing Forum", exact=True).click()
    await page.get_by_role("link", name="See the schedule").click()
    await expect(
        page.get_by_role("heading", name="Fifty Years after CONTU: Copyright Guidelines in a Licensed World")
    ).to_be_visible()
    await screenshot(page, "demo-event")

    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("link", name="Log in")).to_be_visible()

    await page.get_by_role("link", name="Log in").click()
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_text("You are logged in.")).to_be_visible()


async def test_a_registration_mistake_is_announced_and_the_typing_kept(server: HallwayServer, page: Page) -> None:
    await page.goto(server.url + "/register")
    await page.get_by_label("Your name").fill("Ada Okafor")
    await page.get_by_label("Email address").fill("not an email")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()

    await expect(page.get_by_role("alert")).to_contain_text("Enter an email address like name@library.org.")
    await expect(page.get_by_label("Your name")).to_have_value("Ada Okafor")
    await expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    await screenshot(page, "register-error")


async def test_an_open_page_shows_an_announcement_live(server: HallwayServer, page: Page) -> None:
    email = f"desk-{uuid.uuid4().hex[:6]}@library.org"
    created = run_hallway(
        server.env,
        "createuser",
        "--admin",
        "--email",
        email,
        "--name",
        "Conference desk",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    await page.goto(server.url + "/")
    await wait_until(page, "window.hallway && window.hallway.socket.connected")

    async with httpx.AsyncClient(base_url=server.url) as admin:
        await admin.get("/login")
        token = admin.cookies["hallway_csrf"]
        await admin.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
        token = admin.cookies["hallway_csrf"]  # logging in issues a token for the new session
        await admin.post("/admin/announcements", data={"text": "Lunch is served in the foyer", "_csrf_token": token})

    await expect(page.locator("#announcements")).to_contain_text("Conference desk: Lunch is served in the foyer")


async def test_the_event_page_fits_a_phone(server: HallwayServer, browser: object) -> None:
    context = await browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)  # type: ignore[attr-defined]
    phone = await context.new_page()
    await phone.goto(server.url + "/events/resource-sharing-forum/")

    scroll_width = await phone.evaluate("document.documentElement.scrollWidth")
    await screenshot(phone, "demo-event-phone")
    await context.close()
    assert scroll_width <= 375


async def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(server: HallwayServer, page: Page) -> None:
    await page.goto(server.url + "/")
    await page.keyboard.press("Tab")

    focused = page.locator(":focus")
    await expect(focused).to_have_text("Skip to main content")
    await page.keyboard.press("Enter")
    await asyncio.sleep(0.1)
    assert await page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(("device", "offered"), [("UTC", "UTC"), ("Africa/Nairobi", "Nairobi (Africa/Nairobi)")])
async def test_the_time_zone_page_offers_the_devices_own_zone(
    server: HallwayServer, browser: Browser, device: str, offered: str
) -> None:
    context = await browser.new_context(timezone_id=device)
    page = await context.new_page()
    await page.goto(server.url + "/time-zone")

    await page.get_by_role("button", name=f"Use this device's time zone: {offered}").click()

    await expect(page.get_by_label("Time zone")).to_have_value(offered)
    await context.close()


async def test_scripts_speak_the_pages_language(server: HallwayServer, browser: Browser) -> None:
    context = await browser.new_context(locale="de-DE")
    page = await context.new_page()
    await page.goto(server.url + "/")

    said = await page.evaluate(
        """import("/static/base/i18n.js").then(function (i18n) {
             return [i18n.gettext("You are in the room."),
                     i18n.gettext("The upload failed (%(status)s).", { status: 413 })];
           })"""
    )

    assert said == ["Sie sind im Raum.", "Das Hochladen ist fehlgeschlagen (413)."]
    assert await page.get_attribute("html", "lang") == "de"
    await context.close()
