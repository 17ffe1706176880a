"""Shared fixtures. Network traffic in tests goes to loopback only."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def anyio_backend() -> str:
    # Async tests run on asyncio, the loop our users run.
    return "asyncio"
