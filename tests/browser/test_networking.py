"""Two people in Chromium meet at a table, see each other and talk; the room works from the keyboard alone."""

from __future__ import annotations

import uuid

from playwright.async_api import Browser, Page, expect

from events.access import event_access
from events.demo import DEMO_SLUG
from networking.rooms import post_message, room_by_slug
from server.accounts import create_account
from server.database import engine_from_url, use_engine

from tests.browser.conftest import register_in, screenshot
from tests.hallway_process import HallwayServer
from tests.networking.conftest import add_room

TABLE = "/events/resource-sharing-forum/lounge/international-table/"


async def person(browser: Browser, server: HallwayServer, name: str, width: int = 1280) -> Page:
    page = await (await browser.new_context(viewport={"width": width, "height": 900})).new_page()
    await register_in(page, server, name)
    return page


async def earlier_conversation(server: HallwayServer, lines: int) -> None:
    """A table that has been busy all morning: more messages than its history box shows at once."""
    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    room = await room_by_slug(event_id, TABLE.rstrip("/").rsplit("/", 1)[1])
    author = await create_account(f"{uuid.uuid4().hex[:8]}@library.org", "a long password 1", "Early Bird")
    for number in range(lines):
        await post_message(room.id, author, f"Morning note {number}: requests from abroad were slow today.")


async def test_two_people_at_a_table_see_each_other_and_talk(server: HallwayServer, browser: Browser) -> None:
    await earlier_conversation(server, 30)
    maja, tomas = await person(browser, server, "Maja Lindqvist"), await person(browser, server, "Tomás Ramírez", 390)
    await maja.goto(server.url + TABLE)
    await expect(maja.get_by_text("You are in the room.")).to_be_visible()
    await tomas.goto(server.url + TABLE)

    await expect(maja.locator("#people-list")).to_contain_text("Tomás Ramírez")
    await expect(tomas.locator("#people-list")).to_contain_text("Maja Lindqvist")
    await tomas.get_by_label("Your message").fill("Does anyone use IFLA vouchers? See https://example.org/vouchers")
    await tomas.get_by_role("button", name="Send").click()

    message = maja.locator("#messages li").last
    await expect(message).to_contain_text("Does anyone use IFLA vouchers?")
    await expect(message.get_by_role("link", name="https://example.org/vouchers")).to_be_visible()
    await expect(maja.locator("#chat-announcer")).to_have_text(
        "Tomás Ramírez: Does anyone use IFLA vouchers? See https://example.org/vouchers"
    )
    for page in (maja, tomas):  # the conversation follows its newest message, for reader and sender alike
        unread_below = "(m => m.scrollHeight - m.scrollTop - m.clientHeight)(document.getElementById('messages'))"
        assert await page.evaluate(unread_below) < 5
    await screenshot(maja, "room-desktop")
    await screenshot(tomas, "room-phone")
    assert await tomas.evaluate("document.documentElement.scrollWidth") <= 390

    lounge = await (await browser.new_context()).new_page()
    await lounge.goto(server.url + "/events/resource-sharing-forum/lounge/")
    await expect(lounge.locator("[data-room] .occupancy").nth(2)).to_have_text("2 of 8 seats taken")
    await screenshot(lounge, "lounge")

    await tomas.get_by_role("button", name="Leave the room").click()
    await expect(maja.locator("#people-list")).not_to_contain_text("Tomás Ramírez")


async def test_the_room_works_from_the_keyboard(server: HallwayServer, browser: Browser) -> None:
    page = await person(browser, server, "Keyboard User")
    await page.goto(server.url + TABLE)
    await expect(page.get_by_text("You are in the room.")).to_be_visible()

    for _ in range(40):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "chat-body":
            break
    assert await page.evaluate("document.activeElement.id") == "chat-body"
    await page.keyboard.type("Typed without a mouse")
    await page.keyboard.press("Enter")

    await expect(page.locator("#messages li").last).to_contain_text("Typed without a mouse")
    assert await page.evaluate("document.activeElement.id") == "chat-body"
    await page.keyboard.press("Shift+Tab")
    focused = await page.evaluate("document.activeElement.outerHTML")
    assert "Show earlier messages" not in focused  # hidden controls take no focus


async def test_someone_waiting_for_a_seat_is_offered_no_chat_box_until_seated(
    server: HallwayServer, browser: Browser
) -> None:
    await add_room(server, "one-seat-table", capacity=1)
    table = "/events/resource-sharing-forum/lounge/one-seat-table/"
    ines, jon = await person(browser, server, "Inès Moreau"), await person(browser, server, "Jon Berg")
    await ines.goto(server.url + table)
    await expect(ines.get_by_text("You are in the room.")).to_be_visible()

    lounge = await (await browser.new_context()).new_page()
    await lounge.goto(server.url + "/events/resource-sharing-forum/lounge/")
    card = lounge.locator(".floor-room", has=lounge.get_by_role("heading", name="One Seat Table"))
    await expect(card.locator(".join-room")).to_contain_text("Join the waiting list")

    await jon.goto(server.url + table)
    await expect(jon.get_by_text("You are number 1 on the waiting list")).to_be_visible()
    await expect(jon.get_by_label("Your message")).to_be_hidden()
    await expect(jon.get_by_text("You can chat once you have a seat at the table.")).to_be_visible()
    await screenshot(jon, "room-waiting-list")

    await ines.get_by_role("button", name="Leave the room").click()
    await expect(jon.locator("#room-status")).to_have_text("You are in the room.")
    await expect(jon.get_by_label("Your message")).to_be_visible()
    await expect(card.locator(".occupancy")).to_have_text("1 of 1 seats taken")  # Jon took the freed seat
    await expect(card.locator(".join-room")).to_contain_text("Join the waiting list")
    await jon.get_by_role("button", name="Leave the room").click()
    await expect(card.locator(".join-room")).not_to_contain_text("waiting list")
