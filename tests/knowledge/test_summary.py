"""Summaries: the sentences that best answer a query, and the one highlight policy."""
from __future__ import annotations

import pytest

from knowledge.text import fold, stem

from ..conftest import lesson_page
from .conftest import FILLER


def test_summary_is_short_from_prose_and_highlights_the_matched_words(kb_of):
    long = "Delays in procurement held the project back for months " + "and months " * 40 + "."
    kb = kb_of({"1": lesson_page("1", description=f"{FILLER} Procurement delays stopped the road works. {long}",
                                 comments="N/A")})
    hit = kb.ask("procurement delays")
    summary = hit.hits[0].summary
    assert 0 < len(summary) <= 300 and "N/A" not in summary
    assert hit.hits[0].summary_field == "description"
    assert summary.startswith("Procurement delays stopped the road works.")
    marked = [summary[a:b] for a, b in hit.hits[0].highlights]
    assert marked[0] == "Procurement delays"  # neighbours merge into one highlight
    words = [w for span in marked for w in span.split()]
    assert {stem(fold(w)) for w in words} == {stem("procurement"), stem("delays")}


@pytest.mark.parametrize(
    ("text", "spans", "merged"),
    [
        ("social insurance for herders", [(0, 6), (7, 16), (21, 28)], ((0, 16), (21, 28))),
        ("social insurance", [(0, 10), (7, 16)], ((0, 16),)),
        ("social insurance", [(7, 16), (0, 6), (0, 6)], ((0, 16),)),
        ("a, b", [(0, 1), (3, 4)], ((0, 1), (3, 4))),
        ("abc", [(2, 9), (-1, 1), (1, 1)], ()),
    ],
)
def test_highlight_spans_merge_into_one_policy(text, spans, merged):
    from knowledge.summary import merge_spans

    assert merge_spans(text, spans) == merged
