"""The same answer as the straightforward search, reading less: exact total and facets from
bitsets, the leaders from the threshold algorithm (`topk.py`).

`Ranker.score` scores every lesson, so its cost grows with the match set (41 % of 100,000
lessons for the median benchmark question). Here the match set is a bitset built from the
concepts' bitsets (`patterns.Patterns.union`), counted and faceted as it is, and only the lessons
that can reach the page are scored (a large tier in one compiled walk over its bits that keeps
the best few, `topk.dense_best`). The questions it does not cover (intent, named places or
labels, phrases, exclusions, boosts, grouping, lent words, many concepts, a topic word that some
lesson holds in its category alone) take the straightforward way; `tests/knowledge/test_shortcut.py`
checks both give the same answers.
"""
from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import NamedTuple

import numpy as np

from . import bitsets
from .bitsets import TermBits
from .facets import Facets
from .index import InvertedIndex
from .options import SearchOptions
from .patterns import Patterns
from .rank import Ranked, Ranker
from .topk import ImpactOrder, Source, best_within, dense_best, exact_scores
from .understand import Concept, Understanding

#: As `search.COINCIDENCE_WORDS` (not imported: search imports this module).
COINCIDENCE_WORDS = 3
#: Questions of more concepts take the straightforward way (the pattern tables double per concept).
MOST_CONCEPTS = 10
#: The least certainty of a word the shortcut reads (a smaller one could round its impacts to 0).
LEAST_CERTAINTY = 1e-3
#: A tier of at most this many lessons is scored by looking each up (a larger one, in one pass:
#: with compiled look-ups, 512 beat 2048 at 100,000 lessons, and so did 128 and 256, a little less).
SMALL = 512
#: The threshold algorithm settles a question of one concept early; with more, the sum of the
#: bounds stays above the leaders' scores for much of the postings, and the compiled walk over the
#: tier (`dense_best`) is as quick or quicker (two interleaved runs at 100k lessons: 8-26 ms less
#: over the 300 benchmark questions than with two concepts, as many as with none).
THRESHOLD_CONCEPTS = 1


class Shortcut(NamedTuple):
    """What the answer needs from the match set: the leaders, the total, the facet counts and each
    concept's lessons (as `Scored.concept_hits`)."""

    ranked: Ranked
    facets: Mapping
    concept_hits: list[np.ndarray]


def read_ahead(index: InvertedIndex) -> tuple[TermBits, ImpactOrder]:
    """The parts of a `Reader` that only its index decides: the kept term bitsets and the impact
    order. Numpy and a compiled kernel that lets go of the GIL (`kernels.impact_order`, two halves
    at once), so the search builds them in a thread as soon as the index is built (0.5 s at 100,000
    lessons), not on the first question."""
    return TermBits(index.docs, index.start, index.df, index.n_docs), \
        ImpactOrder(index.docs, index.impacts, index.start, index.df)


class Reader:
    """The shortcut over one index: the kept term bitsets and impact order, built from its postings."""

    def __init__(self, index: InvertedIndex, ranker: Ranker, facets: Facets, options: SearchOptions,
                 parts: tuple[TermBits, ImpactOrder] | None = None) -> None:
        self.index, self.ranker, self.facets, self.options = index, ranker, facets, options
        self.n = index.n_docs
        self.bits, self.order = parts or read_ahead(index)

    def covers(self, u: Understanding, group: bool | None, boosts) -> bool:
        """True for a question the shortcut answers exactly as the straightforward search does."""
        by_evaluation = self.options.group_by_evaluation if group is None else group
        return (0 < len(u.concepts) <= MOST_CONCEPTS and not (u.intent or u.preferred or u.phrases or u.excluded
                                                              or boosts or by_evaluation)
                and all(len(ids) == 1 and c >= LEAST_CERTAINTY for k in u.concepts for ids, c in k.alternatives))

    def answer(self, u: Understanding, allowed: np.ndarray | None, wanted: int,
               group: bool | None) -> Shortcut | None:
        """The leaders, total and facets of a covered question; None when it must take the
        straightforward way (fewer matches than `wanted`, so words are lent; or too much to read)."""
        # A topic held loosely counts in part: the share is no longer the pattern's.
        if any(self.ranker.may_hold_loosely(c) for c in u.concepts if not c.place):
            return None
        sources, sets, hits, patterns, matched = self.match(u)
        if matched is None:
            return None
        if allowed is not None:
            matched &= bitsets.from_mask(allowed)
        size = bitsets.count(matched)
        if size < wanted or self._coincidental(u, sets, matched):
            return None
        classes = self._classes(patterns, sets, matched)
        if classes is None:
            return None
        depth = min(size, max(50, 3 * wanted))
        leaders = self._leaders(classes, depth, sources, sets, patterns)
        if leaders is None:
            return None
        docs, scores, tiers = leaders
        ranked = self.ranker.rank(docs, scores, u.concepts, tiers, wanted, group)
        total = size - self.index.repeated(lambda docs: bitsets.holds(matched, docs))  # as `Ranker.rank` counts
        return Shortcut(ranked._replace(total=total), self.facets.counts_of(matched), list(hits))

    def match(self, u: Understanding) -> tuple[tuple[Source, ...], tuple, tuple, Patterns, np.ndarray | None]:
        """(each concept as the leaders are read from it, its lessons as a bitset, its `concept_hits`
        entry; what each pattern of concepts scores; the lessons that cover enough of the question,
        as a bitset: None when the patterns that do are not `monotone`, so no union gives them)."""
        weights = self.ranker.weights(u.concepts)
        whole = sum(weights) + self.ranker._unknown_weight(u, weights)
        sources, sets, hits = zip(*(self._source(c) for c in u.concepts), strict=True)
        patterns = Patterns(weights, [s.dense for s in sources], [c.place for c in u.concepts], whole,
                            self.options.min_coverage, self.options.coverage_power)
        matched = patterns.union(patterns.ok, sets, self.n) if patterns.monotone(patterns.ok) else None
        return sources, sets, hits, patterns, matched

    def _source(self, concept: Concept) -> tuple[Source, np.ndarray, np.ndarray]:
        """(the concept as the threshold algorithm reads it, its lessons as a bitset, its
        `concept_hits` entry: sorted lessons, or the corpus-long array of its best alternative)."""
        terms = [(ids[0], certainty) for ids, certainty in concept.alternatives]
        docs, values = self.ranker._concept_scores(concept, None, 0, 0.0)  # as the full scoring reads it
        if docs is not None:  # one word: its postings
            compiled = self.index.compiled
            source = Source(terms, lambda cands: _lookup(docs, values, cands, compiled), False,
                            first=int(self.index.start[terms[0][0]]))
            return source, self.bits.of(terms[0][0]), docs
        return Source(terms, lambda cands: values[cands], True, values), bitsets.from_mask(values > 0), values

    def _classes(self, patterns: Patterns, sets, matched: np.ndarray) -> list | None:
        """The tiers of the matched lessons, highest first, as (tier, lessons, the patterns they may
        have): the lessons matching as much of the question as any matched lesson does, then the rest
        (`preference.tiers` without named places or labels)."""
        best = self._best_share(patterns, sets, matched)
        if best is None:
            return None
        complete = patterns.ok & (patterns.share >= best - 1e-6)
        if not patterns.monotone(complete):
            return None
        top = patterns.union(complete, sets, self.n) & matched
        return [(2, top, complete), (0, matched & ~top, patterns.ok & ~complete)]  # as `preference.tiers`

    def _best_share(self, patterns: Patterns, sets, matched: np.ndarray, tries: int = 16) -> float | None:
        """The largest topic share of a matched lesson (None when too many patterns must be tried)."""
        candidates = np.flatnonzero(patterns.ok)
        for pattern in candidates[np.argsort(-patterns.share[candidates], kind="stable")][:tries].tolist():
            if patterns.exactly(pattern, sets, matched).any():
                return float(patterns.share[pattern])
        return None

    def _leaders(self, classes, depth: int, sources, sets, patterns: Patterns):
        """(lessons sorted, scores, tiers) of the `depth` best by tier then score."""
        docs, scores, tiers = [], [], []
        for tier, within, admitted in classes:
            wanted = depth - sum(len(d) for d in docs)
            if wanted <= 0:
                break
            size = bitsets.count(within)
            best = None if size <= max(wanted, SMALL) or len(sources) > THRESHOLD_CONCEPTS else \
                best_within(within, wanted, sources, patterns, admitted, self.order, sets)
            if best is not None:
                found, score = best
            elif size > SMALL:
                found, score = dense_best(within, wanted, sources, patterns, sets, self.index.impacts)
            else:
                found = bitsets.members(within)
                score = exact_scores(found, sources, patterns)
                if size > wanted:
                    top = np.argpartition(-score, wanted - 1)[:wanted]
                    found, score = found[top], score[top]
            docs.append(found)
            scores.append(score)
            tiers.append(np.full(len(found), tier, dtype=np.int8))
        docs, scores, tiers = np.concatenate(docs), np.concatenate(scores), np.concatenate(tiers)
        order = np.argsort(docs, kind="stable")
        return docs[order], scores[order], tiers[order]

    def _coincidental(self, u: Understanding, sets, matched: np.ndarray) -> bool:
        """True when the straightforward search would answer that no lesson matches two of the
        question's topic words (`search._coincidental`): it says so itself."""
        topics = [k for k, c in enumerate(u.concepts) if not c.place]
        if len(topics) + len(u.unknown) < COINCIDENCE_WORDS:
            return False
        return not any((sets[i] & sets[j] & matched).any() for i, j in combinations(topics, 2))


def _lookup(docs: np.ndarray, values: np.ndarray, cands: np.ndarray, compiled: bool = False) -> np.ndarray:
    """The value of each of the sorted `cands` in a sorted posting list, 0 where absent: galloping
    along the list in compiled code for an index the kernels built (`passes.values_at`, 40 % quicker
    at 100,000 lessons), numpy's sorted search for a small one, which never loads numba."""
    if compiled:
        from . import passes

        found = np.empty(len(cands), dtype=values.dtype)
        passes.values_at(docs, values, cands, found)
        return found
    if not len(docs):
        return np.zeros(len(cands), dtype=np.float32)
    at = np.minimum(np.searchsorted(docs, cands), len(docs) - 1)
    return np.where(docs[at] == cands, values[at], np.float32(0))
