"""Fixtures for the state store: a fresh file per test and a clock the test moves by hand."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.state import StateStore


class Clock:
    """A clock that stands still until the test moves it, so expiry needs no sleeping."""

    def __init__(self, now: float = 1_746_000_000.0) -> None:  # 2025-04-30, a fixed UTC day
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.sqlite3"


@pytest.fixture
def store(state_path: Path, clock: Clock):
    opened = StateStore(state_path, clock=clock)
    yield opened
    opened.close()
