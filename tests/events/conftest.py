"""Fixtures for programme pages: a published demo (log-in helpers live in tests/accounts_flow.py)."""

from __future__ import annotations

from datetime import date

import pytest
from litestar import Litestar

from events.demo import load_demo


@pytest.fixture
async def demo(app: Litestar) -> None:
    await load_demo(today=date(2027, 3, 9))
