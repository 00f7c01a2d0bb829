"""The compiled, chunked index build gives exactly the index its definitions describe.

`reference()` builds every array one lesson and one word at a time, from the definitions in
knowledge/index.py's docstrings: a field's words are `text.words()` of it, stop words are left out
of the terms, term ids are numbered in order of first use, and each (term, lesson) impact is the
BM25F score of its per-field counts. The real build must equal it array by array, dtypes too, on
the bundled lessons, a few thousand made-up ones and some awkward text.
"""
from __future__ import annotations

import random
from collections import Counter
from functools import cache

import numpy as np
import pytest

from knowledge import Lesson, SearchOptions, load_lessons
from knowledge.base import BUNDLED_LESSONS
from knowledge.index import FIELDS, InvertedIndex, field_texts
from knowledge.record import PROSE_FIELDS
from knowledge.text import STOP_WORDS, fold, stem, words

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


def reference(lessons: list[Lesson], weights, k1: float, b: float) -> dict:
    """The index from its definitions, one lesson and one word at a time."""
    stem_ids: dict[str, int] = {}
    word_order: dict[str, int] = {}
    word_count: Counter[str] = Counter()
    docs_terms: list[list[tuple[int, int]]] = []
    for lesson in lessons:
        tokens = []
        for field, text in enumerate(field_texts(lesson)):
            for word in words(text):
                word_order.setdefault(word, len(word_order))
                word_count[word] += 1
                if word not in STOP_WORDS:
                    tokens.append((stem_ids.setdefault(stem(word), len(stem_ids)), field))
        docs_terms.append(tokens)
    n, n_fields = len(lessons), len(FIELDS)
    kept_len = [Counter(f for _, f in tokens) for tokens in docs_terms]  # (lesson, field) → kept words
    # per field: the mean length over the lessons that have it (at least 1.0)
    avg_len = [max(sum(k[f] for k in kept_len) / max(sum(1 for k in kept_len if k[f]), 1), 1.0)
               for f in range(n_fields)]
    df = np.zeros(len(stem_ids), np.int64)
    for tokens in docs_terms:
        for term in {t for t, _ in tokens}:
            df[term] += 1
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    postings: list[list[tuple[int, float, int]]] = [[] for _ in stem_ids]
    w = [float(weights.get(name, 1.0)) for name in FIELDS]
    for doc, tokens in enumerate(docs_terms):
        tf: dict[int, Counter[int]] = {}
        for term, field in tokens:
            tf.setdefault(term, Counter())[field] += 1
        for term, per_field in tf.items():
            parts = [w[f] * per_field[f] / (1.0 - b + b * kept_len[doc][f] / avg_len[f]) for f in sorted(per_field)]
            # BM25F's pseudo-frequency, summed in numpy's order (np.add.reduceat, as the numpy build did)
            pseudo = parts[0] if len(parts) == 1 else float(np.add.reduceat(np.array(parts), [0])[0])
            impact = float(idf[term]) * pseudo * (k1 + 1) / (k1 + pseudo)
            postings[term].append((doc, impact, sum(1 << f for f in per_field)))
    flat = [p for runs in postings for p in runs]
    spellings: list[list[str]] = [[] for _ in stem_ids]
    for word in word_order:
        if stem(word) in stem_ids:
            spellings[stem_ids[stem(word)]].append(word)
    known = [word for word in word_order if word not in STOP_WORDS and word.isalpha()]
    first_prose: dict[str, int] = {}
    return {
        "stem_ids": stem_ids, "df": df, "idf": idf,
        "start": np.concatenate(([0], np.cumsum(df))).astype(np.int64),
        "docs": np.array([d for d, _, _ in flat], np.int32), "impacts": np.array([i for _, i, _ in flat], np.float32),
        "fields": np.array([f for _, _, f in flat], np.int16),
        "stream": np.array([t for tokens in docs_terms for t, _ in tokens], np.int32),
        "stream_field": np.array([f for tokens in docs_terms for _, f in tokens], np.int8),
        "stream_start": np.concatenate(([0], np.cumsum([len(tokens) for tokens in docs_terms]))).astype(np.int64),
        "spellings": spellings, "spelling_words": known, "spelling_counts": [word_count[w] for w in known],
        "duplicate_of": np.array([first_prose.setdefault("\n".join(field_texts(lesson)[4:]).lower(), i)
                                  for i, lesson in enumerate(lessons)], np.int32),
    }


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
    index = InvertedIndex(lessons, options.field_weights, options.bm25_k1, options.bm25_b)
    assert_same(index, reference(lessons, options.field_weights, options.bm25_k1, options.bm25_b))


def test_chunks_and_a_growing_vocabulary_change_nothing(monkeypatch):
    """Many small chunks make the interner grow its table, ids and bytes mid-chunk: same index."""
    import knowledge.index
    import knowledge.lexicon
    lessons = generated(600, seed=5) + AWKWARD
    options = SearchOptions()
    monkeypatch.setattr(knowledge.index, "_CHUNK", 7)
    monkeypatch.setattr(knowledge.lexicon, "FIRST_CAPACITY", 2)
    index = InvertedIndex(lessons, options.field_weights, options.bm25_k1, options.bm25_b)
    assert_same(index, reference(lessons, options.field_weights, options.bm25_k1, options.bm25_b))


def test_awkward_text_is_tokenised_like_text_words():
    """The words a user relies on: apostrophes split, accents and width folded, digits kept."""
    options = SearchOptions()
    index = InvertedIndex(AWKWARD, options.field_weights, options.bm25_k1, options.bm25_b)
    for word in ("ivoir", "ecol", "naiv", "123", "full", "financ", "covid19", "c182", "istanbul", "ete", "cafe"):
        assert index.term_id(word) >= 0, word
    assert index.term_id(stem(fold("ΣΊΣΥΦΟΣ"))) >= 0
    assert index.term_id("the") == -1 and index.term_id("d") == -1
