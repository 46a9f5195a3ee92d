"""The demo conference's insights in Chromium: an organiser sees charts they can read and print."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PASSWORD, screenshot
from tests.hallway_process import HallwayServer, run_hallway

pytestmark = pytest.mark.browser


async def test_an_organiser_reads_the_demo_insights(page: Page, server: HallwayServer) -> None:
    email = "insights-organiser@library.org"
    created = run_hallway(
        server.env,
        "createuser",
        "--email",
        email,
        "--name",
        "Ines Organiser",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert run_hallway(server.env, "grant", "resource-sharing-forum", email).returncode == 0
    await page.goto(server.url + "/login")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.goto(server.url + "/events/resource-sharing-forum/insights/")
    await expect(page.get_by_role("heading", name="Insights: Resource Sharing Forum")).to_be_visible()
    for title in ("Registrations per day", "Attendance by hour", "Busiest hours", "Sessions by live viewers"):
        await expect(page.get_by_role("img", name=title)).to_be_visible()
    await page.get_by_text("The figures as a table").first.click()
    await expect(page.get_by_role("columnheader", name="In person")).to_be_visible()
    await screenshot(page, "insights-demo")
    await page.emulate_media(media="print")
    await expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    await screenshot(page, "insights-demo-print")
