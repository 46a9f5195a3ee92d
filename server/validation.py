"""The one error type for bad input, shared by every package's domain functions."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input, per field, in words meant for the person who typed it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
