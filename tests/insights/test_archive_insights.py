"""The archive insights for site admins: figures from known items and activity, exactly."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.engine.base import Engine

from archive.items import listable_scope
from insights.figures import archive_report
from server import activity
from server.accounts import create_account, get_account
from server.tables import ActivityCount
from tests.accounts_flow import PASSWORD, log_in
from tests.archive.factories import archived_talk, vocabulary

Client = AsyncTestClient[Litestar]


async def test_items_per_topic_and_year_plays_per_month_and_harvests(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    old = await archived_talk(tmp_path, slug="forum-2025", title="Old talk", day=date(2025, 3, 27))
    new = await archived_talk(
        tmp_path, slug="forum-2026", title="New talk", day=date(2026, 3, 27), topics=("interlibrary-loan",)
    )
    await archived_talk(tmp_path, slug="closed", visibility="private", title="Private talk")
    activity.count("archive.play", old.item.handle, 12, at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    activity.count("archive.play", new.item.handle, 3, at=datetime(2026, 2, 5, tzinfo=timezone.utc))
    activity.count("archive.view", new.item.handle, 20, at=datetime(2026, 2, 5, tzinfo=timezone.utc))
    activity.count("archive.oai", "ListRecords", 7, at=datetime(2026, 2, 6, tzinfo=timezone.utc), granularity="day")
    await activity.flush()

    report = await archive_report(await listable_scope(None))  # the public archive: the private talk is not in it
    assert report.chart("items-per-topic").rows() == [
        ["", "2025", "2026"],
        ["CONTU guidelines", "1", "0"],
        ["Copyright", "1", "0"],
        ["Interlibrary loan", "0", "1"],
    ]
    assert report.chart("plays").rows() == [["", "Plays"], ["2026-01", "12"], ["2026-02", "fewer than 5"]]
    assert report.chart("topics").rows() == [
        ["", "Views and plays"],
        ["Interlibrary loan", "23"],
        ["CONTU guidelines", "12"],
        ["Copyright", "12"],
    ]
    assert report.chart("oai").rows() == [["", "Requests"], ["2026-02-06", "7"]]
    assert {f.label: f.value for f in report.key_figures}["Archived sessions"] == "2"

    admin = await get_account(await create_account("admin@library.org", "long enough pass", "Admin", admin=True))
    everything = await archive_report(await listable_scope(admin))
    assert {f.label: f.value for f in everything.key_figures}["Archived sessions"] == "3"


async def test_what_strangers_search_for_cannot_break_the_charts_or_a_spreadsheet(
    app: Litestar, client: Client
) -> None:
    typed = ["\x07bell\x1b copyright", '=HYPERLINK("https://evil.example","click")', "+1 interlibrary", "@SUM(A1)"]
    for _ in range(5):  # five searches each: enough to be shown
        for words in typed:
            assert (await client.get("/archive/search", params={"q": words})).status_code == 200
    await activity.flush()
    now = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    await ActivityCount(name="archive.search_nothing", key="kept\x0bfrom before", bucket=now, value=5).save()

    await create_account("admin@library.org", PASSWORD, "Admin", admin=True)
    await log_in(client, "admin@library.org", create=False)
    page = await client.get("/archive/insights/")
    spreadsheet = await client.get("/archive/insights/empty-searches.csv")

    assert page.status_code == 200 and "bell copyright" in page.text and "keptfrom before" in page.text
    assert spreadsheet.status_code == 200
    cells = [row[0] for row in csv.reader(io.StringIO(spreadsheet.text))][1:]
    assert all(not cell.startswith(("=", "+", "@", "-")) for cell in cells), cells
    assert '\'=hyperlink("https://evil.example","click")' in cells
