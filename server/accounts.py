"""Accounts and profiles: create, authenticate, read and edit.

Accounts are Piccolo ``BaseUser`` rows (PBKDF2-SHA256, OWASP iteration count)
whose username is the lower-cased email. Hashing takes a few hundred
milliseconds on purpose, so it runs in a thread instead of stalling every
other request and socket on the event loop.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from piccolo.apps.user.tables import BaseUser

from server.i18n import _
from server.protocol import Person
from server.validation import line_problem, text_problem
from server.problems import Invalid
from server.tables import AFFILIATION_MAX, BIO_MAX, DISPLAY_NAME_MAX, Profile

EMAIL_MAX = 100
PASSWORD_MIN = 8
PASSWORD_MAX = 128
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
# A valid hash of an unguessable password: checked when no account matches so
# that a wrong email takes as long as a wrong password.
_DUMMY_HASH = BaseUser.hash_password("no account has this password")


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    display_name: str
    affiliation: str
    bio: str
    is_admin: bool
    pronouns: str = ""
    job_role: str = ""
    expertise: tuple[str, ...] = ()
    contact_about: str = ""
    contact_details: str = ""
    listed: bool = False
    avatar: str = ""
    email_confirmed: bool = False
    time_zone: str = ""
    language: str = ""  # the interface and mail language chosen; "" follows the browser


@dataclass
class ProfileInput:
    """What a person may change about how others see them."""

    display_name: str
    affiliation: str = ""
    bio: str = ""
    pronouns: str = ""
    job_role: str = ""
    expertise: list[str] = field(default_factory=list)
    contact_about: str = ""
    contact_details: str = ""
    listed: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_profile_fields(data: ProfileInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.display_name.strip():
        errors["display_name"] = _("Enter the name other people will see.")
    elif len(data.display_name) > DISPLAY_NAME_MAX:
        errors["display_name"] = _("Use at most %(most)s characters.", most=DISPLAY_NAME_MAX)
    limits = {
        "affiliation": AFFILIATION_MAX,
        "bio": BIO_MAX,
        "pronouns": 40,
        "job_role": 100,
        "contact_about": BIO_MAX,
        "contact_details": 1000,
    }
    for name, maximum in limits.items():
        if len(getattr(data, name)) > maximum:
            errors[name] = _("Use at most %(most)s characters.", most=maximum)
    for name in ("display_name", "affiliation", "pronouns", "job_role"):
        if name not in errors and (problem := line_problem(getattr(data, name))):
            errors[name] = problem
    for name in ("bio", "contact_about", "contact_details"):
        if name not in errors and (problem := text_problem(getattr(data, name))):
            errors[name] = problem
    if "expertise" not in errors and any(line_problem(tag) for tag in data.expertise):
        errors["expertise"] = _("Name each subject on one line, without control characters.")
    if len(data.expertise) > 15 or any(len(tag.strip()) > 60 for tag in data.expertise):
        errors["expertise"] = _("Name up to 15 subjects of at most 60 characters each.")
    return errors


def check_new_account(email: str, password: str, display_name: str) -> dict[str, str]:
    errors = check_profile_fields(ProfileInput(display_name))
    email = normalise_email(email)
    if not email:
        errors["email"] = _("Enter your email address.")
    elif len(email) > EMAIL_MAX:
        errors["email"] = _("Email addresses longer than %(most)s characters are not supported.", most=EMAIL_MAX)
    elif not _EMAIL.match(email):
        errors["email"] = _("Enter an email address like name@library.org.")
    if len(password) < PASSWORD_MIN:
        errors["password"] = _("Use at least %(least)s characters.", least=PASSWORD_MIN)
    elif len(password) > PASSWORD_MAX:
        errors["password"] = _("Use at most %(most)s characters.", most=PASSWORD_MAX)
    return errors


async def create_account(
    email: str, password: str, display_name: str, *, admin: bool = False, confirmed: bool = False
) -> int:
    """Create an account with its profile; raise :class:`Invalid` on bad input.

    ``confirmed`` is for accounts whose address someone already vouches for (an administrator made on the command
    line); people who register confirm theirs through :mod:`server.email_confirmation`.
    """
    errors = check_new_account(email, password, display_name)
    if errors:
        raise Invalid(errors)
    email = normalise_email(email)
    if await BaseUser.exists().where(BaseUser.username == email):
        raise Invalid({"email": _("An account with this email already exists. Log in instead?")})
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    db = BaseUser._meta.db
    try:
        async with db.transaction():
            user = BaseUser(username=email, email=email, password=hashed, active=True, admin=admin, superuser=admin)  # type: ignore[no-untyped-call]
            await user.save()
            await Profile(
                user=user.id,
                display_name=display_name.strip(),
                updated_at=_now(),
                email_confirmed_at=_now() if confirmed else None,
            ).save()
    except Exception as error:  # a racing registration hit the unique constraint
        if await BaseUser.exists().where(BaseUser.username == email):
            raise Invalid({"email": _("An account with this email already exists. Log in instead?")}) from error
        raise
    return user.id


async def create_demo_account(email: str, display_name: str) -> int:
    """A demo person with a real profile and no way to log in (inactive), made without hashing a password."""
    email = normalise_email(email)
    async with BaseUser._meta.db.transaction():
        user = BaseUser(username=email, email=email, password=_DUMMY_HASH, active=False, admin=False, superuser=False)  # type: ignore[no-untyped-call]
        await user.save()
        await Profile(user=user.id, display_name=display_name.strip(), updated_at=_now()).save()
    return user.id


async def authenticate(email: str, password: str) -> int | None:
    """Return the account id when the password is right, else ``None``."""
    email = normalise_email(email)
    if len(email) > EMAIL_MAX or len(password) > PASSWORD_MAX:
        return None
    row = (
        await BaseUser.select(BaseUser.id, BaseUser.password, BaseUser.active).where(BaseUser.username == email).first()
    )
    stored = row["password"] if row else _DUMMY_HASH
    if not await asyncio.to_thread(_password_matches, password, stored) or not row or not row["active"]:
        return None
    await BaseUser.update({BaseUser.last_login: datetime.now()}).where(BaseUser.id == row["id"])
    return int(row["id"])


async def password_is_right(user_id: int, password: str) -> bool:
    """Whether ``password`` is this account's: asked again before changes that could take an account over."""
    row = await BaseUser.select(BaseUser.password).where(BaseUser.id == user_id).first()
    if row is None or len(password) > PASSWORD_MAX:
        return False
    return await asyncio.to_thread(_password_matches, password, row["password"])


def _password_matches(password: str, stored: str) -> bool:
    _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(stored)
    candidate = BaseUser.hash_password(password, salt, int(iterations))
    return hmac.compare_digest(candidate, stored)


async def get_account(user_id: int) -> Account | None:
    row = (
        await Profile.select(
            Profile.user.id,
            Profile.user.email,
            Profile.user.admin,
            Profile.user.active,
            Profile.display_name,
            Profile.affiliation,
            Profile.bio,
            Profile.pronouns,
            Profile.job_role,
            Profile.expertise,
            Profile.contact_about,
            Profile.contact_details,
            Profile.listed,
            Profile.avatar,
            Profile.email_confirmed_at,
            Profile.time_zone,
            Profile.language,
        )
        .where(Profile.user == user_id)
        .first()
    )
    if row is None or not row["user.active"]:
        return None
    return Account(
        id=row["user.id"],
        email=row["user.email"],
        display_name=row["display_name"],
        affiliation=row["affiliation"],
        bio=row["bio"],
        is_admin=bool(row["user.admin"]),
        pronouns=row["pronouns"],
        job_role=row["job_role"],
        expertise=tuple(row["expertise"] or ()),
        contact_about=row["contact_about"],
        contact_details=row["contact_details"],
        listed=bool(row["listed"]),
        avatar=row["avatar"],
        email_confirmed=row["email_confirmed_at"] is not None,
        time_zone=row["time_zone"],
        language=row["language"],
    )


async def remember_language(user_id: int, code: str) -> None:
    """Keep an account's interface and mail language (``""``: follow the browser; mail in English)."""
    await Profile.update({Profile.language: code}).where(Profile.user == user_id)


async def update_profile(user_id: int, data: ProfileInput) -> Account:
    errors = check_profile_fields(data)
    if errors:
        raise Invalid(errors)
    await Profile.update(
        {
            Profile.display_name: data.display_name.strip(),
            Profile.affiliation: data.affiliation.strip(),
            Profile.bio: data.bio.strip(),
            Profile.pronouns: data.pronouns.strip(),
            Profile.job_role: data.job_role.strip(),
            Profile.expertise: sorted({tag.strip() for tag in data.expertise if tag.strip()}),
            Profile.contact_about: data.contact_about.strip(),
            Profile.contact_details: data.contact_details.strip(),
            Profile.listed: data.listed,
            Profile.updated_at: _now(),
        }
    ).where(Profile.user == user_id)
    account = await get_account(user_id)
    assert account is not None, "profile updated for an account that does not exist"
    return account


async def set_avatar(user_id: int, filename: str) -> None:
    await Profile.update({Profile.avatar: filename, Profile.updated_at: _now()}).where(Profile.user == user_id)


async def display_names(user_ids: list[int]) -> dict[int, str]:
    """Display names of several accounts in one query."""
    if not user_ids:
        return {}
    rows = await Profile.select(Profile.user, Profile.display_name).where(Profile.user.is_in(user_ids))
    return {row["user"]: row["display_name"] for row in rows}


@dataclass(frozen=True)
class PublicProfile:
    """What anyone who meets a person in a room may see of them (never the email address)."""

    id: int
    display_name: str
    affiliation: str
    pronouns: str
    job_role: str
    expertise: tuple[str, ...]
    avatar_url: str

    def as_payload(self) -> Person:
        return Person(
            id=self.id,
            name=self.display_name,
            affiliation=self.affiliation,
            pronouns=self.pronouns,
            role=self.job_role,
            expertise=list(self.expertise),
            avatar=self.avatar_url,
        )


async def public_profiles(user_ids: list[int]) -> dict[int, PublicProfile]:
    if not user_ids:
        return {}
    rows = await Profile.select(
        Profile.user,
        Profile.display_name,
        Profile.affiliation,
        Profile.pronouns,
        Profile.job_role,
        Profile.expertise,
        Profile.avatar,
        Profile.updated_at,
    ).where(Profile.user.is_in(user_ids))
    return {
        row["user"]: PublicProfile(
            id=row["user"],
            display_name=row["display_name"],
            affiliation=row["affiliation"],
            pronouns=row["pronouns"],
            job_role=row["job_role"],
            expertise=tuple(row["expertise"] or ()),
            avatar_url=avatar_url(row["user"], row["avatar"], row["updated_at"]),
        )
        for row in rows
    }


@dataclass(frozen=True)
class ProfilePage:
    """A person's page: what a colleague deciding whether to connect needs (never the email address)."""

    profile: PublicProfile
    bio: str
    contact_about: str
    listed: bool


async def profile_page(user_id: int) -> ProfilePage | None:
    row = (
        await Profile.select(Profile.bio, Profile.contact_about, Profile.listed)
        .where((Profile.user == user_id) & (Profile.user.active == True))
        .first()
    )  # noqa: E712
    profiles = await public_profiles([user_id]) if row else {}
    if row is None or user_id not in profiles:
        return None
    return ProfilePage(
        profiles[user_id], row["bio"], row["contact_about"] if row["listed"] else "", bool(row["listed"])
    )


def avatar_url(user_id: int, stored: str, updated_at: datetime | None) -> str:
    """Uploaded avatars are served from media; everyone else gets a drawn one (versioned so caches refresh)."""
    version = int(updated_at.timestamp()) if updated_at else 0
    return f"/avatars/{user_id}.{'png' if stored else 'svg'}?v={version}"


@dataclass(frozen=True)
class DirectoryEntry:
    profile: PublicProfile
    contact_about: str


async def listed_people(
    *, among: list[int] | None = None, expertise: str = "", institution: str = "", text: str = ""
) -> list[DirectoryEntry]:
    """People who opted in to the directory, optionally only ``among`` some accounts, filtered."""
    query = Profile.select(
        Profile.user, Profile.contact_about, Profile.expertise, Profile.affiliation, Profile.display_name, Profile.bio
    ).where((Profile.listed == True) & (Profile.user.active == True))  # noqa: E712
    if among is not None:
        query = query.where(Profile.user.is_in(among or [0]))
    rows = await query.order_by(Profile.display_name)
    wanted = expertise.strip().lower()
    place = institution.strip().lower()
    words = text.strip().lower()
    rows = [
        row
        for row in rows
        if (not wanted or wanted in {tag.lower() for tag in row["expertise"] or []})
        and (not place or place in row["affiliation"].lower())
        and (
            not words
            or words
            in " ".join(
                [row["display_name"], row["bio"], row["contact_about"], " ".join(row["expertise"] or [])]
            ).lower()
        )
    ]
    profiles = await public_profiles([row["user"] for row in rows])
    return [DirectoryEntry(profiles[row["user"]], row["contact_about"]) for row in rows]


async def contact_details(user_id: int) -> str:
    row = await Profile.select(Profile.contact_details).where(Profile.user == user_id).first()
    return row["contact_details"] if row else ""


async def is_listed(user_id: int) -> bool:
    return await Profile.exists().where((Profile.user == user_id) & (Profile.listed == True))  # noqa: E712


async def account_id_by_email(email: str) -> int | None:
    row = await BaseUser.select(BaseUser.id).where(BaseUser.username == normalise_email(email)).first()
    return int(row["id"]) if row else None


async def count_accounts() -> int:
    return int(await BaseUser.count())


def _now() -> datetime:
    return datetime.now(timezone.utc)
