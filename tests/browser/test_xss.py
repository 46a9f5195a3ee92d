"""Hostile text in every field people write, every page that shows it opened in Chromium: no script runs.

Payloads that would run show up as a dialog, an element with id ``xss-marker``, a
Content-Security-Policy report in the console (escaping failed and CSP caught it; that
counts as a failure too) or "49" where ``{{7*7}}`` was written.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.async_api import Browser

from tests.browser.conftest import screenshot
from tests.hallway_process import HallwayServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile(server: HallwayServer) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.xss_seed"], env=server.env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


async def test_no_payload_runs_on_any_page(browser: Browser, server: HallwayServer, hostile: dict) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    ran: list[str] = []
    page.on("dialog", lambda dialog: (ran.append(f"dialog {dialog.message} on {page.url}"), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            ran.append(f"{message.text} on {page.url}") if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: ran.append(f"script error {error} on {page.url}"))
    await page.goto(server.url + "/login")
    await page.get_by_label("Email address").fill(hostile["email"])
    await page.get_by_label("Password").fill(hostile["password"])
    await page.get_by_role("button", name="Log in").click()
    checked = 0
    for path in hostile["pages"]:
        response = await page.goto(server.url + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        await page.wait_for_timeout(300)  # let htmx fragments, live pages and players load
        markers = await page.evaluate(
            "document.querySelectorAll('#xss-marker, img[src=x], iframe[src^=javascript]').length"
        )
        assert markers == 0, f"{path}: hostile markup became elements"
        text = await page.evaluate("document.body.innerText")
        assert "{{7*7}}" in text or "7*7" not in text, f"{path}: a template expression was evaluated"
        checked += 1
    await screenshot(page, "xss-profile")
    await context.close()
    assert ran == []
    print(f"\nXSS: {hostile['payloads']} payloads in {hostile['fields']} fields, {checked} pages opened, none ran")
