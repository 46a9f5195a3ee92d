"""Registering, logging in and out, and editing a profile through the web pages."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server import accounts

Client = AsyncTestClient[Litestar]
PASSWORD = "correct horse battery"


async def post_form(client: Client, path: str, data: dict[str, Any], *, csrf: bool = True) -> Any:
    """Post a form the way a browser does: the page first (for the CSRF cookie), then the form."""
    if "hallway_csrf" not in client.cookies:
        await client.get("/login")
    if csrf:
        data = {**data, "_csrf_token": client.cookies["hallway_csrf"]}
    return await client.post(path, data=data, follow_redirects=False)


async def register(client: Client, email: str = "ada@library.org", name: str = "Ada Okafor") -> Any:
    return await post_form(client, "/register", {"email": email, "display_name": name, "password": PASSWORD})


async def test_a_visitor_registers_and_is_greeted_by_name(client: Client) -> None:
    response = await register(client)

    assert response.status_code == 302 and response.headers["location"] == "/"
    home = await client.get("/")
    assert "Welcome to Hallway, Ada Okafor." in home.text
    assert 'href="/me/profile">Ada Okafor</a>' in home.text


async def test_a_registration_error_is_shown_by_its_field_and_keeps_what_was_typed(client: Client) -> None:
    response = await post_form(
        client, "/register", {"email": "ada@library.org", "display_name": "Ada Okafor", "password": "short"}
    )

    assert response.status_code == 400
    assert 'id="password-error">Use at least 8 characters.' in response.text
    assert 'value="ada@library.org"' in response.text and 'value="Ada Okafor"' in response.text
    assert "short" not in response.text.split('id="password"')[1].split(">")[0]
    assert await accounts.count_accounts() == 0


async def test_registering_an_email_twice_says_so(client: Client) -> None:
    await register(client)
    client.cookies.clear()

    response = await register(client, email="ADA@library.org", name="Someone Else")

    assert response.status_code == 400
    assert "An account with this email already exists" in response.text
    assert await accounts.count_accounts() == 1


async def test_log_out_then_log_in_again(client: Client) -> None:
    await register(client)

    logout = await post_form(client, "/logout", {})
    assert logout.status_code == 302
    assert "Log in" in (await client.get("/")).text

    login = await post_form(client, "/login", {"email": "ada@library.org", "password": PASSWORD, "next": "/me/profile"})
    assert login.status_code == 302 and login.headers["location"] == "/me/profile"
    assert 'value="Ada Okafor"' in (await client.get("/me/profile")).text


async def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: Client) -> None:
    await register(client)
    client.cookies.clear()

    response = await post_form(client, "/login", {"email": "ada@library.org", "password": "not my password"})

    assert response.status_code == 400
    assert "That email and password do not match an account." in response.text
    assert "/me/profile" not in (await client.get("/")).text


async def test_login_never_redirects_to_another_site(client: Client) -> None:
    await register(client)
    client.cookies.clear()

    response = await post_form(
        client, "/login", {"email": "ada@library.org", "password": PASSWORD, "next": "//evil.example/"}
    )

    assert response.headers["location"] == "/"


async def test_a_form_without_its_csrf_token_is_refused(client: Client) -> None:
    response = await post_form(
        client, "/register", {"email": "ada@library.org", "display_name": "Ada", "password": PASSWORD}, csrf=False
    )

    assert response.status_code == 403
    assert await accounts.count_accounts() == 0


async def test_repeated_failed_logins_are_slowed_down_even_with_the_right_password(client: Client) -> None:
    await register(client)
    client.cookies.clear()
    for _ in range(5):
        assert (await post_form(client, "/login", {"email": "ada@library.org", "password": "guess"})).status_code == 400

    response = await post_form(client, "/login", {"email": "ada@library.org", "password": PASSWORD})

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "Too many failed attempts" in response.text


async def test_a_profile_edit_is_saved_and_shown_back(client: Client) -> None:
    await register(client)

    response = await post_form(
        client, "/me/profile", {"display_name": "Ada O.", "affiliation": "Northgate University", "bio": "ILL lead."}
    )

    assert response.status_code == 302
    page = (await client.get("/me/profile")).text
    assert "Your profile is saved." in page
    assert 'value="Northgate University"' in page and "ILL lead.</textarea>" in page


async def test_a_bad_profile_edit_shows_the_error_and_keeps_the_typing(client: Client) -> None:
    await register(client)

    response = await post_form(client, "/me/profile", {"display_name": "", "affiliation": "Northgate", "bio": "Hello"})

    assert response.status_code == 400
    assert 'id="display_name-error"' in response.text and 'value="Northgate"' in response.text


async def test_the_profile_page_sends_visitors_to_log_in(client: Client) -> None:
    response = await client.get("/me/profile", follow_redirects=False)

    assert response.status_code == 302 and response.headers["location"] == "/login?next=/me/profile"


@pytest.mark.parametrize(
    "data",
    [
        {"email": "a" * 30_000, "display_name": "Ada", "password": PASSWORD},
        {"email": ["one@library.org", "two@library.org"], "display_name": "Ada", "password": PASSWORD},
    ],
    ids=["far-too-long", "field-twice"],
)
async def test_malformed_forms_are_client_errors_not_crashes(client: Client, data: dict[str, Any]) -> None:
    response = await post_form(client, "/register", data)

    assert response.status_code == 400
    assert await accounts.count_accounts() == 0


async def test_an_oversized_body_is_refused(client: Client) -> None:
    response = await post_form(client, "/register", {"bio": "x" * (3 * 1024 * 1024)})

    assert response.status_code == 413


async def test_only_site_admins_reach_administration(client: Client) -> None:
    await register(client)
    assert (await client.get("/admin/")).status_code == 403

    await accounts.create_account("admin@library.org", PASSWORD, "Admin", admin=True)
    await post_form(client, "/logout", {})
    await post_form(client, "/login", {"email": "admin@library.org", "password": PASSWORD})
    assert "2 accounts registered" in (await client.get("/admin/")).text


async def test_an_unknown_page_is_a_friendly_404(client: Client) -> None:
    response = await client.get("/events/no-such-event/")

    assert response.status_code == 404
    assert "There is no event at this address." in response.text


async def test_logging_in_replaces_the_session_id_so_a_planted_one_is_worthless(client: Client) -> None:
    await register(client)
    client.cookies.clear()
    planted = "ab" * 32
    client.cookies.set("hallway_session", planted, domain="127.0.0.1")
    await post_form(client, "/login", {"email": "ada@library.org", "password": PASSWORD})

    assert client.cookies["hallway_session"] not in (planted, "null")
    client.cookies.set("hallway_session", planted, domain="127.0.0.1")
    assert "Log in" in (await client.get("/")).text


async def test_an_address_that_matches_nothing_is_a_friendly_404(client: Client) -> None:
    response = await client.get("/no/such/page")

    assert response.status_code == 404 and "Not found" in response.text


async def test_opening_the_notifications_clears_the_badge_and_still_marks_what_was_new(client: Client) -> None:
    from server.notifications import notify

    await register(client)
    user_id = await accounts.account_id_by_email("ada@library.org")
    await notify(user_id, "test", "Your question was answered.", "/")
    before = (await client.get("/")).text
    listing = (await client.get("/me/notifications/")).text
    after = (await client.get("/")).text

    assert '<span id="unread-count">1</span>' in before and "Your question was answered." in listing
    assert '<span id="unread-count">0</span>' in after and 'class="count-badge" hidden' in after
