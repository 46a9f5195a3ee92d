"""The programme's tables have one door: only events/editing.py writes events, rooms, tracks, presenters
and sessions. The pages, the API, the schedule import and the demo all go through it, so none of them can
store what another would refuse."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("server", "events", "sessions", "networking", "archive", "insights")
PROGRAMME_TABLES = "Event|Room|Track|Presenter|Session|SessionPresenter"
WRITES = re.compile(rf"\b({PROGRAMME_TABLES})(\.(update|insert|delete|raw)\(|\((event|name|slug|session|guid|title)=)")


def places_that_write(table: str) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" in path.parts or path.name == "tables.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                match = WRITES.search(line)
                if match and match.group(1) == table:
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_only_the_editing_module_writes_the_programme() -> None:
    for table in PROGRAMME_TABLES.split("|"):
        files = {place.split(":")[0] for place in places_that_write(table)}
        assert files <= {"events/editing.py"}, f"{table} is written outside events/editing.py: {sorted(files)}"


def test_session_rows_have_one_door() -> None:
    """save_session makes and changes them, delete_session removes them; nothing else touches one."""
    assert [place.split(":")[0] for place in places_that_write("Session")] == ["events/editing.py"] * 2
