"""The demo archive, served for real: a harvester pulls it over OAI-PMH; a BagIt export restores byte for byte."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from oaipmh_scythe import HTTPConfig, Scythe

from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], HallwayServer]]:
    env = hallway_env(tmp_path_factory.mktemp("archive-site"))
    prepare_site(env)
    server = HallwayServer(env).start()
    try:
        yield env, server
    finally:
        server.stop()


def archive_rows(env: dict[str, str]) -> list[tuple[str, str]]:
    database = Path(env["HALLWAY_VAR_DIR"]) / "hallway.sqlite3"
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT handle, status FROM archive_item WHERE event_visibility = 'public' ORDER BY handle").fetchall()


def files_of(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("method", ["GET", "POST"])  # OAI-PMH allows both; a POST carries no CSRF token
def test_a_harvester_gets_exactly_the_published_items_and_the_tombstones(demo_site: tuple, method: str) -> None:
    env, server = demo_site
    expected = archive_rows(env)
    assert len(expected) >= 5 and ("withdrawn" in {status for _, status in expected})
    with Scythe(f"{server.url}/oai", http_config=HTTPConfig(http_method=method)) as harvester:
        records = list(harvester.list_records(metadata_prefix="oai_dc", ignore_deleted=False))
    harvested = sorted((r.header.identifier.rsplit(":", 1)[1], "withdrawn" if r.deleted else "published")
                       for r in records)
    assert harvested == expected
    live = next(r for r in records if not r.deleted)
    assert live.metadata["identifier"][0].startswith(f"{server.url}/a/")
    assert "Sound" in live.metadata["type"] and live.metadata["language"] == ["en"]


def test_the_archive_round_trips_through_a_bag_byte_for_byte(demo_site: tuple, tmp_path: Path) -> None:
    env, _ = demo_site
    first, second = tmp_path / "first", tmp_path / "second"
    exported = run_hallway(env, "archive", "export", str(first))
    assert exported.returncode == 0, exported.stderr
    assert (first / "bagit.txt").exists() and (first / "manifest-sha256.txt").exists()

    restored_env = hallway_env(tmp_path / "restored")
    assert run_hallway(restored_env, "migrate").returncode == 0
    imported = run_hallway(restored_env, "archive", "import", str(first))
    assert imported.returncode == 0, imported.stderr
    assert archive_rows(restored_env) == archive_rows(env)  # the same permanent identifiers
    assert run_hallway(restored_env, "archive", "export", str(second)).returncode == 0
    assert files_of(second) == files_of(first)

    again = run_hallway(restored_env, "archive", "import", str(first))
    assert again.returncode != 0 and "not empty" in again.stderr
    crowded = run_hallway(env, "archive", "export", str(first))
    assert crowded.returncode != 0 and "is not empty" in crowded.stderr

    server = HallwayServer(restored_env).start()
    try:
        found = httpx.get(f"{server.url}/api/v1/archive/search", params={"q": '"rule of five"'}).json()
        (hit,) = found["results"]
        assert 12.0 in [moment["seconds"] for moment in hit["moments"]]
        page = httpx.get(hit["url"].replace(hit["url"].split("/a/")[0], server.url))
        assert page.status_code == 200 and "The famous part is the rule of five." in page.text
        assert "Do requests from libraries abroad count towards the five?" in page.text  # the Q&A came along
    finally:
        server.stop()


def test_a_damaged_bag_is_refused(demo_site: tuple, tmp_path: Path) -> None:
    env, _ = demo_site
    bag = tmp_path / "bag"
    assert run_hallway(env, "archive", "export", str(bag)).returncode == 0
    victim = next((bag / "data" / "captions").glob("*.vtt"))
    victim.write_text(victim.read_text() + "\n00:10:00.000 --> 00:10:01.000\nAn added line.\n")
    restored_env = hallway_env(tmp_path / "restored")
    run_hallway(restored_env, "migrate")
    result = run_hallway(restored_env, "archive", "import", str(bag))
    assert result.returncode != 0 and "is not a valid bag" in result.stderr
    assert archive_rows(restored_env) == []


def test_reindex_rebuilds_the_search_index_from_the_command_line(demo_site: tuple) -> None:
    env, server = demo_site
    published = sum(1 for _, status in archive_rows(env) if status == "published")
    result = run_hallway(env, "reindex")
    assert result.returncode == 0, result.stderr
    assert f"Indexed {published} archive item(s)." in result.stdout
    found = httpx.get(f"{server.url}/api/v1/archive/search", params={"q": "tracked postage"}).json()
    assert [hit["title"] for hit in found["results"]] == ["International ILL on a Shoestring"]
