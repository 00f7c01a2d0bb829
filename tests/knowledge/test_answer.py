"""The values every door renders."""
from __future__ import annotations

from knowledge import Answer, Hit, Lesson


def test_has_more_when_matches_go_beyond_the_page():
    hit = Hit(Lesson(id="1", url="u", title="T"), 1.0)
    assert Answer("q", hits=(hit,), total=3, offset=1).has_more
    assert not Answer("q", hits=(hit,), total=2, offset=1).has_more
    assert not Answer("q").has_more and dict(Answer("q").facets) == {}
