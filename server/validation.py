"""The one error type for bad input, shared by every package's domain functions."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input, per field, in words meant for the person who typed it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


ID_LIMIT = 2**31  # PostgreSQL's integer ids; SQLite refuses numbers past 2**63 with an OverflowError


def is_row_id(value: object) -> bool:
    """Whether ``value`` could name a row: ids that cannot exist are refused before any query sees them."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < ID_LIMIT
