"""The people directory and asking to connect, through the pages (in-process, SQLite)."""

from __future__ import annotations

from datetime import date

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.access import event_access
from events.demo import DEMO_SLUG, load_demo
from networking.demo import load_networking_demo
from server.accounts import ProfileInput, account_id_by_email, update_profile
from tests.accounts_flow import log_in, post

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def demo(app: Litestar) -> None:
    await load_demo(today=date(2027, 3, 9))
    await load_networking_demo((await event_access(DEMO_SLUG, None)).event_id)


async def list_me(email: str, **fields: object) -> None:
    user_id = await account_id_by_email(email)
    await update_profile(user_id, ProfileInput(fields.pop("name", "Someone"), **fields))  # type: ignore[arg-type]


async def test_only_people_who_opted_in_are_listed(client: Client, demo: None) -> None:
    await log_in(client, "quiet@library.org", "Quiet Person")

    page = (await client.get("/people/")).text

    listed = page.split('id="main"')[1]
    assert "Maja Lindqvist</a>" in listed and "Quiet Person</a>" not in listed
    assert "@demo.hallway.invalid" not in page and "Ask at the conference desk" not in page


async def test_the_directory_filters_by_expertise_institution_and_words(client: Client, demo: None) -> None:
    await log_in(client, "ada@library.org", "Ada")

    by_expertise = (await client.get("/people/?expertise=copyright")).text
    by_place = (await client.get("/events/resource-sharing-forum/people/?institution=lyon")).text
    by_words = (await client.get("/people/?q=auditors")).text

    assert "Harriet Whitfield" in by_expertise and "Jonas Müller" in by_expertise and "Wei Chen" not in by_expertise
    assert "Claire Dubois" in by_place and "Maja Lindqvist" not in by_place
    assert "Jonas Müller" in by_words and "Harriet" not in by_words


async def test_asking_to_connect_notifies_and_accepting_shares_contact_details(client: Client, demo: None) -> None:
    await log_in(client, "bea@library.org", "Bea")
    await list_me("bea@library.org", name="Bea", listed=True, contact_details="bea@library.org, ext. 42")
    await post(client, "/logout")
    await log_in(client, "ada@library.org", "Ada")
    await list_me("ada@library.org", name="Ada", listed=True, contact_details="Call me on 555-0100")
    bea_id = await account_id_by_email("bea@library.org")

    asked = await post(client, f"/people/{bea_id}/connect", {"message": "Loved your talk on CONTU"})
    assert asked.status_code == 302
    assert "bea@library.org, ext. 42" not in (await client.get("/me/connections/")).text
    assert (await post(client, f"/people/{bea_id}/connect", {"message": "again"})).status_code == 302
    assert "already connected, or a request is waiting" in (await client.get("/people/")).text

    await post(client, "/logout")
    await log_in(client, "bea@library.org", create=False)
    notifications = (await client.get("/me/notifications/")).text
    assert "Ada would like to connect with you." in notifications
    connections = (await client.get("/me/connections/")).text
    request_id = connections.split('action="/me/connections/')[1].split("/")[0]
    await post(client, f"/me/connections/{request_id}/accept")
    assert "Call me on 555-0100" in (await client.get("/me/connections/")).text

    await post(client, "/logout")
    await log_in(client, "ada@library.org", create=False)
    assert "Bea accepted your request to connect." in (await client.get("/me/notifications/")).text
    assert "bea@library.org, ext. 42" in (await client.get("/me/connections/")).text


async def test_people_who_did_not_opt_in_cannot_be_asked(client: Client, demo: None) -> None:
    await log_in(client, "hidden@library.org", "Hidden")
    hidden_id = await account_id_by_email("hidden@library.org")
    await post(client, "/logout")
    await log_in(client, "ada@library.org", "Ada")

    await post(client, f"/people/{hidden_id}/connect", {"message": "hi"})

    assert "This person is not in the directory." in (await client.get("/people/")).text
    await post(client, "/logout")
    await log_in(client, "hidden@library.org", create=False)
    assert "would like to connect" not in (await client.get("/me/notifications/")).text


async def test_the_directory_needs_an_account(client: Client, demo: None) -> None:
    response = await client.get("/people/", follow_redirects=False)

    assert response.status_code == 302 and response.headers["location"].startswith("/login")


async def test_someone_cannot_answer_another_persons_request(client: Client, demo: None) -> None:
    await log_in(client, "ada@library.org", "Ada")

    assert (await post(client, "/me/connections/1/accept")).status_code == 404
    assert (await post(client, "/me/connections/1/shrug")).status_code == 404


async def test_a_request_shows_who_asks_with_a_link_to_their_page_which_strangers_cannot_open(
    client: Client, app: Litestar, demo: None
) -> None:
    await log_in(client, "ada@library.org", "Ada")
    await list_me("ada@library.org", name="Ada", listed=True)
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as ben:
        await log_in(ben, "ben@library.org", "Ben")
        await list_me(
            "ben@library.org",
            name="Ben Okoro",
            affiliation="Northgate University",
            job_role="ILL coordinator",
            bio="I run lending for three campuses.",
            expertise=["vouchers"],
        )
        ada_id = await account_id_by_email("ada@library.org")
        assert (await post(ben, f"/people/{ada_id}/connect", {"message": "Vouchers?"})).status_code == 302
    ben_id = await account_id_by_email("ben@library.org")

    requests = (await client.get("/me/connections/")).text
    page = await client.get(f"/people/{ben_id}/")
    inbox = (await client.get("/me/notifications/")).text
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as cleo:
        await log_in(cleo, "cleo@library.org", "Cleo")
        stranger = await cleo.get(f"/people/{ben_id}/")

    assert f'<a href="/people/{ben_id}/">Ben Okoro</a>' in requests
    assert "ILL coordinator, Northgate University" in requests and "Knows about: vouchers" in requests
    assert page.status_code == 200 and "I run lending for three campuses." in page.text
    assert "Ben Okoro asked to connect with you" in page.text
    assert "Ben Okoro (Northgate University) would like to connect with you." in inbox
    assert stranger.status_code == 404  # Ben is not in the directory: only people he asked see his page
