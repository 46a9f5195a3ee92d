"""What the Q&A page's forms send, read into what ``sessions.questions`` and ``sessions.polls`` take
(see ``server/forms.py``)."""

from __future__ import annotations

from typing import NamedTuple

from server.forms import checked, chosen_numbers

POLL_FIELDS = ("question", "options", "multiple", "results_live")


class PollForm(NamedTuple):
    """A new poll as typed: the question, one option per line, and its two switches."""

    question: str
    options: list[str]
    multiple: bool
    results_live: bool


def poll_input(values: dict[str, str]) -> PollForm:
    return PollForm(
        values["question"], values["options"].splitlines(), checked(values, "multiple"), checked(values, "results_live")
    )


def poll_choices(sent: list[object]) -> list[int]:
    """The options ticked, by their numbers (the poll says which numbers it has)."""
    return chosen_numbers(sent, "choices", "Choose options by their numbers.")
