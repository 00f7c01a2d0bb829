"""Shared fixtures: where the test data lives, and small builders of lesson pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import BUNDLED_LESSONS, Lesson
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
