"""Typo tolerance: the known word nearest a misspelt one, from a precomputed deletion index.

The edit budget is Meilisearch's: no correction under 5 letters, one edit from 5, two from 9.
One-edit candidates come from a deletion neighbourhood (the SymSpell idea) built once, so a
query never scans the vocabulary; only a 9+ letter word with no one-edit neighbour is compared
with the words of similar length.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .text import nul_joined


def edit_budget(word: str) -> int:
    """How many edits a query word of this length may be corrected by (0, 1 or 2)."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


_FNV_OFFSET, _FNV_PRIME, _MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv(word: str) -> int:
    """The 64-bit FNV-1a hash of a word's UTF-8 bytes, signed (as `kernels.deletion_hashes` makes it)."""
    h = _FNV_OFFSET
    for byte in word.encode("utf-8", "surrogatepass"):
        h = ((h ^ byte) * _FNV_PRIME) & _MASK
    return h - (1 << 64) if h >> 63 else h


class SpellingIndex:
    """Known words with their frequencies, and the index that finds near misses fast."""

    def __init__(self, words: list[str], counts: list[int], *, compiled: bool = False) -> None:
        """`compiled`: hash the deletions with the compiled kernels (loaded for a large index:
        0.05 s instead of 0.5 s for 90,000 words), by FNV-1a instead of Python's `hash`."""
        self.words = words
        self.counts = counts
        self.ids = {w: i for i, w in enumerate(words)}
        self._by_length: dict[int, list[str]] = {}
        for word in words:
            if len(word) >= 4:
                self._by_length.setdefault(len(word), []).append(word)
        # The deletion neighbourhood as two sorted numpy arrays (hash of a one-letter deletion →
        # word), a tenth of the memory of a dict of lists; a hash collision only adds a candidate
        # that the edit-distance check then drops. A 4-letter word is only ever reached from a
        # 5-letter typo by deleting the typo's extra letter, which looks it up in `ids` directly.
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        lengths = [len(words[i]) for i in long]
        self._hash = fnv if compiled else hash
        if compiled:
            from . import kernels

            data, ends = nul_joined([words[i] for i in long])  # a word is letters: no NUL of its own
            keys = np.empty(sum(lengths), dtype=np.int64)
            kernels.deletion_hashes(np.frombuffer(data, np.uint8), ends, keys)
        else:
            keys = np.fromiter((hash(w[:j] + w[j + 1:]) for w in map(words.__getitem__, long) for j in range(len(w))),
                               dtype=np.int64, count=sum(lengths))
        owners = np.repeat(np.array(long, dtype=np.int32), lengths)
        order = np.argsort(keys, kind="stable")
        self._keys, self._owners = keys[order], owners[order]

    def _deleted(self, variants: list[str]) -> set[int]:
        """Ids of the words that one deletion turns into any of `variants`."""
        if not len(self._keys) or not variants:
            return set()
        hashes = np.array([self._hash(v) for v in variants], dtype=np.int64)
        lo, hi = np.searchsorted(self._keys, hashes, "left"), np.searchsorted(self._keys, hashes, "right")
        return {int(i) for a, b in zip(lo.tolist(), hi.tolist(), strict=True) if b > a for i in self._owners[a:b]}

    def _candidates(self, word: str) -> set[str]:
        """Known words one edit (insert, delete, substitute, transpose) from `word`."""
        variants = _deletes(word)
        found = self._deleted([word, *variants])
        found.update(self.ids[v] for v in variants if v in self.ids)
        return {self.words[i] for i in found}

    def nearest(self, word: str, budget: int | None = None, limit: int = 1) -> list[tuple[str, int]]:
        """Up to `limit` known (word, edits) within the budget, fewest edits then commonest first.

        A 4-letter word may still be a 5-letter word with a letter dropped ("chid" for "child"):
        the budget is then that of the word meant, so those are offered at one edit.
        """
        budget = edit_budget(word) if budget is None else budget
        if budget <= 0:
            if len(word) == 4:
                found = sorted({self.words[i] for i in self._deleted([word])},
                               key=lambda w: (-self.counts[self.ids[w]], w))
                return [(w, 1) for w in found[:limit]]
            return []
        scored = [(OSA.distance(word, c), c) for c in self._candidates(word)]
        scored = [(d, c) for d, c in scored if 0 < d <= min(budget, 1)]
        if not scored and budget >= 2:
            pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self._by_length.get(n, ())]
            scored = [(int(d), c) for c, d, _ in process.extract(word, pool, scorer=OSA.distance,
                                                                   score_cutoff=budget, limit=50) if d > 0]
        scored.sort(key=lambda dc: (dc[0], -self.counts[self.ids[dc[1]]], dc[1]))
        return [(c, d) for d, c in scored[:limit]]
