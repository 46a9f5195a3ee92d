"""Compressed copies of uploaded recordings, made by ffmpeg in a background job.

A WAV or FLAC upload is too big for a podcast app on a phone, and a camera's video may not play in every
browser. Each uploaded recording gets one derivative (MP3 for audio, H.264/AAC MP4 for video) unless it
already is one; the original is always kept, and feeds point at the derivative once it exists. ffmpeg is
Debian's package, run as a child process, its progress read from ``-progress`` and shown to organisers.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import secrets
import shutil
import signal
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive.changes import RecordingStored
from archive.media import PARTIAL_DIR, media_path, remove_stored
from archive.tables import MediaDerivative, Recording
from server.jobs import JobFailed, JobView, Progress, discard, enqueue, latest_jobs, register

JOB_KIND = "archive.derive-recording"


@dataclass(frozen=True)
class DerivativeProfile:
    name: str
    extension: str
    mime_type: str
    label: str  # what an organiser is told is being made
    ffmpeg_arguments: tuple[str, ...]


MP3 = DerivativeProfile(
    "mp3", "mp3", "audio/mpeg", "an MP3 for podcast apps", ("-vn", "-c:a", "libmp3lame", "-b:a", "96k", "-f", "mp3")
)
MP4 = DerivativeProfile(
    "mp4",
    "mp4",
    "video/mp4",
    "an H.264 MP4 that every browser plays",
    (
        "-vf",
        "scale='min(1280,iw)':-2",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "28",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ),
)
PARTIALS_KEPT_FOR = 24 * 3600  # seconds: a half-made copy older than a day was left by a worker that died
PROFILE_FOR_KIND = {"audio": MP3, "video": MP4}


@dataclass(frozen=True)
class Derivative:
    recording_id: int
    profile: str
    file_name: str
    mime_type: str
    size: int


def profile_for(kind: str, mime_type: str) -> DerivativeProfile | None:
    """What to make of a recording; None when the upload already is what the derivative would be."""
    profile = PROFILE_FOR_KIND.get(kind)
    return None if profile is None or mime_type == profile.mime_type else profile


async def queue_derivative(change: RecordingStored) -> None:
    """Listener: a recording with a stored file was added, so ask for its compressed copy."""
    row = (
        await Recording.select(Recording.kind, Recording.mime_type, Recording.file_name)
        .where(Recording.id == change.recording_id)
        .first()
    )
    if row is not None and row["file_name"] and profile_for(row["kind"], row["mime_type"]) is not None:
        await enqueue(JOB_KIND, str(change.recording_id))


async def derivatives_of(recording_ids: list[int]) -> dict[int, Derivative]:
    if not recording_ids:
        return {}
    rows = await MediaDerivative.select().where(MediaDerivative.recording.is_in(recording_ids))
    return {
        row["recording"]: Derivative(row["recording"], row["profile"], row["file_name"], row["mime_type"], row["size"])
        for row in rows
    }


async def derivative_jobs(recording_ids: list[int]) -> dict[int, JobView]:
    found = await latest_jobs(JOB_KIND, [str(recording_id) for recording_id in recording_ids])
    return {int(key): job for key, job in found.items()}


async def remove_derivatives(recording_id: int, media_root: Path) -> None:
    """The copy and its jobs go with the recording (SQLite may give the next upload the same id)."""
    await discard(JOB_KIND, str(recording_id))
    for row in await MediaDerivative.select(MediaDerivative.file_name).where(MediaDerivative.recording == recording_id):
        remove_stored(media_root, row["file_name"])
    await MediaDerivative.delete().where(MediaDerivative.recording == recording_id)


def derive_recordings_in(media_root: Path, ffmpeg: str | None = None) -> None:
    """Register the job that makes derivatives under ``media_root`` (done once, when the app is built)."""

    async def derive(key: str, progress: Progress) -> None:
        await make_derivative(int(key), media_root, progress, ffmpeg or shutil.which("ffmpeg"))

    register(JOB_KIND, derive)


async def make_derivative(recording_id: int, media_root: Path, progress: Progress, ffmpeg: str | None) -> None:
    row = await Recording.select().where(Recording.id == recording_id).first()
    if row is None:
        raise JobFailed("The recording was deleted before its compressed copy was made.")
    profile = profile_for(row["kind"], row["mime_type"])
    source = media_path(media_root, row["file_name"]) if row["file_name"] else None
    if profile is None or source is None:
        return
    if not source.is_file():
        raise JobFailed("The uploaded file is missing from the media folder; upload it again.")
    if ffmpeg is None:
        raise JobFailed("ffmpeg is not installed on the server (Debian's package ffmpeg); the original is served.")
    seconds = row["duration"] or await _probe_seconds(ffmpeg, source)
    partial_dir = media_root / PARTIAL_DIR
    partial_dir.mkdir(parents=True, exist_ok=True)
    _sweep(partial_dir)
    partial = partial_dir / f"{secrets.token_hex(16)}.{profile.extension}"
    try:
        await _run_ffmpeg(ffmpeg, source, partial, profile, seconds, progress)
        file_name = f"{secrets.token_hex(1)}/{secrets.token_hex(12)}.{profile.extension}"
        final = media_root / file_name
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    await _keep(recording_id, row["file_name"], profile, file_name, final.stat().st_size, seconds, media_root)


async def _keep(
    recording_id: int,
    original: str,
    profile: DerivativeProfile,
    file_name: str,
    size: int,
    seconds: float,
    media_root: Path,
) -> None:
    """Record the new copy (replacing an older one) unless the recording went away meanwhile.

    The original's stored name identifies it: SQLite may give a new upload the id of one deleted mid-copy.
    """
    async with MediaDerivative._meta.db.transaction():
        if not await Recording.exists().where((Recording.id == recording_id) & (Recording.file_name == original)):
            remove_stored(media_root, file_name)
            raise JobFailed("The recording was deleted while its compressed copy was made.")
        old = await MediaDerivative.select(MediaDerivative.file_name).where(MediaDerivative.recording == recording_id)
        await MediaDerivative.delete().where(MediaDerivative.recording == recording_id)
        await MediaDerivative(
            recording=recording_id,
            profile=profile.name,
            file_name=file_name,
            mime_type=profile.mime_type,
            size=size,
            created_at=datetime.now(timezone.utc),
        ).save()
        if seconds:  # podcast apps show the length; only WAV uploads had it measured before
            await Recording.update({Recording.duration: seconds}).where(
                (Recording.id == recording_id) & (Recording.duration == 0)
            )
    for stale in old:
        remove_stored(media_root, stale["file_name"])


def _sweep(partial_dir: Path) -> None:
    """Half-made copies a dead worker left behind."""
    cutoff = time.time() - PARTIALS_KEPT_FOR
    for leftover in partial_dir.glob("*.*"):
        if leftover.suffix.lstrip(".") in {p.extension for p in PROFILE_FOR_KIND.values()}:
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
            except OSError:
                pass


def _find_prctl() -> Any:
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()  # looked up here, not in the forked child (a child of a threaded process must not load)


def _die_with_parent() -> None:
    """In the ffmpeg child: stop when the worker that started it dies (Linux), not run on as an orphan."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


async def _probe_seconds(ffmpeg: str, source: Path) -> float:
    """The recording's length by ffprobe (installed with ffmpeg), 0 when it cannot tell."""
    ffprobe = str(Path(ffmpeg).with_name("ffprobe"))
    try:
        process = await asyncio.create_subprocess_exec(
            ffprobe,
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "json",
            str(source),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await process.communicate()
        return max(0.0, float(json.loads(out or b"{}").get("format", {}).get("duration") or 0))
    except (OSError, ValueError):
        return 0.0


async def _run_ffmpeg(
    ffmpeg: str, source: Path, target: Path, profile: DerivativeProfile, seconds: float, progress: Progress
) -> None:
    process = await asyncio.create_subprocess_exec(
        ffmpeg,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        *profile.ffmpeg_arguments,
        "-progress",
        "pipe:1",
        "-nostats",
        str(target),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=_die_with_parent,
    )
    assert process.stdout is not None and process.stderr is not None
    errors = asyncio.create_task(process.stderr.read())
    last_reported = -1
    try:
        async for raw in process.stdout:
            name, _, value = raw.decode(errors="replace").strip().partition("=")
            if name == "out_time_us" and seconds and value.isdigit():
                per_cent = min(99, int(int(value) / 1_000_000 / seconds * 100))  # 100 once it is kept
                if per_cent >= last_reported + 5:  # every few per cent is enough for a progress bar
                    last_reported = per_cent
                    await progress(per_cent)
        code = await process.wait()
    except asyncio.CancelledError:
        process.kill()
        await process.wait()
        raise
    message = (await errors).decode(errors="replace").strip().splitlines()
    if code != 0:
        # ffmpeg names files by their path on the server: say "the uploaded file" instead.
        reason = (message[-1] if message else f"ffmpeg stopped with code {code}").replace(f"{source}: ", "")
        reason = reason.replace(str(source), "the uploaded file").replace(str(target), "the copy").strip()
        raise JobFailed(f"ffmpeg could not make {profile.label} ({reason[:200].rstrip('.')}).")
