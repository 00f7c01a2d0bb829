"""Fixtures for the knowledge tests: a knowledge base built from hand-made pages."""
from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, SearchOptions

from ..conftest import lesson_page

#: A sentence with none of the tests' query words, to give a lesson some length.
FILLER = "The team met every month and wrote short reports for the board."


@pytest.fixture
def kb_of(make_lessons):
    """Build a knowledge base from {id: page} (and optional SearchOptions)."""
    def build(pages: dict[str, str], options: SearchOptions | None = None) -> KnowledgeBase:
        return KnowledgeBase.from_paths([make_lessons(pages)], options=options)
    return build


def ids(answer) -> list[str]:
    """The lesson ids of an answer's hits, in order."""
    return [hit.lesson.id for hit in answer.hits]


def common_words_corpus() -> dict[str, str]:
    """Eleven lessons holding "herders", "insurance" and "co-ops" (common words here), one not."""
    verbs = ["bought", "sold", "wanted", "lost", "found", "joined", "left", "kept", "named", "asked", "paid"]
    pages = {str(i): lesson_page(str(i), description=f"Area {i}: herders {verbs[i]} insurance; {verbs[10 - i]} co-ops.")
             for i in range(11)}
    return {**pages, "11": lesson_page("11", description="Roads were paved by hand.")}
