"""Avatars: an uploaded picture, cropped and resized here, or one drawn from the person's initials.

Pillow re-encodes every upload as a fresh PNG, so whatever the file carried
(metadata, scripts in SVG, polyglots) does not survive.
"""

from __future__ import annotations

import hashlib
import io
import os
from server.i18n import _
from pathlib import Path

from markupsafe import escape
from PIL import Image, UnidentifiedImageError

from server.problems import Invalid

AVATAR_SIZE = 256
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
PIXELS_MAX = 16_000_000  # a 4,000 × 4,000 picture; a JPEG photo of any size is read at a reduced scale
_COLOURS = ("#1d5f8a", "#8a3b12", "#2f6b3a", "#6b3d8a", "#a3261b", "#3b6ea5", "#5b5b12", "#0f6b6b")


def avatar_path(media_root: Path, user_id: int) -> Path:
    return media_root / "avatars" / f"{user_id}.png"


def save_avatar(media_root: Path, user_id: int, data: bytes) -> str:
    """Store an uploaded picture as a square PNG; raise Invalid when it is not a usable image.

    Decoding is slow work (a second for a large PNG): callers run this in a worker thread, and
    pictures beyond ``PIXELS_MAX`` are refused before they are decoded. A JPEG is decoded at
    the smallest scale that still gives an avatar (``draft``), so phone photos stay cheap.
    """
    if len(data) > UPLOAD_MAX_BYTES:
        raise Invalid({"avatar": _("Use a picture of at most 5 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))  # JPEG only: decode at 1/2 to 1/8 scale
            if image.width * image.height > PIXELS_MAX:
                raise Invalid({"avatar": _("This picture is too large: use one of at most 4,000 × 4,000 pixels.")})
            image.load()
            square = _square(image.convert("RGBA"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Invalid({"avatar": _("Use a JPEG, PNG, GIF or WebP picture.")}) from None
    target = avatar_path(media_root, user_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    square.save(partial, format="PNG", optimize=True)
    os.replace(partial, target)  # never leave half a file where the page looks
    return target.name


def _square(image: Image.Image) -> Image.Image:
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side)).resize((AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)


def drawn_avatar(user_id: int, name: str) -> str:
    """An SVG circle with the person's initials, in a colour chosen from their id."""
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    colour = _COLOURS[int(hashlib.sha256(str(user_id).encode()).hexdigest(), 16) % len(_COLOURS)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img">'
        f'<circle cx="128" cy="128" r="128" fill="{colour}"/>'
        '<text x="128" y="128" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="104" '
        f'fill="#ffffff">{escape(initials)}</text></svg>'
    )
