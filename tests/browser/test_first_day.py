"""What a person sees where the first day went wrong: overlapping sessions and a refused caption file."""

from __future__ import annotations

import uuid

from playwright.async_api import Browser, Page, expect

from archive.demo import PAST_SLUG
from tests.archive.factories import CONTU_CAPTIONS
from tests.browser.conftest import register_in, screenshot
from tests.hallway_process import HallwayServer, run_hallway

SCHEDULE = "/events/resource-sharing-forum/schedule/"


async def test_overlapping_sessions_sit_side_by_side_and_nothing_covers_a_button(
    server: HallwayServer, page: Page
) -> None:
    await page.goto(server.url + SCHEDULE)
    cards = page.locator(".schedule-grid .session-card")
    await expect(cards.first).to_be_visible()
    await screenshot(page, "grid-overlaps")

    boxes = [box for box in [await card.bounding_box() for card in await cards.all()] if box]
    for number, first in enumerate(boxes):
        for second in boxes[number + 1 :]:
            apart = (
                first["x"] + first["width"] <= second["x"]
                or second["x"] + second["width"] <= first["x"]
                or first["y"] + first["height"] <= second["y"]
                or second["y"] + second["height"] <= first["y"]
            )
            assert apart, (first, second)
    for button in await page.locator(".schedule-grid .star").all():  # what is drawn on top is the button itself
        box = await button.bounding_box()
        on_top = await page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.id || ''",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top == await button.get_attribute("id")


async def test_a_refused_caption_file_is_explained_on_the_page_with_the_line(
    server: HallwayServer, browser: Browser
) -> None:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    name = f"Archivist {uuid.uuid4().hex[:4]}"
    email = await register_in(page, server, name)
    assert run_hallway(server.env, "grant", PAST_SLUG, email, "--role", "organiser").returncode == 0
    await page.goto(server.url + f"/events/{PAST_SLUG}/manage/archive/")
    await page.locator(f'a[href^="/events/{PAST_SLUG}/manage/archive/"]').first.click()
    form = page.locator("form[action$='/captions']").first
    broken = CONTU_CAPTIONS.replace("00:00:05.000 --> 00:00:09.500", "00:00:05.000 -> 00:00:09.500")

    await form.locator("input[type=file]").set_input_files(
        files=[{"name": "talk.vtt", "mimeType": "text/vtt", "buffer": broken.encode()}]
    )
    await form.get_by_label("Language").fill("es")
    await form.get_by_label("Made by").select_option("corrected")
    await form.get_by_role("button", name="Add captions").click()

    summary = page.locator(".error-summary")
    await expect(summary).to_be_visible()
    await expect(summary).to_contain_text("Line 6")
    await expect(page.locator("form[action$='/captions']").first.get_by_label("Language")).to_have_value("es")
    await screenshot(page, "caption-refused")
    assert "<html" not in (await summary.inner_html())  # words on the page, not HTML source
