"""The demo archive, served for real: a harvester pulls it over OAI-PMH; a BagIt export restores byte for byte."""

from __future__ import annotations

import json
import shutil
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
            "SELECT handle, status FROM archive_item WHERE event_visibility = 'public' ORDER BY handle"
        ).fetchall()


def files_of(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("method", ["GET", "POST"])  # OAI-PMH allows both; a POST carries no CSRF token
def test_a_harvester_gets_exactly_the_published_items_and_the_tombstones(demo_site: tuple, method: str) -> None:
    env, server = demo_site
    expected = archive_rows(env)
    assert len(expected) >= 5 and ("withdrawn" in {status for _, status in expected})
    with Scythe(f"{server.url}/oai", http_config=HTTPConfig(http_method=method)) as harvester:
        records = list(harvester.list_records(metadata_prefix="oai_dc", ignore_deleted=False))
    harvested = sorted(
        (r.header.identifier.rsplit(":", 1)[1], "withdrawn" if r.deleted else "published") for r in records
    )
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


def _resigned(bag: Path) -> None:
    """Rewrite the bag's manifests by hand after tampering, as an attacker would, so that it validates."""
    import hashlib
    import os

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    payload = sorted(Path(root, name) for root, _, names in os.walk(bag / "data", followlinks=True) for name in names)
    (bag / "manifest-sha256.txt").write_text("".join(f"{digest(p)}  {p.relative_to(bag)}\n" for p in payload))
    oxum = f"{sum(p.stat().st_size for p in payload)}.{len(payload)}"
    info = bag / "bag-info.txt"
    info.write_text(
        "".join(
            f"Payload-Oxum: {oxum}\n" if line.startswith("Payload-Oxum") else line + "\n"
            for line in info.read_text().splitlines()
        )
    )
    tags = [bag / name for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt") if (bag / name).exists()]
    (bag / "tagmanifest-sha256.txt").write_text("".join(f"{digest(p)}  {p.name}\n" for p in tags))


def test_a_bag_with_a_symbolic_link_is_refused(demo_site: tuple, tmp_path: Path) -> None:
    env, _ = demo_site
    bag = tmp_path / "bag"
    assert run_hallway(env, "archive", "export", str(bag)).returncode == 0
    host_files = tmp_path / "host"
    real_media = bag / "data" / "media"
    shutil.copytree(real_media, host_files)
    for file in (p for p in host_files.rglob("*") if p.is_file()):  # the same names, holding the host's secrets
        file.write_text("HALLWAY_SECRET_KEY=another instance's secret")
    shutil.rmtree(real_media)
    real_media.symlink_to(host_files, target_is_directory=True)
    _resigned(bag)

    restored_env = hallway_env(tmp_path / "restored")
    run_hallway(restored_env, "migrate")
    result = run_hallway(restored_env, "archive", "import", str(bag))

    assert result.returncode != 0 and "symbolic link" in result.stderr
    assert archive_rows(restored_env) == []
    media = tmp_path / "restored" / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_bag_naming_files_outside_its_data_is_refused(demo_site: tuple, tmp_path: Path) -> None:
    env, _ = demo_site
    bag = tmp_path / "bag"
    assert run_hallway(env, "archive", "export", str(bag)).returncode == 0
    (tmp_path / "outside.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA file of this host.\n")
    document = json.loads((bag / "data" / "archive.json").read_text())
    track = next(
        track for entry in document["items"] for recording in entry["recordings"] for track in recording["captions"]
    )
    track["file"] = "../../outside.vtt"
    (bag / "data" / "archive.json").write_text(json.dumps(document))
    _resigned(bag)

    restored_env = hallway_env(tmp_path / "restored")
    run_hallway(restored_env, "migrate")
    result = run_hallway(restored_env, "archive", "import", str(bag))

    assert result.returncode != 0 and "outside its data folder" in result.stderr


def test_html_in_a_bags_answers_is_cleaned_again(demo_site: tuple, tmp_path: Path) -> None:
    env, _ = demo_site
    bag = tmp_path / "bag"
    assert run_hallway(env, "archive", "export", str(bag)).returncode == 0
    document = json.loads((bag / "data" / "archive.json").read_text())
    item = next(entry for entry in document["items"] if any(q["answers"] for q in entry["questions"]))
    answer = next(a for q in item["questions"] for a in q["answers"])
    answer["body_html"] = (
        '<p>Planted <script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">link</a></p>'
    )
    (bag / "data" / "archive.json").write_text(json.dumps(document))
    _resigned(bag)

    restored_env = hallway_env(tmp_path / "restored")
    run_hallway(restored_env, "migrate")
    assert run_hallway(restored_env, "archive", "import", str(bag)).returncode == 0
    server = HallwayServer(restored_env).start()
    try:
        page = httpx.get(f"{server.url}/a/{item['handle']}").text
    finally:
        server.stop()
    assert "Planted" in page
    assert "<script>alert(1)" not in page and "onerror" not in page and "javascript:alert" not in page


def test_a_bag_is_bagit_1_0_and_meets_hallways_profile(demo_site: tuple, tmp_path: Path) -> None:
    import json as json_module

    import bagit
    import bagit_profile

    env, _ = demo_site
    bag_dir = tmp_path / "bag"
    assert run_hallway(env, "archive", "export", str(bag_dir)).returncode == 0
    profile_file = Path(__file__).resolve().parents[2] / "static" / "bagit-profile.json"
    bag = bagit.Bag(str(bag_dir))
    identifier = bag.info["BagIt-Profile-Identifier"]
    profile = bagit_profile.Profile(identifier, profile=json_module.loads(profile_file.read_text()))

    assert (bag_dir / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    assert bag.is_valid() and bag.version_info == (1, 0)
    assert identifier.endswith("/static/bagit-profile.json")
    assert profile.validate(bag), profile.report
    assert profile.validate_serialization(str(bag_dir))
