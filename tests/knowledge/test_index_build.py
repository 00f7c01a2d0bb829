"""The compiled, chunked index build gives exactly the index its definitions describe.

`reference()` is `knowledge/wordwise.py`, which builds every array one lesson and one word at a
time from the definitions: a field's words are `text.words()` of it, stop words are left out of
the terms, term ids are numbered in order of first use, and each (term, lesson) impact is the BM25F
score of its per-field counts. The compiled build must equal it array by array, dtypes too, on the
bundled lessons, a few thousand made-up ones and some awkward text (small knowledge bases are built
by `wordwise.py` itself, so both ways must give one index).
"""
from __future__ import annotations

import random
import subprocess
import sys
import threading
from functools import cache

import numpy as np
import pytest

import knowledge.index
from knowledge import Lesson, SearchOptions, load_lessons, wordwise
from knowledge.base import BUNDLED_LESSONS
from knowledge.index import FIELDS, InvertedIndex, field_texts
from knowledge.record import PROSE_FIELDS
from knowledge.text import fold, stem

AWKWARD = [
    Lesson(id="a1", url="", title="Côte d’Ivoire: ÉCOLE, naïve façade", description="d’Ivoire d'Ivoire D’IVOIRE"),
    Lesson(id="a2", url="", title="", description=""),
    Lesson(id="a3", url="", title="42 ILO-C182 2019/20 covid19 x2", challenges="１２３ ｆｕｌｌ ｗｉｄｔｈ ﬁnance"),
    Lesson(id="a4", url="", title="Straße İstanbul ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ", success="Ærø Øresund Łódź œuvre"),
    Lesson(id="a5", url="", title="e\u0301te\u0301 cafe\u0301 \u0301alone", context="日本語 テキスト 中文, العربية"),
    Lesson(id="a6", url="", title="under_score tab\there\nnew line\x01ctrl\x00nul", description="emoji 👍🏽 ok"),
    Lesson(id="a7", url="", title="The and of", description="the THE The; it is.", eval_title="THE AND OF"),
    Lesson(id="a8", url="", title="Herders", themes=(("Child labour", "Child labour, forced labour"),),
           locations=(("Côte d’Ivoire", "Africa"), ("Türkiye", "Europe and Central Asia")),
           description="herders herders HERDERS herding", comments="herders", challenges="herders",
           success="herders", context="herders", administrative_issues="herders"),
    Lesson(id="a9", url="", title="Copy", description="d’Ivoire d'Ivoire D’IVOIRE"),
    Lesson(id="a10", url="", title="Kelvin", description="KELVIN \u212a", context="ÉTÉ"),
    Lesson(id="a11", url="", title="kelvin", description="kelvin k", context="été"),
    # Prose differing only by a NUL where the other has a space is not the same prose; a lone
    # surrogate (a broken file's bytes) builds like any character.
    Lesson(id="a12", url="", title="Nul", description="cash\x00transfers reached herders"),
    Lesson(id="a13", url="", title="Space", description="cash transfers reached herders"),
    Lesson(id="a14", url="", title="Broken", description="caf\udce9 workers", context="naïve"),
]


@cache
def bundled() -> tuple[Lesson, ...]:
    return tuple(load_lessons([BUNDLED_LESSONS])[0])


def generated(n: int, seed: int = 3) -> list[Lesson]:
    """n lessons of words drawn from the bundled lessons plus invented names, punctuation and digits."""
    rng = random.Random(seed)
    pool = [w for lesson in bundled() for w in lesson.description.split()]
    names = ["".join(rng.choice(("ka", "ré", "to", "ñu", "vo", "ß", "ıl")) for _ in range(3)) for _ in range(300)]
    places = [(c, r) for lesson in bundled() for c, r in lesson.locations]
    themes = [t for lesson in bundled() for t in lesson.themes]

    def text(size: int) -> str:
        return " ".join(rng.choice(pool) if rng.random() < 0.9 else rng.choice(names) for _ in range(size))

    lessons = []
    for i in range(n):
        prose = {name: text(rng.randint(0, 40)) if rng.random() < 0.6 else "" for name in PROSE_FIELDS}
        if i % 7 == 3:  # same prose as an earlier one
            prose = {name: getattr(lessons[i // 2], name) for name in PROSE_FIELDS}
        lessons.append(Lesson(id=f"g{i}", url="", title=text(rng.randint(0, 8)), eval_title=text(rng.randint(0, 3)),
                              themes=tuple(rng.sample(themes, rng.randint(0, 2))),
                              locations=tuple(rng.sample(places, rng.randint(0, 2))), **prose))
    return lessons


def reference(lessons: list[Lesson], options: SearchOptions) -> dict:
    """The index from its definitions, one lesson and one word at a time (`knowledge/wordwise.py`)."""
    return wordwise.build(lessons, field_texts, [float(options.field_weights.get(name, 1.0)) for name in FIELDS],
                          options.bm25_k1, options.bm25_b, english_prior=options.english_prior)


@pytest.fixture(autouse=True)
def compiled(monkeypatch):
    """Every `InvertedIndex` here is built by the compiled kernels, whatever its size."""
    monkeypatch.setattr(knowledge.index, "WORDWISE_BELOW", 0)


def assert_same(index: InvertedIndex, expected: dict) -> None:
    assert index.stem_ids == expected["stem_ids"]
    for name in ("docs", "impacts", "fields", "start", "df", "idf", "stream", "stream_field", "stream_start",
                 "duplicate_of"):
        got, want = getattr(index, name), expected[name]
        assert got.dtype == want.dtype, name
        assert np.array_equal(got, want), name
    assert [index.spellings(t) for t in range(len(index.stem_ids))] == expected["spellings"]
    assert index.spelling.words == expected["spelling_words"]
    assert list(index.spelling.counts) == expected["spelling_counts"]


CORPORA = {
    "bundled": lambda: list(bundled()),
    "generated": lambda: generated(2500),
    "awkward": lambda: AWKWARD,
    "empty": lambda: [],
}


@pytest.mark.parametrize("corpus", CORPORA)
def test_the_build_equals_the_index_of_its_definitions(corpus):
    lessons = CORPORA[corpus]()
    options = SearchOptions()
    index = InvertedIndex.of(lessons, options)
    assert_same(index, reference(lessons, options))


@pytest.mark.parametrize("wordwise_below", [0, 10_000], ids=["compiled", "word by word"])
def test_the_callers_work_runs_once_on_the_building_thread(monkeypatch, wordwise_below):
    """The search builds its facets as the index's `meanwhile`, while the postings are written:
    whichever way the index is built, that work runs exactly once, before the index is returned."""
    monkeypatch.setattr(knowledge.index, "WORDWISE_BELOW", wordwise_below)
    calls = []
    index = InvertedIndex.of(list(bundled()), SearchOptions(),
                             meanwhile=lambda compiled: calls.append((threading.get_ident(), compiled)))
    assert calls == [(threading.get_ident(), index.compiled)]
    assert index.compiled == (wordwise_below == 0)


@pytest.mark.parametrize("corpus", ["bundled", "awkward", "empty"])
def test_a_small_index_built_word_by_word_is_the_same_index(corpus, monkeypatch):
    """Below `WORDWISE_BELOW` the index takes `wordwise.build`'s arrays: every one lands where the
    compiled build puts it (spellings, the spelling index and the dtypes included)."""
    lessons = CORPORA[corpus]()
    options = SearchOptions()
    monkeypatch.setattr(knowledge.index, "WORDWISE_BELOW", len(lessons) + 1)
    index = InvertedIndex.of(lessons, options)
    assert_same(index, reference(lessons, options))
    monkeypatch.setattr(knowledge.index, "WORDWISE_BELOW", 0)
    compiled = InvertedIndex.of(lessons, options)
    assert index._spellings == compiled._spellings
    assert np.array_equal(index._spellings_start, compiled._spellings_start)
    assert index._spellings_start.dtype == compiled._spellings_start.dtype


def test_chunks_and_a_growing_vocabulary_change_nothing(monkeypatch):
    """Many small chunks make the interner grow its table, ids and bytes mid-chunk: same index."""
    import knowledge.lexicon
    lessons = generated(600, seed=5) + AWKWARD
    options = SearchOptions()
    monkeypatch.setattr(knowledge.index, "_CHUNK", 7)
    monkeypatch.setattr(knowledge.lexicon, "FIRST_CAPACITY", 2)
    index = InvertedIndex.of(lessons, options)
    assert_same(index, reference(lessons, options))


@pytest.mark.parametrize("wordwise_below", [0, 500], ids=["compiled", "word by word"])
def test_awkward_text_is_tokenised_like_text_words(monkeypatch, wordwise_below):
    """The words a user relies on: apostrophes split, accents and width folded, digits kept."""
    monkeypatch.setattr(knowledge.index, "WORDWISE_BELOW", wordwise_below)
    options = SearchOptions()
    index = InvertedIndex.of(AWKWARD, options)
    for word in ("ivoir", "ecol", "naiv", "123", "full", "financ", "covid19", "c182", "istanbul", "ete", "cafe"):
        assert index.term_id(word) >= 0, word
    assert index.term_id(stem(fold("ΣΊΣΥΦΟΣ"))) >= 0
    assert index.term_id("the") == -1 and index.term_id("d") == -1


def test_a_small_knowledge_base_is_built_without_loading_the_compiled_kernels():
    """A command on a few hundred lessons does not pay numba's import and kernel cache (about 0.85 s), building
    or answering (a question of two words reads the leaders' words for proximity)."""
    code = ("import sys; from knowledge import KnowledgeBase; "
            f"kb = KnowledgeBase.from_paths([{str(BUNDLED_LESSONS)!r}]); "
            "print(len(kb), len(kb.ask('herders insurance', limit=3).hits), 'numba' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert shown == [str(len(bundled())), "3", "False"]


def test_the_english_prior_lowers_everyday_words_and_fades_with_more_lessons():
    """`smoothed_idf`: with no prior, BM25's idf; with one, an everyday word ("keep") found in as
    many lessons as a word of the field ("herder") weighs less, and less so among more lessons."""
    stems = ["keep", "herder"]
    for n_docs in (45, 10_000):
        plain = wordwise.smoothed_idf(np.array([3, 3]), n_docs, stems, 120.0, 0.0)
        assert plain[0] == plain[1] == np.float32(np.log(1.0 + (n_docs - 3 + 0.5) / 3.5))
    few, few_plain = (wordwise.smoothed_idf(np.array([3, 3]), 45, stems, 120.0, prior) for prior in (100.0, 0.0))
    many, many_plain = (wordwise.smoothed_idf(np.array([666, 666]), 9990, stems, 120.0, p) for p in (100.0, 0.0))
    assert few[0] < few[1] and many[0] < many[1]
    assert abs(many[0] - many_plain[0]) < abs(few[0] - few_plain[0]) / 5  # many lessons tell it well
