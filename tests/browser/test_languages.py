"""Hallway in other languages in Chromium: German on a phone, and every page mirrored right to left.

The server offers the right-to-left pseudo-locale (``HALLWAY_PSEUDO_LOCALES``): English words laid out as
Arabic or Hebrew would be, so a layout that only works left to right shows before a translation exists.
Every page opened is photographed (test-output/screenshots/languages-*.png) and held to axe-core.
"""

from __future__ import annotations

from typing import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.test_journeys import look
from tests.hallway_process import HallwayServer, demo_server

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 800}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    with demo_server(tmp_path_factory.mktemp("languages"), HALLWAY_PSEUDO_LOCALES="on") as hallway:
        yield hallway


@pytest.fixture
async def german_phone(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="de-DE", viewport=PHONE, is_mobile=True, has_touch=True)
    yield await context.new_page()
    await context.close()


async def fits(page: Page) -> None:
    """Nothing on the page is wider than the screen (no sideways scrolling on a phone)."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


async def test_a_german_attendee_on_a_phone_finds_the_programme_and_a_spanish_talk(
    server: HallwayServer, german_phone: Page
) -> None:
    page = german_phone
    await page.goto(server.url + "/")
    assert await page.get_attribute("html", "lang") == "de"
    await page.get_by_role("link", name="Resource Sharing Forum", exact=True).click()
    await expect(page.get_by_role("link", name="Zum Programm")).to_be_visible()
    await fits(page)
    await look(page, "languages-de-phone-event")

    await page.get_by_role("link", name="Zum Programm").click()
    await expect(page.get_by_role("heading", level=2).first).to_contain_text(", ")  # "Montag, 30. November"
    await fits(page)
    await look(page, "languages-de-phone-schedule")

    await page.goto(server.url + "/archive/")
    await page.get_by_label("Aufzeichnungen, Transkripte, Folien und Fragen durchsuchen").fill("préstamo")
    await page.get_by_role("button", name="Suchen", exact=True).click()
    await expect(page.get_by_role("heading", name="1 Sitzung zu „préstamo“")).to_be_visible()
    await expect(page.get_by_role("link", name="Spanisch")).to_be_visible()  # the language facet
    await fits(page)
    await look(page, "languages-de-phone-search")

    await page.get_by_role("link", name="Préstamo interbibliotecario sin fronteras: una red latinoamericana").click()
    await expect(page.get_by_text("Sprache: Spanisch")).to_be_visible()
    await fits(page)
    await look(page, "languages-de-phone-item")


async def test_pages_mirror_right_to_left(server: HallwayServer, browser: Browser) -> None:
    context = await browser.new_context(locale="ar-XB", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    for path, name in (("/", "home"), ("/events/resource-sharing-forum/", "event"), ("/archive/", "archive")):
        await page.goto(server.url + path)
        assert (await page.get_attribute("html", "dir"), await page.get_attribute("html", "lang")) == ("rtl", "ar-XB")
        await look(page, f"languages-rtl-{name}")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"{path} overflows sideways right to left ({width} px)"

    home = await page.get_by_role("link", name="Hallway home").bounding_box()
    events = await page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").bounding_box()
    archive = await page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").bounding_box()
    assert home and events and archive
    assert home["x"] > events["x"] > archive["x"]  # the name at the right, then the menu reading leftwards
    await context.close()


@pytest.mark.parametrize(
    ("locale", "schedule", "search"), [("fr-FR", "Programme", "Chercher"), ("es-ES", "Programa", "Buscar")]
)
async def test_french_and_spanish_pages_fit_a_phone(
    server: HallwayServer, browser: Browser, locale: str, schedule: str, search: str
) -> None:
    context = await browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    code = locale[:2]
    for path, name in (
        ("/events/resource-sharing-forum/", "event"),
        ("/events/resource-sharing-forum/schedule/", "schedule"),
        ("/archive/search?q=IFLA", "search"),
    ):
        await page.goto(server.url + path)
        assert await page.get_attribute("html", "lang") == code
        await fits(page)
        await look(page, f"languages-{code}-phone-{name}")
    await expect(page.get_by_role("button", name=search, exact=True)).to_be_visible()
    await page.goto(server.url + "/events/resource-sharing-forum/")
    await expect(
        page.get_by_role("navigation", name="Resource Sharing Forum").get_by_role("link", name=schedule)
    ).to_be_visible()
    await context.close()
