"""Reading what HTML forms send: only what cannot be read is refused here, by its field; the rest is the domain's."""

from __future__ import annotations

import pytest

from events.forms import presenter_ids, room_input
from networking.forms import room_input as lounge_room_input
from server.forms import checked, chosen_numbers, comma_list, optional_whole_number, profile_input
from server.problems import Invalid
from sessions.forms import poll_choices, poll_input

ROOM = {
    "name": "Main Hall",
    "kind": "",
    "capacity": " 120 ",
    "location": "",
    "stream_url": " https://s.example ",
    "join_url": "",
}


def test_ticked_boxes_tags_and_counts_are_read_as_people_type_them() -> None:
    assert checked({"listed": "on"}, "listed") and not checked({"listed": ""}, "listed") and not checked({}, "listed")
    assert comma_list("ILL, copyright,, ,OCLC") == ["ILL", " copyright", "OCLC"]  # the domain trims each
    assert optional_whole_number({"capacity": " 12 "}, "capacity", "seats?") == 12
    assert optional_whole_number({"capacity": "  "}, "capacity", "seats?") is None


@pytest.mark.parametrize("typed", ["twelve", "1.5", "-3", "²", "١٢", "9" * 40])
def test_a_count_that_is_not_plain_digits_is_refused_by_its_field(typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        optional_whole_number({"capacity": typed}, "capacity", "Enter a whole number of seats.")
    assert refused.value.errors == {"capacity": "Enter a whole number of seats."}


def test_repeated_fields_are_numbers_or_refused_whole() -> None:
    assert chosen_numbers(["3", "1"], "choices", "numbers!") == [3, 1]
    assert presenter_ids([]) == []
    for sent in (["1", "x"], ["1", b"2"], ["³"]):
        with pytest.raises(Invalid, match="numbers"):
            poll_choices(list(sent))
    with pytest.raises(Invalid) as refused:
        presenter_ids(["7", "seven"])
    assert list(refused.value.errors) == ["presenters"]


def test_each_package_reads_its_own_forms_into_its_input_shape() -> None:
    room = room_input(ROOM, position=3)
    assert (room.kind, room.capacity, room.stream_url, room.position) == ("physical", 120, "https://s.example", 3)
    lounge = lounge_room_input(
        {
            "name": "Table",
            "slug": " Copyright ",
            "kind": "",
            "description": "",
            "tags": "ILL, fair use",
            "capacity": "",
            "video_url": "",
        }
    )
    assert (lounge.slug, lounge.kind, lounge.tags, lounge.capacity) == (
        "copyright",
        "table",
        ["ILL", " fair use"],
        None,
    )
    poll = poll_input({"question": "Lend e-books?", "options": "Yes\nNo\n", "multiple": "on", "results_live": ""})
    assert poll == ("Lend e-books?", ["Yes", "No"], True, False)
    profile = profile_input(
        {
            "display_name": "Ada",
            "affiliation": "",
            "bio": "",
            "pronouns": "",
            "job_role": "",
            "expertise": "ILL,, copyright",
            "contact_about": "",
            "contact_details": "",
            "listed": "on",
        }
    )
    assert (profile.expertise, profile.listed) == (["ILL", " copyright"], True)
