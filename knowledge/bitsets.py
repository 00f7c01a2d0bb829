"""Sets of lessons as packed bits: one uint64 word per 64 lessons.

A set of 100,000 lessons is 1,563 words (12.5 kB) whatever its size, so intersecting, joining
and counting the lessons of a question's words costs a few microseconds each, where the sorted
lesson numbers of a common word run to tens of thousands. The common terms' sets are kept
(`TermBits`); a rarer term's is packed from its postings when a question asks for it.
"""
from __future__ import annotations

import numpy as np

#: A term gets a kept bitset when it is in at least this share of the lessons: a bitset then
#: costs no more than 4 bytes per posting, about what its lesson numbers take already.
KEPT_SHARE = 1 / 32


def n_words(n: int) -> int:
    """How many uint64 words hold `n` bits."""
    return (n + 63) // 64


def empty(n: int) -> np.ndarray:
    """The empty set of `n` lessons."""
    return np.zeros(n_words(n), dtype=np.uint64)


def full(n: int) -> np.ndarray:
    """Every one of `n` lessons (the bits past `n` stay 0, so counts stay exact)."""
    return from_mask(np.ones(n, dtype=bool))


def from_docs(docs: np.ndarray, n: int) -> np.ndarray:
    """The set of the sorted, distinct lesson numbers `docs`."""
    bits = empty(n)
    if not len(docs):
        return bits
    docs = docs.astype(np.int64, copy=False)
    word = docs >> 6
    one = np.left_shift(np.uint64(1), (docs & 63).astype(np.uint64))
    starts = np.flatnonzero(np.diff(word, prepend=-1))
    bits[word[starts]] = np.bitwise_or.reduceat(one, starts)
    return bits


def from_mask(mask: np.ndarray) -> np.ndarray:
    """The set of the lessons where the boolean `mask` is True."""
    packed = np.packbits(mask, bitorder="little")
    padded = np.zeros(n_words(len(mask)) * 8, dtype=np.uint8)
    padded[:len(packed)] = packed
    return padded.view(np.uint64)


def count(bits: np.ndarray) -> int:
    """How many lessons the set holds."""
    return int(np.bitwise_count(bits).sum(dtype=np.int64))


def members(bits: np.ndarray) -> np.ndarray:
    """The lesson numbers of the set, sorted."""
    return np.flatnonzero(np.unpackbits(bits.view(np.uint8), bitorder="little").view(bool))  # bool: 7× faster


def holds(bits: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of the lesson numbers `docs` the set holds."""
    docs = docs.astype(np.int64, copy=False)
    return ((bits[docs >> 6] >> (docs & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)


class TermBits:
    """The set of lessons of each term, packed; kept for the common terms, packed on demand for
    the others. Built from the finished postings of an index (`docs`, `start`, `df`)."""

    def __init__(self, docs: np.ndarray, start: np.ndarray, df: np.ndarray, n: int) -> None:
        self.n = n
        self._docs, self._start = docs, start
        common = np.flatnonzero(df >= max(KEPT_SHARE * n, 64))
        #: Row of each term in `rows`, -1 for a term packed on demand.
        self.row = np.full(len(df), -1, dtype=np.int32)
        self.row[common] = np.arange(len(common), dtype=np.int32)
        self.rows = np.zeros((len(common), n_words(n)), dtype=np.uint64)
        for i, term in enumerate(common.tolist()):
            self.rows[i] = from_docs(docs[start[term]:start[term + 1]], n)

    def of(self, term: int) -> np.ndarray:
        """The lessons holding `term` (read-only when kept)."""
        row = self.row[term]
        if row >= 0:
            return self.rows[row]
        return from_docs(self._docs[self._start[term]:self._start[term + 1]], self.n)

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.row.nbytes
