"""Storing uploaded files under the media root: sniffed, size-limited, all or nothing.

An upload is streamed into a hidden partial file and only renamed into place once it is
complete, within its limit and of a type we accept, so an interrupted or refused upload
leaves nothing behind. Stored names are generated here; a person's file name is kept only
as a label, so no upload can reach outside the media root.
"""

from __future__ import annotations

from server.i18n import _
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterable

import filetype

from server.problems import Invalid

MiB = 1024 * 1024


@dataclass(frozen=True)
class UploadRule:
    """What one kind of upload may be: its accepted types and its largest size."""

    label: str
    mime_types: frozenset[str]
    max_bytes: int


AUDIO = UploadRule(
    "an audio recording",
    frozenset(
        {
            "audio/mpeg",
            "audio/ogg",
            "audio/x-wav",
            "audio/wav",
            "audio/mp4",
            "audio/x-flac",
            "audio/webm",
            "audio/opus",
        }
    ),
    500 * MiB,
)
VIDEO = UploadRule(
    "a video recording", frozenset({"video/mp4", "video/webm", "video/ogg", "video/x-matroska"}), 4096 * MiB
)
MATERIAL = UploadRule(
    "slides or a document",
    frozenset(
        {
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.presentation",
            "application/zip",
            "image/png",
            "image/jpeg",
        }
    ),
    50 * MiB,
)
RULES = {"audio": AUDIO, "video": VIDEO, "material": MATERIAL}
# filetype names some containers by what they usually hold; a WAV is sniffed as audio/x-wav.
PLAYABLE_AS = {"audio/x-wav": "audio/wav", "audio/x-flac": "audio/flac"}
PARTIAL_DIR = ".partial"
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    mime_type: str
    size: int


class UploadRefused(Invalid):
    def __init__(self, message: str) -> None:
        super().__init__({"file": message})


def label_for(original_name: str) -> str:
    """A person's file name, reduced to something safe to show and to offer as a download name."""
    base = unicodedata.normalize("NFKC", original_name).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return cleaned[:150] or "file"


def media_path(media_root: Path, file_name: str) -> Path | None:
    """The stored file for ``file_name``, or ``None`` if the name would leave the media root."""
    root = media_root.resolve()
    candidate = (root / file_name).resolve()
    if root not in candidate.parents or PARTIAL_DIR in candidate.relative_to(root).parts:
        return None
    return candidate


async def store_upload(chunks: AsyncIterable[bytes], media_root: Path, rule: UploadRule) -> StoredFile:
    """Stream an upload into the media root; refuse it (and keep nothing) if it breaks ``rule``."""
    partial_dir = media_root / PARTIAL_DIR
    partial_dir.mkdir(parents=True, exist_ok=True)
    partial = partial_dir / secrets.token_hex(16)
    size = 0
    head = b""
    try:
        with partial.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > rule.max_bytes:
                    raise UploadRefused(
                        f"The file is larger than {rule.max_bytes // MiB} MiB, the limit for {rule.label}."
                    )
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadRefused(_("The file is empty."))
        mime = sniff(head)
        if mime not in rule.mime_types:
            raise UploadRefused(f"This is not {rule.label} we can keep (it looks like {mime or 'unknown data'}).")
        guess = filetype.get_type(mime=mime)
        file_name = f"{secrets.token_hex(1)}/{secrets.token_hex(12)}.{guess.extension if guess else 'bin'}"
        final = media_root / file_name
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        return StoredFile(file_name=file_name, mime_type=PLAYABLE_AS.get(mime, mime), size=size)
    finally:
        partial.unlink(missing_ok=True)


def sniff(head: bytes) -> str:
    """The MIME type the file's first bytes say it is, whatever its name claims."""
    kind = filetype.guess(head)
    return kind.mime if kind else ""


def remove_stored(media_root: Path, file_name: str) -> None:
    path = media_path(media_root, file_name) if file_name else None
    if path is not None:
        path.unlink(missing_ok=True)
