"""The secret in a mailed link (password reset, address confirmation): made once, kept only as a hash.

A copy of the database then opens nothing; a token too long to be one of ours is refused before it is hashed.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_MAX = 100


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def plausible(token: str) -> bool:
    return 0 < len(token) <= TOKEN_MAX
