"""The best few lessons of a set without scoring all of it: the threshold algorithm over postings
read in falling order of impact.

A question's best lessons have high impacts in its words. Reading the first `m` postings of each
word in impact order gives candidates, scored exactly; a lesson none of those prefixes holds has
at most the next impact in each word, so its score is at most what the best pattern of concepts
makes of those bounds (`Patterns.factor` gives the coverage factor exactly). When that bound is
below the candidates' r-th score, the candidates' best r are the set's best r; otherwise `m`
grows, for `ROUNDS` rounds, before the caller scores the set in one compiled walk instead. A
question of one concept (the only kind the shortcut reads this way) is mostly settled by the
first read.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import bitsets
from .patterns import Patterns

#: Terms in at least this many lessons keep their postings' order by impact (the others are read whole).
LONG = 256
#: Postings first read per word, as a multiple of the lessons wanted; grown 4× a round, when there
#: is more than one.
FIRST_READ = 8
#: Rounds of reading before giving up (the caller then scores the whole set in one pass). Of the
#: benchmark's questions at 100,000 lessons that a first read did not settle, 19 of 29 were not
#: settled by a second either: one round, then the compiled pass, is quicker overall.
ROUNDS = 1


class ImpactOrder:
    """Each long term's postings (positions in the term's slice of the index) by falling impact.

    Sorted on one 64-bit key per posting (quantized impact falling, position), term by term in
    compiled code (`kernels.impact_order`: no index-long temporaries, 1.35 -> 0.7 s at 100,000
    lessons; the long terms in two halves, one per thread), so the order within a quantum is by
    lesson; the bound on what is not read yet is the quantum's upper edge.
    """

    def __init__(self, docs: np.ndarray, impacts: np.ndarray, start: np.ndarray, df: np.ndarray) -> None:
        self.docs, self.impacts, self.start = docs, impacts, start
        long = np.flatnonzero(df >= LONG)
        self.first = np.full(len(df) + 1, -1, dtype=np.int64)
        lengths = df[long].astype(np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        self.first[long] = offsets[:-1]
        #: The highest quantum: an impact of the index's highest is quantum `levels`, one of 0 quantum 0.
        self.order, self.step, self.levels = np.zeros(int(offsets[-1]), np.int32), 1.0, 0
        if not len(long):
            return
        from . import kernels  # numba (loaded already: the kernels built the index the shortcut reads)

        pos_bits = max(int(lengths.max()).bit_length(), 1)
        q_bits = min(63 - pos_bits, 24)  # float32 impacts hold 24 bits; the key stays positive
        top = float(impacts.max())  # every impact, the long terms' among them: one pass, no positions
        self.levels = levels = (1 << q_bits) - 1
        self.step = max(top, 1e-30) / levels
        # Two halves of the postings at once: the kernel lets go of the GIL, and the build waits on it.
        half = int(np.searchsorted(offsets, offsets[-1] // 2))
        with ThreadPoolExecutor(max_workers=1) as pool:
            ahead = pool.submit(kernels.impact_order, impacts, start, long[:half], offsets[:half + 1], self.step,
                                levels, pos_bits, self.order)
            kernels.impact_order(impacts, start, long[half:], offsets[half:], self.step, levels, pos_bits, self.order)
            ahead.result()

    def prefix(self, term: int, m: int, certainty: float) -> tuple[np.ndarray, np.ndarray, float]:
        """(the lessons of the first `m` postings of `term` by impact, their impacts times `certainty`
        as `Ranker.score` makes them, a bound on that value for every posting after them: 0 when
        none is left)."""
        lo, hi = int(self.start[term]), int(self.start[term + 1])
        first = int(self.first[term])
        scale = np.float32(certainty)
        if first < 0 or m >= hi - lo:
            return self.docs[lo:hi], self.impacts[lo:hi] * scale, 0.0
        at = lo + self.order[first:first + m]
        quantum = np.floor(float(self.impacts[lo + int(self.order[first + m])]) / self.step)
        return self.docs[at], self.impacts[at] * scale, (quantum + 1) * self.step * certainty * (1 + 1e-6)

    @property
    def nbytes(self) -> int:
        return self.order.nbytes + self.first.nbytes


@dataclass
class Source:
    """One concept as the threshold algorithm reads it: its terms with their certainty, and how
    to get its exact value in given lessons (`value(docs)`, float32, 0 where absent)."""

    terms: list[tuple[int, float]]
    value: Callable[[np.ndarray], np.ndarray]
    dense: bool
    #: The dense concept's corpus-long values (None for a sparse one).
    values: np.ndarray | None = None
    #: Where the sparse concept's postings start in the index's arrays (-1 for a dense one).
    first: int = -1


def best_within(within: np.ndarray, r: int, sources: Sequence[Source], patterns: Patterns, admitted: np.ndarray,
                order: ImpactOrder, sets: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """The `r` best lessons of the set `within` and their exact scores (any order); None when
    `ROUNDS` of reading do not settle them (the caller then scores the whole set).

    `admitted`: the patterns a lesson of `within` may have (bounds are taken over those only);
    `sets`: each concept's lessons as a bitset.
    """
    m = max(FIRST_READ * r, 64)
    for _ in range(ROUNDS):
        cands, known, bounds = _read(sources, m, order, within)
        held = [bitsets.holds(s, cands) for s in sets]
        factor = patterns.factor[patterns.of(held)]
        # A candidate may hold a word whose prefix did not reach it: bound what it may score.
        high = _scores([np.where(h & (k == 0), np.float32(b), k) for h, k, b in zip(held, known, bounds, strict=True)],
                       sources, factor) * (1 + 1e-6)
        exhausted = not any(bounds)
        if len(cands) < r and not exhausted:
            m *= 4
            continue
        # The exact scores of the most promising candidates give a floor the r best reach.
        probe = np.argpartition(-high, 2 * r - 1)[:2 * r] if len(cands) > 2 * r else np.arange(len(cands))
        probe.sort()
        theta = -1.0
        if len(probe) >= r:
            exact = _exact(cands[probe], sources, [k[probe] for k in known], [h[probe] for h in held], factor[probe])
            theta = float(np.partition(exact, len(exact) - r)[len(exact) - r])
        if exhausted or _bound(bounds, patterns, admitted) < theta:
            break
        m *= 4
    else:
        return None
    maybe = np.flatnonzero(high >= theta)
    cands = cands[maybe]
    scores = _exact(cands, sources, [k[maybe] for k in known], [h[maybe] for h in held], factor[maybe])
    if len(cands) > r:
        top = np.argpartition(-scores, r - 1)[:r]
        cands, scores = cands[top], scores[top]
    return cands, scores


def _exact(cands: np.ndarray, sources: Sequence[Source], known: Sequence[np.ndarray], held: Sequence[np.ndarray],
           factor: np.ndarray) -> np.ndarray:
    """The exact scores of `cands`, looking up the values their prefixes did not tell."""
    values = [np.where(h & (k == 0), s.value(cands), k) if (h & (k == 0)).any() else k
              for s, k, h in zip(sources, known, held, strict=True)]
    return _scores(values, sources, factor)


def _read(sources: Sequence[Source], m: int, order: ImpactOrder,
          within: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[float]]:
    """(the lessons of `within` in the first `m` postings of any term, sorted; each concept's value
    in them as far as those prefixes tell, 0 elsewhere; each concept's bound beyond its prefixes)."""
    reads = [[_kept(order.prefix(term, m, certainty), within) for term, certainty in s.terms] for s in sources]
    every = np.concatenate([docs for r in reads for docs, _, _ in r])
    every.sort()
    cands = every[np.flatnonzero(np.diff(every, prepend=-1))]
    known, bounds = [], []
    for source, read in zip(sources, reads, strict=True):
        if source.dense:  # a dense concept's exact value is one gather
            known.append(source.value(cands))
        else:
            (docs, values, _), = read
            value = np.zeros(len(cands), dtype=np.float32)
            value[np.searchsorted(cands, docs)] = values
            known.append(value)
        bounds.append(max(tau for _, _, tau in read))
    return cands, known, bounds


def _kept(read: tuple[np.ndarray, np.ndarray, float], within: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """A prefix's lessons and values, only those of `within`."""
    docs, values, tau = read
    keep = bitsets.holds(within, docs)
    return docs[keep], values[keep], tau


def _scores(values: Sequence[np.ndarray], sources: Sequence[Source], factor: np.ndarray) -> np.ndarray:
    """`Ranker.score`'s arithmetic: the float64 sum of the sparse concepts' values in order, then
    the dense ones', as float32, times the coverage factor."""
    total = np.zeros(len(factor))
    for value, source in zip(values, sources, strict=True):
        if not source.dense:
            total += value.astype(np.float64)
    for value, source in zip(values, sources, strict=True):
        if source.dense:
            total += value
    return total.astype(np.float32) * factor


def _bound(bounds: list[float], patterns: Patterns, admitted: np.ndarray) -> float:
    """The most a lesson no prefix holds can score: over the admitted patterns, the sum of their
    concepts' bounds times the pattern's coverage factor (with room for float32 rounding)."""
    sums = patterns.bits.astype(np.float64) @ np.asarray(bounds, dtype=np.float64)
    best = (sums * patterns.factor)[admitted]
    return float(best.max()) * (1 + 1e-5) if len(best) else 0.0


def dense_best(within: np.ndarray, r: int, sources: Sequence[Source], patterns: Patterns,
               sets: Sequence[np.ndarray], impacts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The `r` best lessons of the large set `within` (all when fewer) and their scores as
    `Ranker.score` makes them, in one compiled walk over the set's bits (`passes.best_in_set`):
    each lesson's pattern from the concepts' `sets`, a sparse concept's value read from its
    postings in the index's `impacts`, a dense one's from its corpus-long values; the best `r`
    kept as it goes."""
    from . import passes  # numba (loaded already: the kernels built the index the shortcut reads)

    if any(bits.shape != within.shape for bits in sets):  # the kernel checks no bounds
        raise ValueError("every concept's set must cover the lessons `within` covers")
    sparse = [s for s in sources if not s.dense]
    rows = np.cumsum([not s.dense for s in sources]) - 1
    dense = [s.values for s in sources if s.dense]
    docs, scores = np.empty(r, np.int64), np.empty(r)
    kept = passes.best_in_set(within, np.stack(sets), np.where([s.dense for s in sources], -1, rows),
                              np.array([s.first for s in sparse], dtype=np.int64),
                              np.array([s.terms[0][1] for s in sparse], dtype=np.float32), impacts,
                              np.stack(dense) if dense else np.zeros((0, 0), np.float32),
                              patterns.factor, docs, scores)
    return docs[:kept], scores[:kept]


def exact_scores(cands: np.ndarray, sources: Sequence[Source], patterns: Patterns) -> np.ndarray:
    """The score `Ranker.score` gives each of the sorted `cands`."""
    values = [s.value(cands) for s in sources]
    return _scores(values, sources, patterns.factor[patterns.of([v > 0 for v in values])])
