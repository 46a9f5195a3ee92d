"""The archive in Chromium: search, choose a moment, and the player is at that second; the transcript follows."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot, wait_until
from tests.hallway_process import HallwayServer

pytestmark = pytest.mark.browser


async def player_time(page: Page) -> float:
    return await page.eval_on_selector("#player", "player => player.currentTime")


async def test_a_transcript_hit_opens_the_player_at_that_second(page: Page, server: HallwayServer) -> None:
    await page.goto(server.url + "/archive/")
    await page.get_by_label("Search recordings, transcripts, slides and Q&A").fill('"tracked postage"')
    await page.get_by_role("button", name="Search", exact=True).click()
    await expect(page.get_by_role("heading", name=re.compile("1 session for"))).to_be_visible()
    await screenshot(page, "archive-search")
    moment = page.get_by_role("link", name=re.compile(r"0:12 — Third, send returnables with tracked postage"))
    await moment.click()
    await expect(page.get_by_role("heading", name="International ILL on a Shoestring", level=1)).to_be_visible()
    await wait_until(page, "document.querySelector('#player').readyState >= 1")
    await wait_until(page, "Math.abs(document.querySelector('#player').currentTime - 12) < 0.5")
    assert abs(await player_time(page) - 12) < 0.5
    await expect(page.get_by_role("button", name=re.compile("Third, send returnables"))).to_have_attribute(
        "aria-current", "true"
    )  # the transcript shows where playback is
    await screenshot(page, "archive-item")


async def test_choosing_a_transcript_line_seeks_and_highlights_it(page: Page, server: HallwayServer) -> None:
    await page.goto(server.url + "/archive/search?q=vouchers")
    await page.get_by_role("link", name="International ILL on a Shoestring").click()
    line = page.get_by_role("button", name=re.compile("Second, use IFLA vouchers"))
    await wait_until(page, "document.querySelector('#player').readyState >= 1")
    await page.eval_on_selector("#player", "player => { player.muted = true; }")
    await line.click()
    await wait_until(page, "document.querySelector('#player').currentTime >= 8")
    await expect(line).to_have_attribute("aria-current", "true")
    await page.goto(server.url + page.url.split(server.url)[1].split("?")[0] + "#t=20")
    await wait_until(page, "Math.abs(document.querySelector('#player').currentTime - 20) < 0.5")
