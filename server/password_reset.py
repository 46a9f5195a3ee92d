"""A way back into an account: a single-use link, good for an hour, sent to the account's address.

Asking never tells whether an address has an account (the answer is the same either way,
and asking is limited per address); only a hash of the link's token is stored, so a copy of the database opens nothing;
choosing a new password uses the link up and every other open link of that account with it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from piccolo.apps.user.tables import BaseUser

from server.i18n import _
from server.accounts import PASSWORD_MAX, PASSWORD_MIN, account_id_by_email, get_account
from server.link_tokens import new_token, plausible, token_hash
from server.mail import queue_mail
from server.tables import PasswordReset
from server.problems import Invalid, NotFound

LINK_LIFETIME = timedelta(hours=1)


def reset_path(token: str) -> str:
    return f"/password/reset/{token}"


async def send_reset_link(email: str, base_url: str, now: datetime | None = None) -> None:
    """Mail a reset link if an account uses ``email``; say nothing either way."""
    user_id = await account_id_by_email(email)
    account = await get_account(user_id) if user_id is not None else None
    if account is None:
        return
    now = now or datetime.now(timezone.utc)
    token = new_token()
    await PasswordReset(
        user=account.id, token_hash=token_hash(token), created_at=now, expires_at=now + LINK_LIFETIME
    ).save()
    await queue_mail(
        account.email,
        "Choose a new Hallway password",
        (
            f"Hello {account.display_name},\n\nSomeone (we hope you) asked to choose a new password for your Hallway "
            f"account. Open this link within an hour to do so; it works once:\n\n{base_url.rstrip('/')}{reset_path(token)}"
            "\n\nIf it was not you, ignore this message: your password stays as it is.\n"
        ),
    )


async def open_reset(token: str, now: datetime | None = None) -> int | None:
    """The account an unused, unexpired link resets, or ``None``."""
    if not plausible(token):
        return None
    row = (
        await PasswordReset.select(PasswordReset.user)
        .where(
            (PasswordReset.token_hash == token_hash(token))
            & PasswordReset.used_at.is_null()
            & (PasswordReset.expires_at > (now or datetime.now(timezone.utc)))
        )
        .first()
    )
    return row["user"] if row else None


async def choose_new_password(token: str, password: str, now: datetime | None = None) -> int:
    """Set the password through a valid link and use up every open link of that account; returns the account."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Invalid({"password": _("Use %(least)s to %(most)s characters.", least=PASSWORD_MIN, most=PASSWORD_MAX)})
    now = now or datetime.now(timezone.utc)
    user_id = await open_reset(token, now)
    if user_id is None:
        raise NotFound(_("This link has expired or has been used. Ask for a new one."))
    claimed = (
        await PasswordReset.update({PasswordReset.used_at: now})
        .where((PasswordReset.token_hash == token_hash(token)) & PasswordReset.used_at.is_null())
        .returning(PasswordReset.id)
    )
    if not claimed:  # the same link used twice at once: only one wins
        raise NotFound(_("This link has expired or has been used. Ask for a new one."))
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == user_id)
    await PasswordReset.update({PasswordReset.used_at: now}).where(
        (PasswordReset.user == user_id) & PasswordReset.used_at.is_null()
    )
    return user_id
