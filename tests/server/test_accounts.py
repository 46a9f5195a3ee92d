"""Accounts and profiles, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from server import accounts
from server.accounts import ProfileInput
from server.problems import Invalid

pytestmark = pytest.mark.usefixtures("db")


async def test_a_new_account_has_a_profile_and_a_hashed_password() -> None:
    user_id = await accounts.create_account("Ada@Library.org", "long enough pass", "Ada Lovelace")

    account = await accounts.get_account(user_id)
    assert account is not None
    assert (account.email, account.display_name, account.is_admin) == ("ada@library.org", "Ada Lovelace", False)
    stored = await BaseUser.select(BaseUser.password).where(BaseUser.id == user_id).first()
    assert stored["password"].startswith("pbkdf2_sha256$")
    assert "long enough pass" not in stored["password"]


async def test_the_right_password_logs_in_and_the_email_ignores_case() -> None:
    user_id = await accounts.create_account("ada@library.org", "long enough pass", "Ada")

    assert await accounts.authenticate(" ADA@library.org ", "long enough pass") == user_id
    assert await accounts.authenticate("ada@library.org", "wrong password") is None
    assert await accounts.authenticate("nobody@library.org", "long enough pass") is None


async def test_an_email_can_hold_only_one_account() -> None:
    await accounts.create_account("ada@library.org", "long enough pass", "Ada")

    with pytest.raises(Invalid) as raised:
        await accounts.create_account("ADA@library.org", "another password", "Someone Else")

    assert "already exists" in raised.value.errors["email"]
    assert await accounts.count_accounts() == 1


@pytest.mark.parametrize(
    ("email", "password", "name", "field"),
    [
        ("not-an-email", "long enough pass", "Ada", "email"),
        ("", "long enough pass", "Ada", "email"),
        ("a" * 95 + "@x.org", "long enough pass", "Ada", "email"),
        ("ada@library.org", "short", "Ada", "password"),
        ("ada@library.org", "p" * 129, "Ada", "password"),
        ("ada@library.org", "long enough pass", "   ", "display_name"),
        ("ada@library.org", "long enough pass", "n" * 101, "display_name"),
    ],
)
async def test_bad_registration_input_is_refused_field_by_field(
    email: str, password: str, name: str, field: str
) -> None:
    with pytest.raises(Invalid) as raised:
        await accounts.create_account(email, password, name)

    assert field in raised.value.errors
    assert await accounts.count_accounts() == 0


async def test_a_profile_edit_is_kept_and_bad_edits_change_nothing() -> None:
    user_id = await accounts.create_account("ada@library.org", "long enough pass", "Ada")

    await accounts.update_profile(
        user_id,
        ProfileInput(
            "Ada L.",
            "Northgate University",
            "Runs the ILL office.",
            pronouns="she/her",
            expertise=["copyright", " CONTU "],
        ),
    )
    with pytest.raises(Invalid):
        await accounts.update_profile(user_id, ProfileInput("", "Elsewhere", "b" * 2001))

    account = await accounts.get_account(user_id)
    assert (account.display_name, account.affiliation, account.bio) == (
        "Ada L.",
        "Northgate University",
        "Runs the ILL office.",
    )
    assert (account.pronouns, account.expertise, account.listed) == ("she/her", ("CONTU", "copyright"), False)


async def test_a_site_admin_is_marked_as_one() -> None:
    admin_id = await accounts.create_account("admin@library.org", "long enough pass", "Admin", admin=True)

    assert (await accounts.get_account(admin_id)).is_admin


async def test_a_deactivated_account_cannot_log_in() -> None:
    user_id = await accounts.create_account("ada@library.org", "long enough pass", "Ada")
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)

    assert await accounts.authenticate("ada@library.org", "long enough pass") is None
    assert await accounts.get_account(user_id) is None


@pytest.mark.parametrize("name", ["Eve\r\nBcc: all@evil.example", "Eve\x00", "Tab\tbed", "Bell\x07", "Line\u2028sep"])
async def test_a_name_is_one_line_without_control_characters(name: str) -> None:
    with pytest.raises(Invalid) as refused:
        await accounts.create_account("eve@library.org", "correct horse battery", name)
    assert refused.value.errors == {"display_name": "Use one line of text, without line breaks or control characters."}
    user_id = await accounts.create_account("eve@library.org", "correct horse battery", "Eve")
    with pytest.raises(Invalid):
        await accounts.update_profile(user_id, ProfileInput(display_name=name))
    assert (await accounts.get_account(user_id)).display_name == "Eve"
