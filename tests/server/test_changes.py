"""Announced changes reach their listeners once committed, never on rollback, and one failing listener stops none."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from server import changes
from server.tables import Job

pytestmark = pytest.mark.usefixtures("db")


@dataclass(frozen=True)
class SomethingStored(changes.Change):
    key: str


async def test_a_change_inside_a_transaction_is_heard_after_the_commit_with_the_data_there() -> None:
    heard: list[tuple[str, bool]] = []

    async def listener(change: SomethingStored) -> None:
        heard.append((change.key, await Job.exists().where(Job.key == change.key)))

    changes.listen(SomethingStored, listener)
    async with changes.transaction(Job):
        await Job(kind="test", key="kept").save()
        await changes.announce(SomethingStored("kept"))
        assert heard == []  # not yet: the row is not committed

    assert heard == [("kept", True)]


async def test_a_rolled_back_change_is_never_heard() -> None:
    heard: list[str] = []

    async def listener(change: SomethingStored) -> None:
        heard.append(change.key)

    changes.listen(SomethingStored, listener)
    with pytest.raises(RuntimeError):
        async with changes.transaction(Job):
            await Job(kind="test", key="lost").save()
            await changes.announce(SomethingStored("lost"))
            raise RuntimeError("the operation failed half-way")

    assert heard == [] and not await Job.exists().where(Job.key == "lost")


async def test_a_failing_listener_neither_undoes_the_change_nor_silences_the_others() -> None:
    heard: list[str] = []

    async def broken(change: SomethingStored) -> None:
        raise ValueError("a bug in one listener")

    async def working(change: SomethingStored) -> None:
        heard.append(change.key)

    changes.listen(SomethingStored, broken)
    changes.listen(SomethingStored, working)
    await changes.announce(SomethingStored("now"))

    assert heard == ["now"]
