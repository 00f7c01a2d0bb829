"""Words lent to a question by its best lessons (pseudo-relevance feedback, as RM3 does).

A question in other words than the lessons' ("livestock keepers" for herders) finds few lessons.
The first pass's best lessons that match all of the question's topic then lend their most telling
words (frequent in them, rare in the corpus), at a fraction of the question's weight, and a
second pass finds the lessons that say the same in those words. Lessons found only that way come
after every lesson the first pass found: lent words never outrank the words typed, and the answer
names them (`Answer.expanded`).
"""
from __future__ import annotations

from collections import Counter
from itertools import islice

import numpy as np

from .index import InvertedIndex
from .membership import within
from .options import SearchOptions
from .rank import Lent, Ranker, Scored
from .understand import Understanding

#: How many of the first pass's best lessons lend words.
LENDERS = 3
#: The largest share of the lessons a lent word may be in (commoner words tell nothing).
MAX_SHARE = 0.2


def lend(index: InvertedIndex, ranker: Ranker, options: SearchOptions, u: Understanding, found: Scored) -> Lent | None:
    """The words the best of `found` lend to the question, with their score and coverage in every
    lesson; None when there is nothing to lend."""
    topical = [c for c in u.concepts if not c.place]
    if not options.expansion_terms or not topical or not len(found.matched):
        return None
    # Only lessons that match every word of the question's topic lend: lending from partial
    # matches would pull the answer towards the part they match.
    complete = np.ones(len(found.matched), dtype=bool)
    for concept, hits in zip(u.concepts, found.concept_hits, strict=True):
        if not concept.place:
            complete &= hits[found.matched] > 0 if hits.dtype.kind == "f" else within(found.matched, hits)
    lenders = np.flatnonzero(complete)
    if not len(lenders):
        return None
    order = lenders[np.argsort(-found.scores[lenders], kind="stable")[:LENDERS]]
    top = float(found.scores[order[0]]) or 1.0
    asked = {t for c in u.concepts for ids, _ in c.alternatives for t in ids}
    weight: Counter = Counter()
    for doc, score in zip(found.matched[order].tolist(), found.scores[order].tolist(), strict=True):
        stream = index.doc_stream(doc).tolist()
        for term, count in Counter(stream).items():
            weight[term] += count / len(stream) * float(index.idf[term]) * score / top
    n = index.n_docs
    ceiling = max(2, n * MAX_SHARE)
    # Only words lend: a number ("1" of a numbered list, a year) tells nothing of the topic.
    terms = list(islice((t for t, _ in weight.most_common() if t not in asked and 2 <= index.df[t] <= ceiling
                         and index.df[t] < n and not index.spellings(t)[0].isdigit()), options.expansion_terms))
    if not terms:
        return None
    average = sum(ranker.weights(topical)) / len(topical)
    score, cover = np.zeros(n), np.zeros(n)
    for term in terms:
        share = weight[term] / weight[terms[0]] * options.expansion_weight
        docs, impacts, _ = index.postings(term)
        score[docs] += impacts * share
        cover[docs] += share * average
    return Lent(tuple(index.spellings(t)[0] for t in terms), score, cover)


def after(first: Scored, second: Scored) -> Scored:
    """The second pass's matches with the first pass's lessons as they were, and the lessons only
    lent words found scored below all of them."""
    new = ~within(second.matched, first.matched)
    if not new.any():
        return first
    scores, share = second.scores.copy(), second.topic_share.copy()
    scores[~new], share[~new] = first.scores, first.topic_share
    scores[new] *= 0.99 * float(first.scores.min()) / max(float(scores[new].max()), 1e-9)
    asked = None
    if second.asked is not None and first.asked is not None:
        asked = second.asked.copy()
        asked[~new] = first.asked
    return Scored(second.matched, scores, second.concept_hits, share, asked)
