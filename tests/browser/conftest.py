"""A real Hallway server and a real headless Chromium for browser tests."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest
import uuid

from playwright.async_api import Browser, Page, async_playwright, expect

from tests.hallway_process import HallwayServer, demo_server
from tests.services import CHROMIUM_ARGS, require_chromium

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    with demo_server(tmp_path_factory.mktemp("browser")) as hallway:
        yield hallway


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    executable = require_chromium()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    await context.close()
    assert not errors, f"the page raised JavaScript errors: {errors}"


PASSWORD = "a long enough password"


async def register_in(page: Page, server: HallwayServer, name: str) -> str:
    """Register a new account through the form, as a visitor does; returns its address."""
    email = f"{uuid.uuid4().hex[:8]}@library.org"
    await page.goto(server.url + "/register")
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_text(f"Welcome to Hallway, {name}.")).to_be_visible()
    return email


async def confirm_address(page: Page, server: HallwayServer, email: str) -> None:
    """Open the confirmation link mailed at registration (read from the server's outbox), as its owner would."""
    from server.database import engine_from_url, use_engine
    from tests.accounts_flow import confirmation_path

    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    await page.goto(server.url + await confirmation_path(email))
    await expect(page.locator(".flashes")).to_contain_text(f"Thank you: {email} is confirmed.")


async def wait_until(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression from here: Playwright's wait_for_function evaluates strings with eval in
    the page, which Hallway's Content-Security-Policy (rightly) refuses."""
    deadline = time.monotonic() + timeout
    while not await page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        await asyncio.sleep(0.05)


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
