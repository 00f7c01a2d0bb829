"""The index built one lesson and one word at a time, in plain Python, from its definitions.

For a few hundred lessons (the bundled sample, a team's own folder) this is quicker than the
compiled build (`kernels.py`): a process pays about 0.8 s to import numba and read its cached
kernels before the first compiled call, and these loops take about 1 to 1.5 ms a lesson. It is also the
definition the compiled build must equal: a field's words are `text.words()` of it, stop words
are left out of the terms, term ids are numbered in order of first use, and each (term, lesson)
impact is the BM25F score of its per-field counts (`tests/knowledge/test_index_build.py` compares
the two array by array).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .language import english_shares
from .record import Lesson
from .text import STOP_WORDS, stem, words

#: A lesson's fields in the index's order (`index.field_texts`).
FieldTexts = Callable[[Lesson], list[str]]


def smoothed_idf(df: np.ndarray, n_docs: int, stems: Sequence[str], mean_len: float,
                 english_prior: float) -> np.ndarray:
    """Each term's BM25 idf, its document frequency smoothed towards English as if `english_prior`
    lessons (never more than there are) of `mean_len` words written at English's word frequencies
    were added to the `n_docs`.

    A few lessons tell a word's rarity poorly: in 45 lessons "keep" may be in as few as
    "inspectors", and a question's everyday word then weighs as much as its topic. Both ways:
    everyday words lose weight, and words English rarely uses ("herders", names, acronyms, even
    "evaluation" that every lesson holds) gain some. The prior never weighs more than the lessons
    themselves, and little against many of them (1 % of 10,000 at the default 100)."""
    strength = min(english_prior, n_docs)
    if strength > 0:
        shares = np.array(english_shares(stems, mean_len), dtype=np.float64)
        df = (df + strength * shares) * (n_docs / (n_docs + strength))
    return np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def build(lessons: Sequence[Lesson], field_texts: FieldTexts, weights: Sequence[float], k1: float,
          b: float, *, english_prior: float) -> dict[str, Any]:
    """Every array and table of `InvertedIndex`, by name; `weights` per field, in the index's order."""
    stem_ids: dict[str, int] = {}
    word_count: Counter[str] = Counter()  # in order of first use, as dicts keep it
    docs_terms: list[list[tuple[int, int]]] = []
    for lesson in lessons:
        tokens = []
        for field, text in enumerate(field_texts(lesson)):
            for word in words(text):
                word_count[word] += 1
                if word not in STOP_WORDS:
                    tokens.append((stem_ids.setdefault(stem(word), len(stem_ids)), field))
        docs_terms.append(tokens)
    df = np.zeros(len(stem_ids), np.int64)
    for tokens in docs_terms:
        for term in {t for t, _ in tokens}:
            df[term] += 1
    mean_len = sum(map(len, docs_terms)) / max(len(lessons), 1)
    idf = smoothed_idf(df, len(lessons), list(stem_ids), mean_len, english_prior)
    spellings: list[list[str]] = [[] for _ in stem_ids]
    for word in word_count:
        term = stem_ids.get(stem(word))
        if term is not None:
            spellings[term].append(word)
    known = [word for word in word_count if word not in STOP_WORDS and word.isalpha()]
    first_prose: dict[str, int] = {}
    return {
        **_postings(docs_terms, len(stem_ids), len(weights), idf, weights, k1, b),
        "stem_ids": stem_ids, "df": df, "idf": idf, "start": np.concatenate(([0], np.cumsum(df))).astype(np.int64),
        "stream": np.array([t for tokens in docs_terms for t, _ in tokens], np.int32),
        "stream_field": np.array([f for tokens in docs_terms for _, f in tokens], np.int8),
        "stream_start": np.concatenate(([0], np.cumsum([len(tokens) for tokens in docs_terms]))).astype(np.int64),
        "spellings": spellings, "spelling_words": known, "spelling_counts": [word_count[w] for w in known],
        # Lessons with the same prose (the fields after the first four, lower-cased) point at the first.
        "duplicate_of": np.array([first_prose.setdefault("\n".join(field_texts(lesson)[4:]).lower(), i)
                                  for i, lesson in enumerate(lessons)], np.int32),
    }


def _postings(docs_terms: list[list[tuple[int, int]]], n_terms: int, n_fields: int, idf: np.ndarray,
              weights: Sequence[float], k1: float, b: float) -> dict[str, np.ndarray]:
    """`docs`, `impacts` and `fields`, term-major: BM25F over the kept words of each field."""
    kept_len = [Counter(f for _, f in tokens) for tokens in docs_terms]  # (lesson, field) → kept words
    # per field: the mean length over the lessons that have it (at least 1.0)
    avg_len = [max(sum(k[f] for k in kept_len) / max(sum(1 for k in kept_len if k[f]), 1), 1.0)
               for f in range(n_fields)]
    postings: list[list[tuple[int, float, int]]] = [[] for _ in range(n_terms)]
    for doc, tokens in enumerate(docs_terms):
        tf: dict[int, Counter[int]] = {}
        for term, field in tokens:
            tf.setdefault(term, Counter())[field] += 1
        for term, per_field in tf.items():
            parts = [weights[f] * per_field[f] / (1.0 - b + b * kept_len[doc][f] / avg_len[f])
                     for f in sorted(per_field)]
            # BM25F's pseudo-frequency, summed in numpy's order (np.add.reduceat, as the compiled build)
            pseudo = parts[0] if len(parts) == 1 else float(np.add.reduceat(np.array(parts), [0])[0])
            impact = float(idf[term]) * pseudo * (k1 + 1) / (k1 + pseudo)
            postings[term].append((doc, impact, sum(1 << f for f in per_field)))
    flat = [p for runs in postings for p in runs]
    return {"docs": np.array([d for d, _, _ in flat], np.int32),
            "impacts": np.array([i for _, i, _ in flat], np.float32),
            "fields": np.array([f for _, _, f in flat], np.int16)}
