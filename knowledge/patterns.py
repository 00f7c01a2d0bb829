"""What a lesson's coverage of a question comes to, worked out once per *pattern* of concepts.

A lesson's coverage, topic share and coverage factor depend only on which of the question's
concepts it holds (its pattern: bit i for concept i), so a question of k concepts has 2^k
possible values of each. `Patterns` computes them with the very float operations, in the very
order, that `Ranker.score` applies lesson by lesson, so a lesson's value read from the table is
the value the straightforward computation gives it, bit for bit. The lessons that pass a test on
their pattern (`union`) then come from the concepts' bitsets: the join, over the least patterns
that pass, of the meet of their concepts' sets.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import bitsets


class Patterns:
    """Coverage, whether it is enough, topic share and coverage factor of every pattern.

    `weights` and `places` are per concept in the question's order; `dense` marks the concepts
    `Ranker.score` adds as corpus-long arrays after the others.
    """

    def __init__(self, weights: Sequence[float], dense: Sequence[bool], places: Sequence[bool], whole: float,
                 min_coverage: float, power: float) -> None:
        k = len(weights)
        self.k = k
        self.index = np.arange(1 << k)
        self.bits = ((self.index[:, None] >> np.arange(k)) & 1).astype(bool)
        cover = np.zeros(1 << k)
        for i in [i for i in range(k) if not dense[i]] + [i for i in range(k) if dense[i]]:
            cover = cover + np.where(self.bits[:, i], weights[i], 0.0)
        self.cover = cover
        self.ok = cover >= (min_coverage - 1e-6) * whole
        topic = cover.copy()
        for i in range(k):
            if places[i]:
                topic = topic - np.where(self.bits[:, i], weights[i], 0.0)
        topic_whole = whole - sum(w for w, p in zip(weights, places, strict=True) if p)
        self.share = topic / topic_whole if topic_whole > 0 else np.zeros(1 << k)
        self.factor = (cover / whole) ** power

    def monotone(self, passes: np.ndarray) -> bool:
        """True when every pattern holding one that passes passes too (so `union` is exact)."""
        return all(not (passes & ~passes[self.index | (1 << i)]).any() for i in range(self.k))

    def least(self, passes: np.ndarray) -> list[int]:
        """The patterns that pass while none of theirs with one concept fewer does."""
        least = passes.copy()
        for i in range(self.k):
            least &= ~(self.bits[:, i] & passes[self.index ^ (1 << i)])
        return np.flatnonzero(least).tolist()

    def union(self, passes: np.ndarray, sets: Sequence[np.ndarray], n: int) -> np.ndarray:
        """The lessons whose pattern passes (`passes` must be `monotone`), from each concept's set."""
        found = bitsets.empty(n)
        meets: dict[int, np.ndarray] = {}
        for pattern in self.least(passes):
            if pattern == 0:
                return bitsets.full(n)
            found |= self._meet(pattern, sets, meets)
        return found

    def _meet(self, pattern: int, sets: Sequence[np.ndarray], meets: dict[int, np.ndarray]) -> np.ndarray:
        """The lessons holding every concept of `pattern`, sharing the work between patterns."""
        if pattern in meets:
            return meets[pattern]
        high = pattern.bit_length() - 1
        rest = pattern & ~(1 << high)
        meet = sets[high] if rest == 0 else self._meet(rest, sets, meets) & sets[high]
        meets[pattern] = meet
        return meet

    def exactly(self, pattern: int, sets: Sequence[np.ndarray], within: np.ndarray) -> np.ndarray:
        """The lessons of `within` that hold the concepts of `pattern` and no other."""
        found = within.copy()
        for i in range(self.k):
            found &= sets[i] if pattern >> i & 1 else ~sets[i]
        return found

    def of(self, held: Sequence[np.ndarray]) -> np.ndarray:
        """The pattern of each lesson, from one boolean array per concept (does it hold it)."""
        pattern = np.zeros(len(held[0]) if held else 0, dtype=np.int64)
        for i, h in enumerate(held):
            pattern |= h.astype(np.int64) << i
        return pattern
