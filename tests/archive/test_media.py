"""Uploads: sniffed by content, limited in size, written all or nothing, never outside the media root."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest

from archive.demo import pdf_bytes
from archive.media import AUDIO, MATERIAL, PARTIAL_DIR, UploadRule, UploadRefused, label_for, media_path, store_upload
from archive.recordings import wav_bytes, wav_duration
from tests.archive.factories import chunks


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_a_wav_is_kept_as_audio_with_its_duration(tmp_path: Path) -> None:
    stored = await store_upload(chunks(wav_bytes(2.5)), tmp_path, AUDIO)
    assert stored.mime_type == "audio/wav" and stored.file_name.endswith(".wav")
    assert (tmp_path / stored.file_name).read_bytes() == wav_bytes(2.5)
    assert wav_duration(tmp_path / stored.file_name) == 2.5


async def test_the_content_decides_not_the_name(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused, match="application/pdf"):
        await store_upload(chunks(pdf_bytes("Slides", ("a",))), tmp_path, AUDIO)
    with pytest.raises(UploadRefused, match="unknown data"):
        await store_upload(chunks(b"<script>alert(1)</script>" * 10), tmp_path, MATERIAL)
    assert stored_files(tmp_path) == []


async def test_an_upload_over_the_limit_leaves_nothing_behind(tmp_path: Path) -> None:
    small = UploadRule("a test file", AUDIO.mime_types, 10_000)
    with pytest.raises(UploadRefused, match="larger than"):
        await store_upload(chunks(wav_bytes(5)), tmp_path, small)
    assert stored_files(tmp_path) == []


async def test_an_interrupted_upload_leaves_nothing_behind(tmp_path: Path) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield wav_bytes(1)[:5000]
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store_upload(broken(), tmp_path, AUDIO)
    assert stored_files(tmp_path) == []
    assert (tmp_path / PARTIAL_DIR).is_dir()


def test_no_name_can_reach_outside_the_media_root(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    root = tmp_path / "media"
    assert media_path(root, "ab/file.wav") == (root / "ab/file.wav").resolve()
    for name in ("../secret_key", "ab/../../x", "/etc/passwd", f"{PARTIAL_DIR}/abc", "..", ""):
        assert media_path(root, name) is None, name


def test_file_names_people_give_are_only_labels() -> None:
    assert label_for("../../etc/passwd") == "passwd"
    assert label_for("C:\\Users\\me\\talk<1>.wav") == "talk1.wav"
    assert label_for("...") == "file"
