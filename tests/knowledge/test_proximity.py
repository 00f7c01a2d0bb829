"""The proximity bonus's measure: which of a question's neighbouring words stand together in a lesson,
read with numpy (small knowledge bases) or in one compiled pass (large ones), the same either way."""
from __future__ import annotations

import random

import numpy as np
import pytest

from knowledge import proximity

from ..conftest import lesson_page

WAYS = {"numpy": proximity.with_numpy, "compiled": proximity.compiled}


@pytest.mark.parametrize("way", WAYS)
def test_neighbouring_words_count_within_two_words_of_one_field(kb_of, way):
    kb = kb_of({"side": lesson_page("side", description="Herders asked for social protection at last."),
                "gap": lesson_page("gap", description="Herders asked for social and fair protection."),
                "far": lesson_page("far", description="Social workers of the district gave protection."),
                "split": lesson_page("split", title="Social", description="Protection came late."),
                "reverse": lesson_page("reverse", description="Protection that is social, they said.")})
    s = kb._searcher
    docs = np.array(sorted(s.doc_of[i] for i in ("side", "gap", "far", "split", "reverse")))
    found = WAYS[way](s.index, docs, s.understand("social protection").concepts)
    shares = dict(zip((s.lessons[d].id for d in docs), found.tolist(), strict=True))
    assert shares == {"side": 1.0, "gap": 1.0, "far": 0.0, "split": 0.0, "reverse": 1.0}


@pytest.mark.parametrize("way", WAYS)
def test_the_share_counts_each_neighbouring_pair_of_the_question(kb_of, way):
    kb = kb_of({"1": lesson_page("1", description="Wages reached migrants late; rural banks, roads and clinics.")})
    s = kb._searcher
    one = np.array([0])
    for question, share in [("wages migrants", 1.0), ("migrants wages", 1.0), ("wages migrants clinics", 0.5),
                            ("clinics wages migrants", 0.5), ("banks clinics wages", 0.5), ("wages clinics", 0.0)]:
        assert WAYS[way](s.index, one, s.understand(question).concepts).tolist() == [share], question


def test_both_ways_agree_on_the_bundled_lessons(bundled):
    s = bundled._searcher
    words = sorted({w for lesson in s.lessons[:20] for w in lesson.title.lower().split() if w.isalpha()})
    rng = random.Random(5)
    docs = np.arange(len(s.lessons))
    tried = 0
    for _ in range(200):
        concepts = s.understand(" ".join(rng.sample(words, rng.randint(2, 6)))).concepts
        if len(concepts) < 2:
            continue
        tried += 1
        expected = proximity.with_numpy(s.index, docs, concepts)
        assert np.array_equal(proximity.compiled(s.index, docs, concepts), expected)
    assert tried > 100
