"""What a chat message may hold: what is stored is what was sent, or it is refused with a reason."""

from __future__ import annotations

import pytest

from networking.rooms import check_message
from server.problems import Invalid


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("   ", "A message cannot be empty."),
        ("\u200b\u2060", "A message cannot be empty."),  # zero-width characters alone show nothing
        ("\x00\x01\x1f\x7f", "A message cannot be empty."),
        ("a\x00b", "Remove the control characters from this text."),  # refused, never stored as "ab"
        ("ring \x07 the bell", "Remove the control characters from this text."),
        (5, "A message must be text."),
    ],
)
def test_a_message_that_shows_nothing_or_hides_control_characters_is_refused(body: object, reason: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_message(body)

    assert refused.value.errors == {"body": reason}


def test_a_message_keeps_its_line_breaks_tabs_and_any_language() -> None:
    assert check_message("  Über ILL:\r\n\tdoes 📚 IFLA voucher work?  ") == "Über ILL:\n\tdoes 📚 IFLA voucher work?"
