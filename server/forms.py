"""What HTML forms send, read into the domain's input shapes: the pieces every package's ``forms.py`` uses,
and the account pages' own forms.

A form sends text. Reading it here refuses only what cannot be read at all (a number of seats that is
not a number), with a message for its field; every other rule is the domain function's, so a page and
the API refuse the same input with the same words.
"""

from __future__ import annotations

from server.i18n import N_, _
from collections.abc import Mapping, Sequence

from server.accounts import ProfileInput
from server.problems import Invalid
from server.validation import whole_number

PROFILE_FIELDS = (
    "display_name",
    "affiliation",
    "bio",
    "pronouns",
    "job_role",
    "expertise",
    "contact_about",
    "contact_details",
    "listed",
)
EMAIL_FIELD = "email_pref"
SEATS = N_("Enter a whole number of seats, or leave it empty.")  # rooms of the programme and of the lounge


def checked(values: Mapping[str, str], name: str) -> bool:
    """A checkbox: browsers send "on" when it is ticked and nothing when it is not."""
    return values.get(name) == "on"


def comma_list(text: str) -> list[str]:
    """Tags and synonyms typed as "a, b, c" (empty pieces dropped; the domain trims and checks each)."""
    return [piece for piece in text.split(",") if piece.strip()]


def optional_whole_number(values: Mapping[str, str], name: str, message: str) -> int | None:
    """A field for a count that may be left empty (a room's seats)."""
    text = values[name].strip()
    if not text:
        return None
    number = whole_number(text)
    if number is None:
        raise Invalid({name: _(message)})
    return number


def chosen_numbers(sent: Sequence[object], name: str, message: str) -> list[int]:
    """Every value of a repeated field (ticked boxes, a multiple select) as numbers; anything else is refused."""
    numbers = [whole_number(value) if isinstance(value, str) else None for value in sent]
    if any(number is None for number in numbers):
        raise Invalid({name: message})
    return [number for number in numbers if number is not None]


def profile_input(values: Mapping[str, str]) -> ProfileInput:
    plain = {name: values[name] for name in PROFILE_FIELDS if name not in {"expertise", "listed"}}
    return ProfileInput(**plain, expertise=comma_list(values["expertise"]), listed=checked(values, "listed"))
