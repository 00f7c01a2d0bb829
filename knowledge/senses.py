"""Words the lessons use in one sense only: "civil" is always "civil society" there.

A question's word typed beside a word no lesson has ("civil servants") is then part of an
expression no lesson has, not a match for the lessons' "civil": matching it alone answered
questions about civil servants with lessons about civil society. A word used that way is one the
lessons hold often enough (`FIXED_PAIR_SEEN`) beside one same word most of the time
(`FIXED_PAIR_SHARE`), on the side where the question's unknown word stands. Only words beside an
unknown one are looked at, each once per index (one pass over the token stream).
"""
from __future__ import annotations

import numpy as np

from .index import InvertedIndex
from .text import stem

FIXED_PAIR_SEEN, FIXED_PAIR_SHARE = 3, 0.8


class FixedPairs:
    """Finds the question's words that the lessons use only in a pair the question does not make."""

    def __init__(self, index: InvertedIndex) -> None:
        self.index = index
        #: (term, after?) → `partner()`'s answer, as first asked.
        self._partners: dict[tuple[int, bool], tuple[int, int, int]] = {}

    def other_sense(self, words: list[str], content: list[int], unknown: set[int]) -> dict[int, int]:
        """Position of each content word used beside an unknown one in another sense than the
        lessons' → the unknown neighbour's position."""
        found: dict[int, int] = {}
        for i in content:
            for j in (i + 1, i - 1):
                if j in unknown and j not in found.values() and self._fixed(stem(words[i]), after=j > i):
                    found[i] = j
                    break
        return found

    def _fixed(self, word_stem: str, after: bool) -> bool:
        term = self.index.term_id(word_stem)
        if term < 0:
            return False
        if (term, after) not in self._partners:
            self._partners[(term, after)] = partner(self.index, term, after)
        _, together, seen = self._partners[(term, after)]
        return seen >= FIXED_PAIR_SEEN and together >= FIXED_PAIR_SHARE * seen


def partner(index: InvertedIndex, term: int, after: bool) -> tuple[int, int, int]:
    """(the word most often just after `term` (or before it), how often, how often `term` occurs),
    within one field of one lesson; (-1, 0, n) when nothing stands there. One pass over the stream."""
    at = np.flatnonzero(index.stream == term)
    beside = at + (1 if after else -1)
    doc = np.searchsorted(index.stream_start, at, side="right") - 1
    ok = (beside >= index.stream_start[doc]) & (beside < index.stream_start[doc + 1])
    ok[ok] &= index.stream_field[beside[ok]] == index.stream_field[at[ok]]
    if not ok.any():
        return -1, 0, len(at)
    words, counts = np.unique(index.stream[beside[ok]], return_counts=True)
    best = int(np.argmax(counts))
    return int(words[best]), int(counts[best]), len(at)
