"""Compressed copies of uploads: ffmpeg makes them in a background job, feeds offer them, organisers watch.

Real ffmpeg (Debian's package) runs in each test; the copies are checked with ffprobe, and the podcast feed
is read by feedparser, as podcast apps read it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from archive import derivatives as derivatives_module
from archive.derivatives import JOB_KIND, derivative_jobs, derivatives_of, make_derivative
from archive.media import AUDIO, VIDEO, media_path, store_upload
from archive.recordings import add_recording, delete_recording, session_recordings, wav_bytes
from server.problems import Invalid
from server.accounts import account_id_by_email
from server import jobs as jobs_module
from server.jobs import run_pending
from server.tables import Job
from tests.archive.factories import archived_talk, chunks, vocabulary
from tests.accounts_flow import log_in
from tests.services import missing_service

Client = AsyncTestClient[Litestar]
BASE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        missing_service("ffmpeg (Debian's package, for media derivatives)")
    return found


def probe(path: Path) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_name,codec_type",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return json.loads(out)


def tiny_webm(tmp_path: Path) -> bytes:
    """Two seconds of test picture and tone, VP8/Vorbis in WebM, as a browser's recorder might upload."""
    target = tmp_path / "clip.webm"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=160x120:rate=10",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2",
            "-c:v",
            "libvpx",
            "-c:a",
            "libvorbis",
            "-shortest",
            str(target),
        ],
        check=True,
    )
    return target.read_bytes()


async def test_a_wav_upload_gets_an_mp3_that_the_podcast_feed_offers(app: Litestar, client: Client) -> None:
    media_root = app.state.settings.media_root
    await vocabulary()
    talk = await archived_talk(media_root, title="Listen on the bus")
    [recording] = await session_recordings(talk.guid)

    finished = [job for job in await run_pending() if job.kind == JOB_KIND]

    assert [job.status for job in finished] == ["done"]
    copy = (await derivatives_of([recording.id]))[recording.id]
    stored = media_path(media_root, copy.file_name)
    found = probe(stored)
    assert copy.mime_type == "audio/mpeg" and copy.size == stored.stat().st_size < recording.size
    assert [s["codec_name"] for s in found["streams"]] == ["mp3"]
    assert abs(float(found["format"]["duration"]) - 16) < 0.5
    assert media_path(media_root, recording.file_name).is_file()  # the original is kept
    parsed = feedparser.parse((await client.get("/topics/contu/podcast.rss")).content)
    [enclosure] = parsed.entries[0].enclosures
    assert (enclosure.type, enclosure.href, int(enclosure.length)) == (
        "audio/mpeg",
        f"{BASE}/media/{copy.file_name}",
        copy.size,
    )
    served = await client.get(f"/media/{copy.file_name}")
    assert served.headers["content-type"] == "audio/mpeg" and len(served.content) == copy.size
    player = (await client.get(f"/a/{talk.item.handle}")).text  # the player offers the copy first
    assert player.index(f'src="/media/{copy.file_name}"') < player.index(f'src="/media/{recording.file_name}"')
    assert f"Download MP3 ({round(copy.size / 1048576, 1)} MB)" in player


async def test_a_video_upload_gets_an_h264_mp4(app: Litestar, tmp_path: Path) -> None:
    media_root = app.state.settings.media_root
    talk = await archived_talk(media_root, title="Watch anywhere", topics=())
    stored = await store_upload(chunks(tiny_webm(tmp_path)), media_root, VIDEO)
    video = await add_recording(talk.guid, "video", stored=stored, original_name="clip.webm", media_root=media_root)

    await run_pending()

    copy = (await derivatives_of([video]))[video]
    streams = {s["codec_type"]: s["codec_name"] for s in probe(media_path(media_root, copy.file_name))["streams"]}
    assert copy.mime_type == "video/mp4" and streams == {"video": "h264", "audio": "aac"}
    [(_, recording)] = [(r.id, r) for r in await session_recordings(talk.guid) if r.id == video]
    assert round(recording.duration) == 2  # measured by ffprobe: podcast apps show it


async def test_a_file_ffmpeg_cannot_read_fails_in_words_and_the_next_job_still_runs(app: Litestar) -> None:
    media_root = app.state.settings.media_root
    broken = await archived_talk(media_root, title="Broken", topics=())
    fine = await archived_talk(media_root, title="Fine", topics=())
    [bad], [good] = await session_recordings(broken.guid), await session_recordings(fine.guid)
    media_path(media_root, bad.file_name).write_bytes(b"not a recording at all " * 100)  # damaged on disk

    finished = {job.key: job for job in await run_pending() if job.kind == JOB_KIND}

    assert list(finished) == [str(bad.id), str(good.id)]  # the broken one first, and the next still ran
    assert finished[str(bad.id)].status == "failed"
    assert finished[str(bad.id)].message.startswith("ffmpeg could not make an MP3 for podcast apps (")
    assert str(media_root) not in finished[str(bad.id)].message  # the server's paths are nobody's business
    assert finished[str(good.id)].status == "done"
    assert list(await derivatives_of([bad.id, good.id])) == [good.id]


async def test_without_ffmpeg_the_job_says_so_and_the_original_is_served(app: Litestar) -> None:
    media_root = app.state.settings.media_root
    talk = await archived_talk(media_root, title="No tools", topics=())
    [recording] = await session_recordings(talk.guid)
    seen: list[int] = []

    async def progress(per_cent: int) -> None:
        seen.append(per_cent)

    with pytest.raises(Exception, match="ffmpeg is not installed on the server"):
        await make_derivative(recording.id, media_root, progress, None)
    assert await derivatives_of([recording.id]) == {}


async def test_a_recording_deleted_while_its_copy_is_made_leaves_nothing_behind(app: Litestar) -> None:
    media_root = app.state.settings.media_root
    talk = await archived_talk(media_root, title="Here and gone", topics=())
    [recording] = await session_recordings(talk.guid)
    real = derivatives_module.make_derivative

    async def delete_midway(recording_id: int, root: Path, progress, ffmpeg) -> None:  # noqa: ANN001
        await delete_recording(recording_id, root)  # the organiser deletes it while ffmpeg works
        await real(recording_id, root, progress, ffmpeg)

    derivatives_module.derive_recordings_in(media_root)  # as wired, then with the deletion in the middle
    jobs_module.register(
        JOB_KIND, lambda key, progress: delete_midway(int(key), media_root, progress, shutil.which("ffmpeg"))
    )
    finished = await run_pending()

    assert [job.status for job in finished if job.kind == JOB_KIND] == ["discarded"]  # no crash, no stale row
    assert await derivatives_of([recording.id]) == {}
    assert not any(path.suffix == ".mp3" for path in media_root.rglob("*"))  # no orphaned copy either


async def test_an_empty_wav_is_refused_at_upload(app: Litestar) -> None:
    media_root = app.state.settings.media_root
    talk = await archived_talk(media_root, title="Silence", topics=())
    stored = await store_upload(chunks(wav_bytes(0)), media_root, AUDIO)

    with pytest.raises(Invalid, match="holds no sound"):
        await add_recording(talk.guid, "audio", stored=stored, original_name="empty.wav", media_root=media_root)


async def test_progress_rises_while_ffmpeg_works(app: Litestar, ffmpeg: str) -> None:
    media_root = app.state.settings.media_root
    talk = await archived_talk(media_root, title="Long enough to watch", topics=())
    [recording] = await session_recordings(talk.guid)
    seen: list[int] = []

    async def progress(per_cent: int) -> None:
        seen.append(per_cent)

    await make_derivative(recording.id, media_root, progress, ffmpeg)

    assert seen and seen == sorted(seen) and all(0 <= value < 100 for value in seen)


async def test_deleting_a_recording_removes_its_compressed_copy(app: Litestar) -> None:
    media_root = app.state.settings.media_root
    talk = await archived_talk(media_root, title="Short-lived", topics=())
    [recording] = await session_recordings(talk.guid)
    await run_pending()
    copy = (await derivatives_of([recording.id]))[recording.id]

    await delete_recording(recording.id, media_root)

    assert not media_path(media_root, copy.file_name).exists()
    assert await derivatives_of([recording.id]) == {}
    assert await derivative_jobs([recording.id]) == {}  # a later upload given the same id starts clean


async def test_the_organiser_sees_the_copy_being_made_then_made(app: Litestar, client: Client) -> None:
    await log_in(client, "org@library.org", "Olu")
    organiser = await account_id_by_email("org@library.org")
    talk = await archived_talk(app.state.settings.media_root, title="Watch me work", topics=(), organiser_id=organiser)
    [recording] = await session_recordings(talk.guid)
    await Job.update({Job.status: "running", Job.progress: 40}).where(Job.key == str(recording.id))
    page_url = f"/events/{talk.slug}/manage/archive/{talk.guid}/"

    working = (await client.get(page_url)).text
    assert 'max="100" value="40"' in working and 'hx-trigger="every 3s"' in working

    await Job.update({Job.status: "queued"}).where(Job.key == str(recording.id))
    await run_pending()
    done = (await client.get(page_url)).text
    assert "Compressed copy for podcast apps" in done and "audio/mpeg" in done
    assert 'hx-trigger="every 3s"' not in done
