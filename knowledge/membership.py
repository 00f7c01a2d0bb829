"""Which lessons of one list are in another, sorted, list: the intersections of postings, and
which shown lessons a concept holds (`holds`).

A binary search per lesson is quickest for a short list; for a long one, a table as long as the
lessons is scattered once and read (no table is kept between calls).
"""
from __future__ import annotations

import numpy as np

#: Membership is looked up through a table as long as the lessons when `docs` is longer than this
#: share of it (scattering the table costs about what 1/16 of that many binary searches cost).
DENSE_SHARE = 16


def _dense(docs: np.ndarray, sorted_docs: np.ndarray) -> bool:
    """True when a table over the lessons is quicker than a binary search per doc."""
    return len(docs) * DENSE_SHARE > int(sorted_docs[-1]) + len(sorted_docs)


def within_at(docs: np.ndarray, sorted_docs: np.ndarray) -> np.ndarray:
    """The position of each of `docs` in `sorted_docs`, -1 where absent: by binary search, or through
    a table as long as the lessons when `docs` is long (no table otherwise)."""
    if not len(sorted_docs):
        return np.full(len(docs), -1, dtype=np.int64)
    if _dense(docs, sorted_docs):
        size = int(sorted_docs[-1]) + 1
        table = np.full(size + 1, -1, dtype=np.int32)
        table[sorted_docs] = np.arange(len(sorted_docs), dtype=np.int32)
        return table[np.minimum(docs, size)]
    at = np.minimum(np.searchsorted(sorted_docs, docs.astype(sorted_docs.dtype)), len(sorted_docs) - 1)
    return np.where(sorted_docs[at] == docs, at, -1)


def within(docs: np.ndarray, sorted_docs: np.ndarray) -> np.ndarray:
    """Which of `docs` are among `sorted_docs`."""
    return within_at(docs, sorted_docs) >= 0


def holds(docs: np.ndarray, page: np.ndarray) -> np.ndarray:
    """Which lessons of `page` the sorted lesson numbers `docs` hold (or, for a corpus-long float
    array of scores, where the score is not 0): one search per concept, not one per hit."""
    if docs.dtype.kind == "f":
        return docs[page] > 0
    if len(page) > 64 or not len(docs):
        return within(page, docs)
    # A page of a few lessons: a binary search each, as `within` would choose, in fewer numpy calls.
    at = docs.searchsorted(page)
    return docs[np.minimum(at, len(docs) - 1)] == page


def holds_one(docs: np.ndarray, doc: int) -> bool:
    """`holds` for one lesson: a binary search in the sorted lessons (or a look at its score)."""
    if docs.dtype.kind == "f":
        return bool(docs[doc] > 0)
    at = int(np.searchsorted(docs, doc))
    return at < len(docs) and int(docs[at]) == doc
