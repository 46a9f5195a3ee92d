"""Speed-networking groups: everyone placed, fair sizes, shared interests, no repeats while avoidable."""

from __future__ import annotations

import pytest

from networking.matching import form_groups, pairs_in


@pytest.mark.parametrize("people", range(2, 30))
@pytest.mark.parametrize("size", [2, 3, 4])
def test_everyone_is_placed_in_groups_whose_sizes_differ_by_at_most_one(people: int, size: int) -> None:
    groups = form_groups(list(range(people)), {}, set(), size, seed=people)

    assert sorted(person for group in groups for person in group) == list(range(people))
    sizes = [len(group) for group in groups]
    assert min(sizes) >= 2 and max(sizes) - min(sizes) <= 1
    assert max(sizes) <= max(size + 1, 3)


def test_one_person_alone_forms_no_group() -> None:
    assert form_groups([7], {}, set(), 2) == []


def test_people_with_shared_interests_are_put_together() -> None:
    interests = {1: {"copyright"}, 2: {"assessment"}, 3: {"copyright"}, 4: {"assessment"}}

    groups = form_groups([1, 2, 3, 4], interests, set(), 2, seed=1)

    assert sorted(sorted(group) for group in groups) == [[1, 3], [2, 4]]


@pytest.mark.parametrize(("people", "size", "rounds"), [(8, 2, 3), (10, 2, 4), (12, 3, 3), (16, 4, 3), (20, 2, 6)])
def test_nobody_meets_the_same_person_twice_while_it_can_be_avoided(people: int, size: int, rounds: int) -> None:
    everyone = list(range(people))
    met: set[frozenset[int]] = set()
    for round_number in range(rounds):
        groups = form_groups(everyone, {}, met, size, seed=round_number)
        new_pairs = pairs_in(groups)
        assert not new_pairs & met, f"round {round_number + 1} repeated a pair"
        met |= new_pairs


def test_a_repeat_happens_only_when_everyone_has_met_everyone() -> None:
    met = pairs_in([[1, 2, 3]])

    assert sorted(form_groups([1, 2, 3], {}, met, 2)[0]) == [1, 2, 3]


def test_interests_never_outweigh_meeting_someone_new() -> None:
    interests = {1: {"a", "b", "c"}, 2: {"a", "b", "c"}, 3: set(), 4: set()}
    met = {frozenset((1, 2))}

    groups = form_groups([1, 2, 3, 4], interests, met, 2, seed=3)

    assert frozenset((1, 2)) not in pairs_in(groups)
