"""Shared fixtures: where the test data lives, small builders of lesson pages, the bundled
sample's knowledge base, and helpers to find a free port and to wait for a condition."""
from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import BUNDLED_LESSONS, KnowledgeBase, Lesson
from knowledge.page import render_page

TESTS = Path(__file__).parent
DATA = TESTS / "data"
BAD = DATA / "bad"
SEED = BUNDLED_LESSONS / "252474.txt"


def lesson_page(
    lesson_id: str,
    title: str = "A test evaluation - Final evaluation",
    *,
    eval_number: str = "99999",
    themes: tuple[tuple[str, str], ...] = (("Programme implementation", "Organizational issues"),),
    locations: tuple[tuple[str, str], ...] = (("Mongolia", "Asia and the Pacific"),),
    **prose: str,
) -> str:
    """A lesson page in the production format, for hand-made corpora."""
    return render_page(Lesson(
        id=lesson_id, url=f"https://webapps.ilo.org/ievaldiscovery/lessons/{lesson_id}", title=title,
        eval_number=eval_number, eval_title=title, eval_url=f"https://webapps.ilo.org/ievaldiscovery/eval/{eval_number}",
        themes=themes, locations=locations, **prose))


@pytest.fixture
def make_lessons(tmp_path):
    """Write lesson pages into a fresh folder: make_lessons({"id": page_text}) -> folder."""

    def write(pages: dict[str, str], folder: str = "lessons") -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        for name, text in pages.items():
            path = root / (name if name.endswith(".txt") else f"{name}.txt")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return write


@pytest.fixture(scope="session")
def bundled() -> KnowledgeBase:
    """The knowledge base of the bundled sample lessons, built once (it is never mutated)."""
    return KnowledgeBase.from_paths([])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float = 10.0, every: float = 0.02) -> None:
    """Poll `condition` until it is true; fail when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {condition}"
        time.sleep(every)
