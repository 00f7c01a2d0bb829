"""Ranking: score every lesson against the understood concepts, keep those that cover enough of
them, and order the leaders.

`Ranker.score` adds each concept's BM25F impacts from the inverted index and scales each lesson's
sum by the share of the query's concepts it covers (rarer words weigh more); `Ranker.rank` takes
the top of that, adds the proximity bonus to the leaders, puts the higher tiers first and folds
near-duplicates (or, when asked, the other lessons of an evaluation) into the hit they repeat.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from . import coverage, proximity
from .index import FIELDS, InvertedIndex, field_bit, idf_of
from .membership import within, within_at
from .options import SearchOptions
from .phrases import lessons_with
from .understand import Concept, Understanding

#: How much of a concept a lesson covers, for the question's topic, when the lesson holds it only
#: loosely: in its category, the broad group it is filed under ("Child labour, forced labour, human
#: trafficking and slavery"), which says where a lesson belongs, not that it treats each topic the
#: group names; or as a phrase ("forced labour") whose words stand apart ("forced to sell ... labour").
LOOSE_CREDIT = 0.4
#: The score of a phrase whose words a lesson holds apart, as a share of the score together.
APART = 0.5
#: The least and the most a caller's boost (e.g. from people's feedback) may multiply a lesson's score by:
#: enough to reorder close neighbours, never to lift a lesson past the tiers the question asks for.
BOOST_LIMITS = (0.8, 1.25)


class Scored(NamedTuple):
    """The lessons that match (sorted), their scores, each concept's matching lessons (sorted
    lesson numbers, or a corpus-long array of scores), and the share of the question's topic (all
    but its places) each matched lesson covers."""

    matched: np.ndarray
    scores: np.ndarray
    concept_hits: list[np.ndarray]
    topic_share: np.ndarray
    #: For a question about one part of a lesson (its intent), the share of the topic that part holds.
    asked: np.ndarray | None = None

    def keep(self, mask: np.ndarray) -> Scored:
        """Only the matched lessons `mask` keeps."""
        return Scored(self.matched[mask], self.scores[mask], self.concept_hits, self.topic_share[mask],
                      None if self.asked is None else self.asked[mask])

    def boosted(self, factors: Mapping[int, float]) -> Scored:
        """Scores of the matched lessons named in `factors` (lesson number -> factor) multiplied by their
        factor, each held within `BOOST_LIMITS`; a lesson that does not match is never added."""
        if not factors or not len(self.matched):
            return self
        docs = np.fromiter(factors, dtype=self.matched.dtype, count=len(factors))
        at = np.minimum(np.searchsorted(self.matched, docs), len(self.matched) - 1)
        found = self.matched[at] == docs
        low, high = BOOST_LIMITS
        scale = np.ones(len(self.matched), dtype=np.float64)
        scale[at[found]] = np.clip([factors[int(d)] for d in docs[found]], low, high)
        return Scored(self.matched, (self.scores * scale).astype(self.scores.dtype), self.concept_hits,
                      self.topic_share, self.asked)


class Lent(NamedTuple):
    """Words lent to a question (pseudo-relevance feedback): each lesson's extra score and coverage."""

    words: tuple[str, ...]
    score: np.ndarray
    cover: np.ndarray


class Sums(NamedTuple):
    """Every lesson's coverage and BM25F sum for a question, before its cut (`Ranker.sums`)."""

    cover: np.ndarray
    total: np.ndarray
    #: Each concept's lessons (sorted), or its corpus-long scores.
    concept_hits: list[np.ndarray]
    weights: list[float]
    #: The named places' (lessons, weight).
    places: list[tuple[np.ndarray, float]]
    #: The weight of the question each lesson's asked-for field holds (None: no intent).
    intent: np.ndarray | None
    #: Per concept, the lessons holding it beyond the category (`_loose`), marked as its scores were
    #: read; None where not marked.
    firm: list[np.ndarray | None]


class Ranked(NamedTuple):
    """The leaders best first as (lesson, score), the total, and the lessons folded into each."""

    leaders: list[tuple[int, float]]
    total: int
    grouped: dict[int, list[int]]


class Ranker:
    """Scores and orders lessons for understood queries over one index."""

    def __init__(self, index: InvertedIndex, options: SearchOptions, evaluation: np.ndarray) -> None:
        self.index = index
        self.options = options
        self.evaluation = evaluation
        self.n = index.n_docs
        #: Each term's lessons that hold it in their category only (`_category_only`), and each
        #: phrase's lessons that hold its words together (`_together`), as first asked.
        self._category_only_of: dict[int, np.ndarray] = {}
        self._together_of: dict[tuple[int, ...], np.ndarray] = {}

    # -- scoring ------------------------------------------------------------------------------

    def sums(self, u: Understanding) -> Sums:
        """Every lesson's coverage of the concepts and BM25F sum, with what `score` needs besides.

        The postings of one-word concepts go into the sum and coverage (`coverage.py`: two
        `np.bincount`s for a small index, compiled passes for a large one); a concept with
        alternatives (thesaurus, phrases) is already a corpus-long array of its best alternative
        per lesson, and is added as it is. A question that borrows words (`expansion.lend`) is
        scored twice on the same sums.
        """
        n = self.n
        concept_hits, values, dense, places = [], [], [], []
        intent = np.zeros(n, dtype=np.float32) if u.intent else None
        bit = field_bit(u.intent) if u.intent else 0
        weights = self.weights(u.concepts)
        firms: list[np.ndarray | None] = []
        for concept, weight in zip(u.concepts, weights, strict=True):
            # A large index marks where a topic of alternatives stands firmly as it reads their postings.
            several = len(concept.alternatives) > 1 or len(concept.alternatives[0][0]) > 1
            firm = np.zeros(n, dtype=bool) if self.index.compiled and several and not concept.place \
                and self.may_hold_loosely(concept) else None
            docs, scores = self._concept_scores(concept, intent, bit, weight, firm)
            firms.append(firm)
            concept_hits.append(scores if docs is None else docs)
            if docs is None:
                dense.append((scores, weight))
            else:
                values.append((docs, scores, weight))
            if concept.place:
                places.append((docs if docs is not None else np.flatnonzero(scores), weight))
        cover, total = (coverage.compiled_sums if self.index.compiled else coverage.sums)(values, dense, n)
        return Sums(cover, total, concept_hits, weights, places, intent, firms)

    def score(self, u: Understanding, allowed: np.ndarray | None, lent: Lent | None = None,
              sums: Sums | None = None) -> Scored:
        """The lessons covering enough of the concepts (within `allowed`), scored, before ranking,
        from `sums` (`self.sums(u)` when not given). Words `lent` to the question add their score,
        and coverage up to what a lesson needs."""
        n = self.n
        cover, total, concept_hits, weights, places, intent, firms = sums or self.sums(u)
        if lent is not None:
            total = total + lent.score
            cover = cover + np.minimum(lent.cover, self.options.min_coverage * (sum(weights) or 1.0))
        whole = sum(weights) + self._unknown_weight(u, weights)
        ok = cover >= (self.options.min_coverage - 1e-6) * whole
        if allowed is not None:
            ok &= allowed
        matched = np.flatnonzero(ok)
        power = self.options.coverage_power
        if self.index.compiled:  # one compiled pass, no corpus-long temporaries
            from . import passes

            scores = np.empty(len(matched))
            passes.cover_scores(matched, total, cover, whole, float(power), scores)
        elif 4 * len(matched) > n:  # most lessons: whole-array arithmetic, then one gather
            scores = (total.astype(np.float32) * (cover / whole) ** power)[matched]
        else:
            scores = total[matched].astype(np.float32) * (cover[matched] / whole) ** power
        topic = self._topic(u, cover, places, weights, concept_hits, firms)
        topic_whole = whole - sum(w for _, w in places)
        share = topic[matched] / topic_whole if topic_whole > 0 else np.zeros(len(matched))
        asked = None
        if intent is not None:  # the share of the question the field it asks for answers
            asked = np.minimum(intent[matched] / max(topic_whole, 1e-9), 1.0)
            scores = scores * (1.0 + self.options.intent_bonus * asked)
        return Scored(matched, scores, concept_hits, share, asked)

    def _topic(self, u: Understanding, cover: np.ndarray, places: list, weights: list[float],
               concept_hits: list[np.ndarray], firms: list[np.ndarray | None]) -> np.ndarray:
        """What each lesson matches of the question but its place, a topic it holds only loosely
        counting in part: `cover` itself (not copied) when no lesson is either."""
        # the places first, then each topic in the question's order: the subtractions numpy made
        adjustments = list(places) + [(self._loose(c, h, f), (1.0 - LOOSE_CREDIT) * w) for c, w, h, f
                                      in zip(u.concepts, weights, concept_hits, firms, strict=True) if not c.place]
        topic = cover
        for docs, weight in adjustments:
            if len(docs):
                topic = cover.copy() if topic is cover else topic
                topic[docs] -= weight
        return topic

    def weights(self, concepts: list[Concept]) -> list[float]:
        """How much each concept counts towards a lesson's coverage: its rarest alternative's idf.

        A guessed word (a typo correction) never counts for more than the words typed correctly:
        a rare correction must not decide the ranking. It counts no less either: a typo must not
        let lessons that miss the word meant through the coverage cut (its score, not its
        coverage, is lowered by how unsure the correction is).
        """
        idf = self.index.idf
        weights = [max(max(float(idf[term]) for ids, _ in c.alternatives for term in ids), 0.1) for c in concepts]
        sure = [w for w, c in zip(weights, concepts, strict=True) if c.certainty >= 1.0]
        ceiling = max(sure) if sure else float("inf")
        return [w if c.certainty >= 1.0 else min(w, ceiling)
                for w, c in zip(weights, concepts, strict=True)]

    def _unknown_weight(self, u: Understanding, weights: list[float]) -> float:
        """What the words no lesson has weigh against every lesson's coverage: a word typed in
        capitals or with digits (a name, an acronym, "C190") as the rarest of all; any other as an
        average one, whether a plain English word (the lessons may well say it in other words) or
        a typo that no correction reached (it may be a lesson's word)."""
        rarest = idf_of(self.n, 0)
        average = sum(weights) / len(weights) if weights else rarest
        return u.unknown_names * rarest + (len(u.unknown) - u.unknown_names) * average

    def _concept_scores(self, concept: Concept, intent: np.ndarray | None, bit: int, weight: float,
                        firm: np.ndarray | None = None):
        """(lessons, score) of one concept; (None, a corpus-long array of the best alternative's score
        in each lesson, 0 where none) for a concept of several alternatives or a phrase. Adds the
        concept's `weight` to `intent` for the lessons whose asked-for field holds it, and marks in
        `firm` (compiled, when given) the lessons holding it beyond the category, as `_loose` would."""
        if len(concept.alternatives) == 1 and len(concept.alternatives[0][0]) == 1:
            (term,), certainty = concept.alternatives[0]
            docs, impacts, fields = self.index.postings(term)
            if intent is not None:
                intent[docs[(fields & bit) != 0]] += weight
            return docs, impacts if certainty == 1.0 else impacts * np.float32(certainty)  # x * 1 is x: no copy
        best = np.zeros(self.n, dtype=np.float32)
        in_field = np.zeros(self.n, dtype=bool) if intent is not None else None
        for i, (ids, certainty) in enumerate(concept.alternatives):
            if len(ids) == 1:
                docs, impacts, fields = self.index.postings(ids[0])
            else:
                docs, impacts, fields = self._phrase_alternative(ids)
            if self.index.compiled:  # one compiled pass: no gathered and scattered copies
                from . import passes

                if firm is not None and len(ids) == 1:  # where it stands firmly, in the same pass
                    passes.best_and_firm(docs, impacts, fields, np.float32(certainty), field_bit("category"), best,
                                         firm)
                else:
                    passes.best_of(docs, impacts, np.float32(certainty), best)
                if firm is not None and len(ids) > 1:
                    firm[self._together(ids)] = True
            elif i == 0:  # nothing to compare with yet: one scatter, no gather
                best[docs] = impacts * np.float32(certainty)
            else:
                values = best[docs]
                np.maximum(values, impacts * np.float32(certainty), out=values)
                best[docs] = values
            if in_field is not None:
                in_field[docs[(fields & bit) != 0]] = True
        if intent is not None:
            intent += in_field * np.float32(weight)
        return None, best

    def _loose(self, concept: Concept, hits: np.ndarray, firm: np.ndarray | None = None) -> np.ndarray:
        """The lessons that hold `concept` only loosely: in their category alone, or as a phrase
        whose words never stand together outside it. `hits` is the concept's matching lessons
        (sorted), or a corpus-long array of its scores; `firm`, where the concept stands beyond
        the category when `_concept_scores` marked it."""
        if hits.dtype.kind != "f":  # one word: its few category-only lessons, read once
            return self._category_only(concept.alternatives[0][0][0])
        if not self.may_hold_loosely(concept):  # told without reading a corpus-long array
            return np.zeros(0, dtype=np.intp)
        if firm is not None:
            return np.flatnonzero((hits > 0) & ~firm)
        firm = np.zeros(self.n, dtype=bool)
        for ids, _ in concept.alternatives:
            if len(ids) == 1:
                docs, _, fields = self.index.postings(ids[0])
                if self.index.compiled:
                    from . import passes

                    passes.mark_beyond(docs, fields, field_bit("category"), firm)
                else:
                    firm[docs[fields != field_bit("category")]] = True
            else:
                firm[self._together(ids)] = True
        return np.flatnonzero((hits > 0) & ~firm)

    def may_hold_loosely(self, concept: Concept) -> bool:
        """False when no lesson can hold `concept` loosely (`_loose` finds none), told without reading
        its scores: none of its words stands in some lesson's category alone, and it has no phrase."""
        return any(len(ids) > 1 or len(self._category_only(ids[0])) for ids, _ in concept.alternatives)

    def _together(self, ids: tuple[int, ...]) -> np.ndarray:
        """The lessons (sorted) in which a phrase's words stand together in a field other than the
        category; one pass over the token stream, on a phrase's first use."""
        found = self._together_of.get(ids)
        if found is None:
            found = self._together_of[ids] = lessons_with(self.index, ids, FIELDS.index("category"))
        return found

    def _category_only(self, term: int) -> np.ndarray:
        """The lessons (sorted) that hold `term` in their category and in no other field."""
        found = self._category_only_of.get(term)
        if found is None:
            docs, _, fields = self.index.postings(term)
            found = self._category_only_of[term] = docs[fields == field_bit("category")]
        return found

    def _phrase_alternative(self, ids: tuple[int, ...]):
        """A multi-word alternative: lessons with most of its words, scored by their mean impact."""
        n = self.n
        parts = [self.index.postings(t) for t in ids]
        if len(parts) == 2:  # both words needed: look the shorter list up in the longer one
            (a, a_impacts, a_fields), (b, b_impacts, b_fields) = sorted(parts, key=lambda p: len(p[0]))
            if self.index.compiled:  # both lists intersected as bits, in one compiled pass
                from . import passes

                return passes.phrase_pair(a, a_impacts, a_fields, b, b_impacts, b_fields,
                                          self._together(ids), np.float32(APART))
            at = within_at(a, b)
            both = at >= 0
            at = at[both]
            sums = a_impacts[both].astype(np.float64) + b_impacts[at]
            docs, scores = a[both], (sums / 2).astype(np.float32)
            scores[~within(docs, self._together(ids))] *= np.float32(APART)
            return docs, scores, a_fields[both] | b_fields[at]
        docs = np.concatenate([p[0] for p in parts])
        counts = np.bincount(docs, minlength=n)
        keep = np.flatnonzero(counts * 2 > len(ids)).astype(np.int32)
        sums = np.bincount(docs, weights=np.concatenate([p[1] for p in parts]), minlength=n)[keep]
        fields = np.zeros(n, dtype=np.int16)
        for part_docs, _, part_fields in parts:  # a word lists a lesson once: plain |= is exact
            fields[part_docs] |= part_fields
        counts = counts[keep]
        complete = (counts / len(ids)) ** 2
        scores = (sums / len(ids) * complete).astype(np.float32)
        scores[~within(keep, self._together(ids))] *= np.float32(APART)
        return keep, scores, fields[keep]

    # -- ordering -----------------------------------------------------------------------------

    def rank(self, matched: np.ndarray, scores: np.ndarray, concepts: list[Concept], tiers: np.ndarray,
             wanted: int, group: bool | None = None) -> Ranked:
        """The leaders down to `wanted`, best first, the higher `tiers` (one per matched lesson) ahead;
        one per evaluation when `group` (None: `options.group_by_evaluation`)."""
        by_evaluation = self.options.group_by_evaluation if group is None else group
        key = scores + tiers * (float(scores.max()) + 1.0) if tiers.any() else scores
        depth = min(len(matched), max(50, 3 * wanted))
        top = np.sort(_top(key, depth))  # in lesson order: ties then go the same way however found
        docs, top_scores, tiers = matched[top], scores[top], tiers[top]
        if len(concepts) > 1 and self.options.proximity_bonus:
            # Only the leaders can move up a page, so only they are read word by word.
            lead = np.argsort(-top_scores, kind="stable")[:max(20, wanted + 10)]
            top_scores = top_scores.copy()
            near = proximity.together(self.index, docs[lead], concepts)
            top_scores[lead] *= 1.0 + self.options.proximity_bonus * near
        order = np.lexsort((docs, -top_scores, -tiers.astype(np.int16)))
        docs, top_scores = docs[order], top_scores[order]
        # A duplicate counts only when its original is not matched too (`matched` is sorted).
        total = len(matched) - self.index.repeated(lambda docs: within(docs, matched))
        groups = (self.evaluation if by_evaluation else self.index.duplicate_of)[docs]
        # The first of each group leads it, the others are grouped under it (a few dozen lessons:
        # Python's lists are quicker here than numpy's unique and masks).
        leaders: dict[int, int] = {}
        kept: list[tuple[int, float]] = []
        grouped: dict[int, list[int]] = {}
        for g, d, score in zip(groups.tolist(), docs.tolist(), top_scores.tolist(), strict=True):
            leader = leaders.setdefault(g, d)
            if leader == d:
                kept.append((d, score))
            else:
                grouped.setdefault(leader, []).append(d)
        if by_evaluation:
            total = len(np.unique(self.evaluation[matched]))
        return Ranked(kept, total, grouped)


def _top(key: np.ndarray, depth: int) -> np.ndarray:
    """Positions of the `depth` largest keys (any order; all when fewer).

    On a long array, the `depth`-th largest of every 16th key is a floor the true `depth` largest
    all reach, so only the keys above it (about 16 × depth) are partitioned.
    """
    if depth >= len(key):
        return np.arange(len(key))
    if len(key) >= 64 * depth:
        sample = key[::16]
        floor = np.partition(sample, len(sample) - depth)[len(sample) - depth]
        above = np.flatnonzero(key >= floor)
        return above[np.argpartition(-key[above], depth - 1)[:depth]]
    return np.argpartition(-key, depth - 1)[:depth]
