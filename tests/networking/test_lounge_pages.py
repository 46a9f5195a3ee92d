"""Lounge and room pages, older messages, room set-up, profiles and avatars (in-process)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from events.access import add_member, event_access
from events.demo import DEMO_SLUG, load_demo
from events.tables import MemberRole
from networking import rooms
from networking.demo import load_networking_demo
from networking.tables import SanctionKind
from server.accounts import account_id_by_email
from server.ratelimit import AVATARS_PER_HOUR
from tests.accounts_flow import log_in, post

Client = AsyncTestClient[Litestar]
LOUNGE = f"/events/{DEMO_SLUG}/lounge/"


@pytest.fixture
async def event_id(app: Litestar) -> int:
    await load_demo(today=date(2027, 3, 9))
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    await load_networking_demo(event_id)
    return event_id


async def test_the_lounge_lists_every_room_with_its_seats(client: Client, event_id: int) -> None:
    page = (await client.get(LOUNGE)).text

    assert "Main lounge" in page and "Copyright &amp; fair use" in page
    assert "0 of 8 seats taken" in page and page.count('class="seat free"') == 4 * 8


async def test_a_room_page_shows_its_history_escaped_with_links(client: Client, event_id: int) -> None:
    room = await rooms.room_by_slug(event_id, "copyright-table")
    await log_in(client, "ada@library.org", "Ada")
    ada = await account_id_by_email("ada@library.org")
    await rooms.post_message(room.id, ada, "<script>alert(1)</script> see https://example.org/contu.")

    page = (await client.get(LOUNGE + "copyright-table/")).text

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert (
        '<a href="https://example.org/contu" rel="nofollow noopener" target="_blank">https://example.org/contu</a>.'
        in page
    )


async def test_chat_times_are_in_the_events_zone_until_someone_chooses_their_own(client: Client, event_id: int) -> None:
    room = await rooms.room_by_slug(event_id, "copyright-table")
    zone = (await event_access(DEMO_SLUG, None)).timezone
    await log_in(client, "ada@library.org", "Ada")
    ada = await account_id_by_email("ada@library.org")
    said = await rooms.post_message(room.id, ada, "Which courier do you use?")

    page = (await client.get(LOUNGE + "copyright-table/")).text

    assert zone != "UTC" and f'data-zone="{zone}"' in page  # the footer says "each event's own time zone"
    assert f">{said.created_at.astimezone(ZoneInfo(zone)):%H:%M}</time>" in page


async def test_older_messages_come_in_pages_of_fifty(client: Client, event_id: int) -> None:
    room = await rooms.room_by_slug(event_id, "copyright-table")
    await log_in(client, "ada@library.org", "Ada")
    ada = await account_id_by_email("ada@library.org")
    ids = [(await rooms.post_message(room.id, ada, f"message {n}")).id for n in range(120)]

    newest = await rooms.recent_messages(room.id)
    older = (await client.get(LOUNGE + f"copyright-table/messages?before={newest[0].id}")).json()
    oldest = (await client.get(LOUNGE + f"copyright-table/messages?before={older[0]['id']}")).json()

    assert [m.id for m in newest] == ids[70:]
    assert [m["id"] for m in older] == ids[20:70] and [m["id"] for m in oldest] == ids[:20]
    assert (await client.get(LOUNGE + "copyright-table/messages?before=abc")).status_code == 400
    past_every_id = (await client.get(LOUNGE + f"copyright-table/messages?before={2**70}")).json()
    assert [m["id"] for m in past_every_id] == ids[70:]  # the newest, not an overflow in the database


async def test_a_banned_person_cannot_read_back_through_history(client: Client, event_id: int) -> None:
    room = await rooms.room_by_slug(event_id, "copyright-table")
    await log_in(client, "troll@library.org", "Troll")
    await rooms.sanction(room.id, await account_id_by_email("troll@library.org"), SanctionKind.ban, None)

    assert (await client.get(LOUNGE + "copyright-table/messages?before=100")).status_code == 403


async def test_organisers_open_rooms_and_others_cannot(client: Client, event_id: int) -> None:
    form = {
        "name": "Purchase on demand",
        "slug": "pod-table",
        "kind": "table",
        "description": "",
        "tags": "POD",
        "capacity": "6",
        "video_url": "https://meet.example.org/pod",
    }
    await log_in(client, "ada@library.org", "Ada")
    assert (await post(client, LOUNGE + "rooms", form)).status_code == 403

    await add_member(event_id, await account_id_by_email("ada@library.org"), MemberRole.organiser)
    assert (await post(client, LOUNGE + "rooms", form)).status_code == 302
    assert "Purchase on demand" in (await client.get(LOUNGE)).text
    bad = await post(client, LOUNGE + "rooms", {**form, "slug": "pod-table", "video_url": "http://insecure"})
    assert bad.status_code == 400 and "This event already has a room at this address." in bad.text
    assert "Video links must start with https://." in bad.text

    muddled = await post(client, LOUNGE + "rooms", {**form, "name": "", "capacity": "many", "video_url": "ftp://x"})
    summary = muddled.text.split('class="error-summary"')[1].split("</div>")[0]  # at the top, every problem at once
    assert muddled.status_code == 400 and summary.index('href="#name"') < summary.index('href="#capacity"')
    assert "Enter a whole number of seats, or leave it empty." in summary and 'href="#video_url"' in summary


async def test_a_profile_can_be_listed_with_expertise_and_an_avatar(client: Client, event_id: int) -> None:
    await log_in(client, "ada@library.org", "Ada Okafor")
    user_id = await account_id_by_email("ada@library.org")
    await post(
        client,
        "/me/profile",
        {
            "display_name": "Ada Okafor",
            "affiliation": "Northgate",
            "bio": "",
            "pronouns": "she/her",
            "job_role": "ILL lead",
            "expertise": "copyright, CONTU",
            "contact_about": "Licences",
            "contact_details": "ext 12",
            "listed": "on",
        },
    )
    drawn = await client.get(f"/avatars/{user_id}.svg")
    picture = io.BytesIO()
    Image.new("RGB", (800, 400), "#1d5f8a").save(picture, format="JPEG")
    upload = await client.post(
        "/me/avatar",
        files={"avatar": ("me.jpg", picture.getvalue(), "image/jpeg")},
        data={"_csrf_token": client.cookies["hallway_csrf"]},
        follow_redirects=False,
    )
    stored = await client.get(f"/avatars/{user_id}.png")

    assert "she/her" in (await client.get("/people/?expertise=CONTU")).text
    assert drawn.headers["content-type"].startswith("image/svg+xml") and ">AO</text>" in drawn.text
    assert upload.status_code == 302
    assert Image.open(io.BytesIO(stored.content)).size == (256, 256)


async def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_kept(
    client: Client, event_id: int, settings
) -> None:
    await log_in(client, "ada@library.org", "Ada")
    user_id = await account_id_by_email("ada@library.org")

    response = await client.post(
        "/me/avatar",
        files={"avatar": ("evil.png", b"<svg onload=alert(1)>", "image/png")},
        data={"_csrf_token": client.cookies["hallway_csrf"]},
    )

    assert response.status_code == 400 and "Use a JPEG, PNG, GIF or WebP picture." in response.text
    assert not (settings.media_root / "avatars" / f"{user_id}.png").exists()
    assert (await client.get(f"/avatars/{user_id}.png")).headers["content-type"].startswith("image/svg+xml")


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 140)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


async def _upload(client: Any, picture: bytes) -> Any:
    return await client.post(
        "/me/avatar",
        files={"avatar": ("me.png", picture, "image/png")},
        data={"_csrf_token": client.cookies["hallway_csrf"]},
        follow_redirects=False,
    )


async def test_a_huge_picture_is_refused_before_it_is_decoded(client: Any) -> None:
    await log_in(client, "big@library.org", "Big Picture")
    bomb = _png(6000, 6000)  # about 120 KB of PNG, 36 million pixels
    assert len(bomb) < 200_000
    refused = await _upload(client, bomb)
    assert refused.status_code == 400 and "at most 4,000 × 4,000 pixels" in refused.text


async def test_picture_uploads_are_limited_per_person(client: Any) -> None:
    await log_in(client, "often@library.org", "Often Changes")
    small = _png(64, 64)
    answers = [(await _upload(client, small)).status_code for _ in range(AVATARS_PER_HOUR + 1)]
    assert answers == [302] * AVATARS_PER_HOUR + [429]
