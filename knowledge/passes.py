"""The per-lesson loops a question runs on a large index, compiled with numba: the proximity
bonus's reading of the leaders' words, scoring in place, a phrase's two words intersected as
bits, the shortcut's look-ups and walks over bitsets, the facet counts of a match set (the shown
lessons' sentences: `sentences.py`).

Most replace numpy passes that made corpus-long copies (a gather, a scatter, a bincount's
temporaries), with the same float operations in the same order, so answers do not change. The full
scoring's callers keep the numpy way for a small index (`index.InvertedIndex.compiled` is False),
which never loads numba, and tests compare the two ways; the shortcut's walks and the bitset facet
counts run on a large index only (the shortcut from 30,000 lessons), and tests compare the
shortcut's answers with the full scoring's. Cached next to this file like `kernels.py`.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def near_pairs(stream, stream_field, stream_start, docs, terms, terms_start, reach, out):  # pragma: no cover
    """For each lesson `docs[i]`, how many neighbouring concepts (k and k + 1) stand within `reach`
    words of each other in one field of its token stream, into `out[i]` (`proximity.together`).
    Concept k's term ids are `terms[terms_start[k]:terms_start[k + 1]]`; at most 63 concepts (each
    token's concepts are one bit mask, and so are the pairs found near)."""
    k = terms_start.shape[0] - 1
    one = np.uint64(1)
    pairs = (one << np.uint64(max(k - 1, 0))) - one
    longest = 0
    for i in range(docs.shape[0]):
        longest = max(longest, stream_start[docs[i] + 1] - stream_start[docs[i]])
    mask = np.zeros(longest, np.uint64)
    # A filter of 4,096 bits, one set by each term id's low 12 bits: most words of a lesson are in
    # no concept, and one look in it tells so.
    seen = np.zeros(64, np.uint64)
    for j in range(terms.shape[0]):
        seen[(terms[j] & 4095) >> 6] |= one << np.uint64(terms[j] & 63)
    for i in range(docs.shape[0]):
        lo, hi = stream_start[docs[i]], stream_start[docs[i] + 1]
        for p in range(lo, hi):
            token, m = stream[p], np.uint64(0)
            if not (seen[(token & 4095) >> 6] >> np.uint64(token & 63)) & one:
                mask[p - lo] = m
                continue
            for c in range(k):
                for j in range(terms_start[c], terms_start[c + 1]):
                    if terms[j] == token:
                        m |= one << np.uint64(c)
                        break
            mask[p - lo] = m
        near = np.uint64(0)
        for gap in range(1, reach + 1):
            for p in range(hi - lo - gap):
                a, b = mask[p], mask[p + gap]
                if a and b and stream_field[lo + p] == stream_field[lo + p + gap]:
                    near |= (a & (b >> one)) | (b & (a >> one))  # bit c: concepts c and c + 1, either way round
        out[i] = _popcount(near & pairs)


def _lowest_bit_table() -> np.ndarray:
    """Which bit a de Bruijn product names: the lowest set bit of a word in three operations."""
    table = np.zeros(64, np.int64)
    for bit in range(64):
        table[((1 << bit) * 0x03F79D71B4CB0A89 & 0xFFFFFFFFFFFFFFFF) >> 58] = bit
    table.flags.writeable = False
    return table


_DE_BRUIJN = np.uint64(0x03F79D71B4CB0A89)
_LOWEST_BIT = _lowest_bit_table()


@njit(cache=True, inline="always")
def _bit_of(low):  # pragma: no cover - compiled
    """Which bit of its word the single set bit `low` is (by its de Bruijn product)."""
    return _LOWEST_BIT[(low * _DE_BRUIJN) >> np.uint64(58)]


@njit(cache=True, nogil=True)
def combination_counts(bits, combo, counts, others):  # pragma: no cover - compiled
    """Add 1 to `counts[combo[d]]` for each lesson d of the bitset `bits` (of the lessons it does
    not hold, when `others`: fewer, for a set of more than half), visiting only those bits (the
    lowest of a word named by its de Bruijn product) (`facets.Facet.counts_of`)."""
    one = np.uint64(1)
    n = combo.shape[0]
    for word in range(bits.shape[0]):
        x = bits[word]
        base = word << 6
        if others:
            x = ~x
            if n - base < 64:  # the last word: no lesson past the end
                x &= (one << np.uint64(n - base)) - one
        while x:
            low = x & (~x + one)
            counts[combo[base + _bit_of(low)]] += 1
            x ^= low


@njit(cache=True, nogil=True)
def add_postings(docs, values, weight, cover, total):  # pragma: no cover - compiled
    """One concept's postings into every lesson's coverage (`weight`) and score sum (`values`, as
    float64), as `coverage.sums` adds them with `np.bincount`."""
    for i in range(docs.shape[0]):
        cover[docs[i]] += weight
        total[docs[i]] += values[i]


@njit(cache=True, nogil=True)
def add_dense(best, weight, cover, total):  # pragma: no cover - compiled
    """A concept given as every lesson's score (`best`, 0 where it is absent) into coverage and sums."""
    for d in range(best.shape[0]):
        if best[d] > 0:
            cover[d] += weight
        total[d] += best[d]


@njit(cache=True, nogil=True, error_model="numpy")  # a division by 0 gives inf or nan, as numpy's
def cover_scores(matched, total, cover, whole, power, out):  # pragma: no cover - compiled
    """`out[i]`: lesson `matched[i]`'s score sum as float32, times its share of the question's
    weight to the `power` (`rank.Ranker.score`), in one pass over the matched lessons. The powers
    numpy computes its own way (2: a square, 1, 0.5: a square root, 0, -1: a reciprocal) are computed that way too,
    so the floats are numpy's; any other goes through `pow` as numpy's does."""
    for i in range(matched.shape[0]):
        d = matched[i]
        share = cover[d] / whole
        if power == 2.0:
            factor = share * share
        elif power == 1.0:
            factor = share
        elif power == 0.5:
            factor = np.sqrt(share)
        elif power == 0.0:
            factor = 1.0
        elif power == -1.0:
            factor = 1.0 / share
        else:
            factor = share ** power
        out[i] = np.float64(np.float32(total[d])) * factor


@njit(cache=True, nogil=True)
def best_of(docs, impacts, certainty, best):  # pragma: no cover - compiled
    """`best[d]` becomes the larger of itself and the float32 `impacts * certainty` of each posting
    (`rank.Ranker._concept_scores`: a concept's best alternative in each lesson)."""
    for i in range(docs.shape[0]):  # no branch: a larger value is as likely as not past the first list
        d = docs[i]
        best[d] = max(best[d], impacts[i] * certainty)


@njit(cache=True, nogil=True)
def best_and_firm(docs, impacts, fields, certainty, only, best, firm):  # pragma: no cover - compiled
    """`best_of`, and `mark_beyond` (`only`, `firm`) of the same postings, read once."""
    for i in range(docs.shape[0]):  # branchless: 591 -> 387 us for a thesaurus concept of 4 lists at 100k
        d = docs[i]
        best[d] = max(best[d], impacts[i] * certainty)
        firm[d] |= fields[i] != only


@njit(cache=True, nogil=True)
def mark_beyond(docs, fields, only, marked):  # pragma: no cover - compiled
    """Mark each posting's lesson that holds the term in a field other than `only` (a field bit)."""
    for i in range(docs.shape[0]):
        marked[docs[i]] |= fields[i] != only


@njit(cache=True, inline="always")
def _popcount(x):  # pragma: no cover - compiled
    """How many bits of the uint64 `x` are set (LLVM turns this into one instruction where it can)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def phrase_pair(a, a_impacts, a_fields, b, b_impacts, b_fields, together, apart):  # pragma: no cover
    """A two-word alternative from both words' postings and the lessons where they stand together:
    (the lessons holding both, their mean impact as float32, times `apart` where the words never
    stand together, their fields' bits), as `rank.Ranker._phrase_alternative` computes them.

    Each list is packed into bits, the two are intersected word by word, and a shared lesson's
    place in each list is the count of that list's lessons before it (the words before, plus the
    bits below in its word): no comparison per posting that a merge would mispredict (367 -> 202
    us a phrase at 100,000 lessons)."""
    one = np.uint64(1)
    size = min(a.shape[0], b.shape[0])
    docs, scores, fields = np.empty(size, np.int32), np.empty(size, np.float32), np.empty(size, np.int16)
    if size == 0:
        return docs, scores, fields
    words = (max(a[-1], b[-1]) >> 6) + 1  # every lesson of both lists (sorted) has its bit
    a_bits, b_bits = np.zeros(words, np.uint64), np.zeros(words, np.uint64)
    bits_of(a, a_bits)
    bits_of(b, b_bits)
    a_before = b_before = k = t = 0
    for word in range(words):
        a_word, b_word = a_bits[word], b_bits[word]
        x = a_word & b_word
        while x:
            low = x & (~x + one)
            i = a_before + _popcount(a_word & (low - one))
            j = b_before + _popcount(b_word & (low - one))
            doc = (word << 6) + _bit_of(low)
            score = np.float32((np.float64(a_impacts[i]) + np.float64(b_impacts[j])) / 2.0)
            while t < together.shape[0] and together[t] < doc:
                t += 1
            if t == together.shape[0] or together[t] != doc:
                score = score * apart
            docs[k], scores[k], fields[k] = doc, score, a_fields[i] | b_fields[j]
            k += 1
            x ^= low
        a_before += _popcount(a_word)
        b_before += _popcount(b_word)
    return docs[:k], scores[:k], fields[:k]


@njit(cache=True, nogil=True)
def values_at(docs, values, cands, out):  # pragma: no cover - compiled
    """`out[i]`: the value of the sorted `cands[i]` in the sorted posting list (`docs`, `values`), 0
    where absent; each found by galloping on from where the last was, so a few candidates in a long
    list cost a few steps each (`shortcut._lookup`, as numpy's searchsorted and compare)."""
    n = docs.shape[0]
    lo = 0
    for i in range(cands.shape[0]):
        cand = cands[i]
        hi, step = lo, 1
        while hi < n and docs[hi] < cand:  # gallop: the answer lies in [lo, hi]
            lo = hi + 1
            hi += step
            step <<= 1
        hi = min(hi, n)
        while lo < hi:
            mid = (lo + hi) >> 1
            if docs[mid] < cand:
                lo = mid + 1
            else:
                hi = mid
        out[i] = values[lo] if lo < n and docs[lo] == cand else 0


@njit(cache=True, inline="always")
def _worse(score_a, doc_a, score_b, doc_b):  # pragma: no cover - compiled
    """True when lesson a ranks below lesson b: a lower score, or the same score and a later lesson."""
    return score_a < score_b or (score_a == score_b and doc_a > doc_b)


@njit(cache=True, inline="always")
def _keep(doc, score, kept, docs, scores):  # pragma: no cover - compiled
    """Offer one lesson to the min-heap of the best `len(docs)` kept (the worst on top: the lower
    score, or on a tie the later lesson, so the earlier one wins a tie, as the final order has it);
    returns how many are kept. A lesson that does not beat the worst kept costs one comparison."""
    r = docs.shape[0]
    if kept < r:  # fill the heap, sifting the newcomer up
        i = kept
        while i > 0 and _worse(score, doc, scores[(i - 1) // 2], docs[(i - 1) // 2]):
            scores[i], docs[i] = scores[(i - 1) // 2], docs[(i - 1) // 2]
            i = (i - 1) // 2
        scores[i], docs[i] = score, doc
        return kept + 1
    if _worse(scores[0], docs[0], score, doc):  # replace the worst kept, sifting down
        i = 0
        while True:
            child = 2 * i + 1
            if child >= r:
                break
            if child + 1 < r and _worse(scores[child + 1], docs[child + 1], scores[child], docs[child]):
                child += 1
            if not _worse(scores[child], docs[child], score, doc):
                break
            scores[i], docs[i] = scores[child], docs[child]
            i = child
        scores[i], docs[i] = score, doc
    return kept


@njit(cache=True, inline="always")
def _pattern_and_sum(held, low, below, sparse, place, scale, impacts):  # pragma: no cover - compiled
    """(the pattern of the lesson whose bit is `low` in the current word, the float64 sum of its
    sparse concepts' values in order), for `best_in_set`."""
    p = 0
    total = 0.0
    for c in range(held.shape[0]):
        if held[c] & low:
            p |= 1 << c
            j = sparse[c]
            if j >= 0:
                total += np.float64(impacts[place[c] + _popcount(held[c] & below)] * scale[j])
    return p, total


@njit(cache=True, nogil=True)
def best_in_set(bits, sets, sparse, first, scale, impacts, dense, factor, docs, scores):  # pragma: no cover
    """The best `len(docs)` lessons of the bitset `bits`, into `docs` and `scores` in no order;
    returns how many (fewer when the set is smaller). Of equal scores at the cut, the earliest are
    kept (`topk.dense_best`).

    A lesson's score is `Ranker.score`'s: the float64 sum of its concepts' values, the sparse ones
    in order then the rows of `dense` (float32, corpus-long), as float32, times the `factor` of its
    pattern (bit c: the bitset `sets[c]` holds it). Concept c is sparse when `sparse[c]` = j >= 0:
    its postings start at `first[j]` in the index's `impacts`, its values are those times
    `scale[j]` (float32), and a lesson's posting is the one after as many as the concept has lessons
    before it: the lessons of the words before (counted as the walk goes), plus the bits below in
    its word. So only the set's lessons are read, with no corpus-long sum to clear and scatter into."""
    one = np.uint64(1)
    k, words = sets.shape
    place = np.zeros(k, np.int64)  # where each sparse concept's postings of the current word start
    for c in range(k):
        if sparse[c] >= 0:
            place[c] = first[sparse[c]]
    held = np.zeros(k, np.uint64)  # each concept's bits of the current word
    kept = 0
    for word in range(words):
        x = bits[word]
        if x:
            for c in range(k):
                held[c] = sets[c, word]
        while x:
            low = x & (~x + one)
            below = low - one
            doc = (word << 6) + _bit_of(low)
            x ^= low
            p, total = _pattern_and_sum(held, low, below, sparse, place, scale, impacts)
            for row in range(dense.shape[0]):
                total += np.float64(dense[row, doc])
            kept = _keep(doc, np.float64(np.float32(total)) * factor[p], kept, docs, scores)
        for c in range(k):
            if sparse[c] >= 0:
                place[c] += _popcount(sets[c, word])
    return kept


@njit(cache=True, nogil=True)
def shared_counts(rows, bits, counts):  # pragma: no cover - compiled
    """`counts[v]`: how many lessons the bitset `bits` shares with the bitset `rows[v]` (a facet's
    value: `facets.Facets.counts_of`), word by word, with no temporaries as long as `rows`."""
    for v in range(rows.shape[0]):
        count = 0
        for word in range(bits.shape[0]):
            count += _popcount(rows[v, word] & bits[word])
        counts[v] = count


@njit(cache=True, nogil=True)
def bits_of(docs, bits):  # pragma: no cover - compiled
    """Set the bit of each lesson of `docs` in `bits` (`bitsets.py`'s layout: lesson d is bit d % 64
    of word d // 64). Any order; sorted lessons (postings, a match set) are packed a word at a
    time, not one read-modify-write each (65 -> 45 us for 50,000 of 100,000 lessons)."""
    one = np.uint64(1)
    i, n = 0, docs.shape[0]
    while i < n:  # a word's bits gathered while the lessons stay in it, then stored once
        word = docs[i] >> 6
        gathered = np.uint64(0)
        while i < n and docs[i] >> 6 == word:
            gathered |= one << np.uint64(docs[i] & 63)
            i += 1
        bits[word] |= gathered


@njit(cache=True, nogil=True)
def spread(per_combo, bounds, combo_value, counts):  # pragma: no cover - compiled
    """Each combination's count onto its values (`combo_value[bounds[c]:bounds[c + 1]]`): the
    counts of a facet's values from its combinations' (`facets.Facet.counts_of`)."""
    for c in range(per_combo.shape[0]):
        if per_combo[c]:
            for j in range(bounds[c], bounds[c + 1]):
                counts[combo_value[j]] += per_combo[c]
