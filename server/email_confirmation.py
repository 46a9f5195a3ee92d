"""Proving that an account reads its address: at registration, and before it moves to another one.

Until its address is confirmed an account may take part (register for events, ask, chat) but Hallway mails it
nothing except confirmation and password-reset links, and it cannot create events: a stranger who types someone
else's address cannot have Hallway write to them, or run events in their name. A change of address takes effect
only when the new address confirms it, and the old address is told that it was asked for.

Only a hash of each link's token is kept; a link works once and for two days.
"""

from __future__ import annotations

from server.i18n import _
from datetime import datetime, timedelta, timezone

from piccolo.apps.user.tables import BaseUser

from server.accounts import (
    EMAIL_MAX,
    account_id_by_email,
    check_new_account,
    get_account,
    normalise_email,
    password_is_right,
)
from server.link_tokens import new_token, plausible, token_hash
from server.mail import queue_mail
from server.tables import EmailConfirmation, Profile
from server.problems import Invalid, NotFound

LINK_LIFETIME = timedelta(days=2)
_USED_UP = "This link has expired or has been used. Ask for a new one from your profile."


def confirmation_path(token: str) -> str:
    return f"/email/confirm/{token}"


async def _new_link(user_id: int, email: str, now: datetime) -> str:
    token = new_token()
    await EmailConfirmation(
        user=user_id, email=email, token_hash=token_hash(token), created_at=now, expires_at=now + LINK_LIFETIME
    ).save()
    return token


async def send_confirmation_link(user_id: int, base_url: str, now: datetime | None = None) -> bool:
    """Mail the account's own address a link that confirms it; ``False`` when it is confirmed already."""
    account = await get_account(user_id)
    if account is None or account.email_confirmed:
        return False
    token = await _new_link(account.id, account.email, now or datetime.now(timezone.utc))
    await queue_mail(
        account.email,
        "Confirm your email address for Hallway",
        (
            f"Hello {account.display_name},\n\nWelcome to Hallway. Open this link within two days to confirm that this "
            f"is your address; until then Hallway sends you no other mail:\n\n{base_url.rstrip('/')}"
            f"{confirmation_path(token)}\n\nIf you did not create a Hallway account, ignore this message.\n"
        ),
    )
    return True


async def ask_to_change_address(
    user_id: int, new_email: str, password: str, base_url: str, now: datetime | None = None
) -> str:
    """Send the new address a link that moves the account to it; the old address is told. Returns the new address.

    The password is asked again so that someone at an unattended, logged-in computer cannot take the account over.
    """
    account = await get_account(user_id)
    if account is None:
        raise Invalid({"email": _("This account no longer exists.")})
    new_email = normalise_email(new_email)
    errors = {name: problem for name, problem in check_new_account(new_email, "x" * 8, "x").items() if name == "email"}
    if not errors and new_email == account.email:
        errors["email"] = _("This is already your address.")
    elif not errors and await account_id_by_email(new_email) is not None:
        errors["email"] = _("Another account uses this address.")
    if not await password_is_right(user_id, password):
        errors["current_password"] = _("That is not your current password.")
    if errors:
        raise Invalid(errors)
    now = now or datetime.now(timezone.utc)
    token = await _new_link(account.id, new_email, now)
    await queue_mail(
        new_email,
        "Confirm your new email address for Hallway",
        (
            f"Hello {account.display_name},\n\nOpen this link within two days to move your Hallway account to this "
            f"address:\n\n{base_url.rstrip('/')}{confirmation_path(token)}\n\n"
            "If you did not ask for this, ignore this message: nothing changes.\n"
        ),
    )
    if account.email_confirmed:  # an address nobody has proved is not written to (see the module's docstring)
        await queue_mail(
            account.email,
            "Your Hallway address is being changed",
            (
                f"Hello {account.display_name},\n\nSomeone logged in to your Hallway account asked to move it to "
                f"{new_email}. It moves only when that address confirms. If this was not you, choose a new password now: "
                f"{base_url.rstrip('/')}/password/forgot\n"
            ),
        )
    return new_email


async def confirm_address(token: str, now: datetime | None = None) -> int:
    """Use a link: the account's address becomes the one it confirms. Returns the account."""
    now = now or datetime.now(timezone.utc)
    if not plausible(token):
        raise NotFound(_USED_UP)
    row = (
        await EmailConfirmation.select(EmailConfirmation.user, EmailConfirmation.email)
        .where(
            (EmailConfirmation.token_hash == token_hash(token))
            & EmailConfirmation.used_at.is_null()
            & (EmailConfirmation.expires_at > now)
        )
        .first()
    )
    if row is None or len(row["email"]) > EMAIL_MAX:
        raise NotFound(_USED_UP)
    user_id, email = int(row["user"]), str(row["email"])
    claimed = (
        await EmailConfirmation.update({EmailConfirmation.used_at: now})
        .where((EmailConfirmation.token_hash == token_hash(token)) & EmailConfirmation.used_at.is_null())
        .returning(EmailConfirmation.id)
    )
    if not claimed:  # the same link opened twice at once: one wins
        raise NotFound(_USED_UP)
    owner = await account_id_by_email(email)
    if owner not in (None, user_id):
        raise NotFound(_("Another account has taken this address since the link was sent."))
    try:
        await BaseUser.update({BaseUser.username: email, BaseUser.email: email}).where(BaseUser.id == user_id)
    except Exception as error:  # someone registered the address this very moment: the unique username refused it
        if await account_id_by_email(email) not in (None, user_id):
            raise NotFound(_("Another account has taken this address since the link was sent.")) from error
        raise
    await Profile.update({Profile.email_confirmed_at: now}).where(Profile.user == user_id)
    # Links to the address the account had are void now; so are links to other new addresses.
    await EmailConfirmation.update({EmailConfirmation.used_at: now}).where(
        (EmailConfirmation.user == user_id) & EmailConfirmation.used_at.is_null()
    )
    return user_id


async def pending_change(user_id: int, now: datetime | None = None) -> str:
    """The new address this account last asked to move to and has not confirmed yet, or ``""``."""
    account = await get_account(user_id)
    if account is None:
        return ""
    row = (
        await EmailConfirmation.select(EmailConfirmation.email)
        .where(
            (EmailConfirmation.user == user_id)
            & EmailConfirmation.used_at.is_null()
            & (EmailConfirmation.expires_at > (now or datetime.now(timezone.utc)))
            & (EmailConfirmation.email != account.email)
        )
        .order_by(EmailConfirmation.id, ascending=False)
        .first()
    )
    return row["email"] if row else ""
