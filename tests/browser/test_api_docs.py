"""The API documentation at /schema renders in Chromium under Hallway's own Content-Security-Policy."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.hallway_process import HallwayServer


async def test_the_api_documentation_shows_the_operations_with_nothing_blocked(
    server: HallwayServer, page: Page
) -> None:
    console_errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(server.url) and not request.url.startswith("data:")
            else None
        ),
    )

    answer = await page.goto(server.url + "/schema")
    await expect(page.get_by_text("/api/v1/events/{slug}/sessions").first).to_be_visible(timeout=15_000)
    await screenshot(page, "api-documentation")

    assert answer is not None and answer.headers["content-type"].startswith("text/html")
    assert not console_errors, console_errors  # a blocked script or style is reported here
    assert not outside, outside  # nothing fetched from a CDN
