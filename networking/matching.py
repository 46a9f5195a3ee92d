"""Grouping people for speed networking: shared interests first, never the same people twice if avoidable.

A pure function, so fairness and repeats can be tested on thousands of
rounds without a server.
"""

from __future__ import annotations

import random
from itertools import combinations

GROUP_MIN, GROUP_MAX = 2, 4
REPEAT_PENALTY = 1000
RESTARTS = 12


def _score(candidate: int, group: list[int], interests: dict[int, set[str]], met: set[frozenset[int]]) -> int:
    shared = sum(len(interests.get(candidate, set()) & interests.get(member, set())) for member in group)
    repeats = sum(frozenset((candidate, member)) in met for member in group)
    return shared - REPEAT_PENALTY * repeats


def form_groups(
    people: list[int], interests: dict[int, set[str]], met: set[frozenset[int]], size: int = 2, seed: int | None = None
) -> list[list[int]]:
    """Split everyone into groups of ``size`` (2 to 4); nobody is left alone, sizes differ by at most one.

    Each group grows by the person who shares most interests with it, among
    those who have met nobody in it; people who have met come together only
    when nothing else is left.
    """
    if not GROUP_MIN <= size <= GROUP_MAX:
        raise ValueError(f"groups have {GROUP_MIN} to {GROUP_MAX} people")
    if len(people) < GROUP_MIN:
        return []
    everyone = list(dict.fromkeys(people))
    # Small crowds get several fresh starts (cheap, and they meet each other sooner); big ones get one.
    attempts = RESTARTS if len(everyone) <= 60 else 1
    generator = random.Random(seed)
    best: list[list[int]] = []
    best_value = None
    for _ in range(attempts):
        groups = _greedy(everyone, interests, met, size, generator)
        value = sum(_group_value(group, interests, met) for group in groups)
        if best_value is None or value > best_value:
            best, best_value = groups, value
    return best


def _greedy(
    everyone: list[int], interests: dict[int, set[str]], met: set[frozenset[int]], size: int, generator: random.Random
) -> list[list[int]]:
    order = everyone[:]
    generator.shuffle(order)
    count = -(-len(order) // size)  # as many groups as it takes to keep them at most ``size``...
    if len(order) < 2 * count:
        count = len(order) // 2  # ...unless that would leave someone alone: then a group grows by one
    targets = [len(order) // count + (1 if index < len(order) % count else 0) for index in range(count)]
    # People with the fewest fresh partners left choose first, so they are not stranded with repeats.
    order.sort(key=lambda person: sum(frozenset((person, other)) not in met for other in order))
    waiting, groups = order, []
    for target in targets:
        group = [waiting.pop(0)]
        while len(group) < target and waiting:
            best = max(waiting, key=lambda candidate: _score(candidate, group, interests, met))
            waiting.remove(best)
            group.append(best)
        groups.append(group)
    return _improve(groups, interests, met)


def _group_value(group: list[int], interests: dict[int, set[str]], met: set[frozenset[int]]) -> int:
    return sum(_score(group[index], group[:index], interests, met) for index in range(1, len(group)))


def _improve(
    groups: list[list[int]], interests: dict[int, set[str]], met: set[frozenset[int]], passes: int = 20
) -> list[list[int]]:
    """Swap people between groups while that removes repeats or adds shared interests.

    Greedy filling can strand the last people with partners they already met;
    a few passes of pairwise swaps find the arrangement greedy missed.
    """
    values = [_group_value(group, interests, met) for group in groups]
    for _ in range(passes):
        improved = False
        for first in range(len(groups)):
            for second in range(first + 1, len(groups)):
                for i in range(len(groups[first])):
                    for j in range(len(groups[second])):
                        a, b = groups[first][:], groups[second][:]
                        a[i], b[j] = b[j], a[i]
                        new_a, new_b = _group_value(a, interests, met), _group_value(b, interests, met)
                        if new_a + new_b > values[first] + values[second]:
                            groups[first], groups[second] = a, b
                            values[first], values[second] = new_a, new_b
                            improved = True
        if not improved:
            break
    return groups


def pairs_in(groups: list[list[int]]) -> set[frozenset[int]]:
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}
