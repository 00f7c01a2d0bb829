"""The index build's per-token loops, compiled with numba: interning raw tokens, building postings,
hashing the spelling index's deletions (a question's own loops are in `passes.py`).

A Python loop or dict lookup per token costs about a second per ten million tokens, and 100k lessons
hold 25 million; these loops run at C speed instead, over plain numpy arrays. They are compiled on
first use and cached next to this file (numba's `cache=True`), so only the first build on a machine
pays the compile (a few seconds). Only an index of `index.WORDWISE_BELOW` lessons or more is built
with them, so a small knowledge base never loads numba.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_SPACE = np.uint8(32)


@njit(cache=True, nogil=True)
def intern_tokens(data, kinds, ends, at, table, hashes, offsets, arena, known, used):  # pragma: no cover
    """Intern the tokens of `data` (UTF-8) from byte `at` on, ids in order of first use.

    Byte c reads as `kinds[c]`: 32 (a space) breaks tokens, anything else is part of one (so a
    table can lower capitals and break on punctuation as it reads). `ends[f]`: where field f's
    bytes end. `table` (open addressing, size a power of two, -1 empty)
    holds ids; id i has hash `hashes[i]` and bytes `arena[offsets[i]:offsets[i + 1]]`; `known` ids
    and `used` arena bytes exist already. Stops early, before a new token would fill `table` past
    half, overflow `hashes` or `arena`: the caller grows them and calls again from the returned byte.
    Returns (token ids, tokens per field, next byte, known, used).
    """
    n = data.shape[0]
    ids = np.empty(max(1, (n - at) // 2 + 1), np.int32)
    per_field = np.zeros(ends.shape[0], np.int32)
    k, f, i = 0, 0, at
    while i < n:
        if kinds[data[i]] == _SPACE:
            i += 1
            continue
        j, h = i, _FNV_OFFSET
        while j < n and kinds[data[j]] != _SPACE:
            h = (h ^ np.uint64(kinds[data[j]])) * _FNV_PRIME
            j += 1
        slot, found = _probe(data, kinds, i, j, h, table, hashes, offsets, arena)
        if found < 0:
            if 2 * (known + 1) > table.shape[0] or known + 2 > hashes.shape[0] or used + (j - i) > arena.shape[0]:
                break
            found = known
            known += 1
            table[slot] = found
            hashes[found] = h
            for q in range(j - i):
                arena[used + q] = kinds[data[i + q]]
            used += j - i
            offsets[known] = used
        while i >= ends[f]:
            f += 1
        per_field[f] += 1
        ids[k] = found
        k += 1
        i = j
    return ids[:k], per_field, i, known, used


@njit(cache=True)
def _probe(data, kinds, i, j, h, table, hashes, offsets, arena):  # pragma: no cover - compiled
    """(slot, id) of the token data[i:j] of hash h in the table; id -1 (and the empty slot) when new."""
    mask = table.shape[0] - 1
    slot = np.int64(h & np.uint64(mask))
    while table[slot] >= 0:
        cand = table[slot]
        if hashes[cand] == h and offsets[cand + 1] - offsets[cand] == j - i:
            base = offsets[cand]
            q = 0
            while q < j - i and arena[base + q] == kinds[data[i + q]]:
                q += 1
            if q == j - i:
                return slot, cand
        slot = (slot + 1) & mask
    return slot, -1


@njit(cache=True, nogil=True)
def prose_digests(data, ends, first_field, n_fields):  # pragma: no cover - compiled
    """A 64-bit FNV-1a hash per lesson of its fields from `first_field` on, joined by newlines,
    ASCII capitals lowered. `data` holds each lesson's `n_fields` fields, field f ending before
    byte `ends[f]` (one separator byte after each field)."""
    n_lessons = ends.shape[0] // n_fields
    out = np.empty(n_lessons, np.uint64)
    for lesson in range(n_lessons):
        h = _FNV_OFFSET
        for f in range(lesson * n_fields + first_field, (lesson + 1) * n_fields):
            if f > lesson * n_fields + first_field:
                h = (h ^ np.uint64(10)) * _FNV_PRIME
            for p in range(ends[f - 1] if f else 0, ends[f] - 1):
                c = data[p]
                if 65 <= c <= 90:
                    c += 32
                h = (h ^ np.uint64(c)) * _FNV_PRIME
        out[lesson] = h
    return out


@njit(cache=True, nogil=True)
def rehash(table_size, hashes, known):  # pragma: no cover - compiled
    """A fresh open-addressing table of `table_size` slots holding ids 0..known-1."""
    table = np.full(table_size, -1, np.int32)
    mask = table_size - 1
    for i in range(known):
        slot = np.int64(hashes[i] & np.uint64(mask))
        while table[slot] >= 0:
            slot = (slot + 1) & mask
        table[slot] = i
    return table


@njit(cache=True, nogil=True)
def expand_tokens(raw_ids, per_field, word_start, word_flat, word_term, word_count, n_fields):  # pragma: no cover
    """Raw tokens → the kept terms of a run of whole lessons, their fields, and each field's length.

    Raw token r stands for words `word_flat[word_start[r]:word_start[r + 1]]`; word w is term
    `word_term[w]` (-1: a stop word, left out). Counts every word met into `word_count`.
    Returns (terms, field of each, kept terms per field of each lesson).
    """
    total = 0
    for r in raw_ids:
        total += word_start[r + 1] - word_start[r]
    terms = np.empty(total, np.int32)
    fields = np.empty(total, np.int8)
    lengths = np.zeros(per_field.shape[0], np.int32)
    k, t = 0, 0
    for slot in range(per_field.shape[0]):
        field = slot % n_fields
        for _ in range(per_field[slot]):
            r = raw_ids[t]
            t += 1
            for p in range(word_start[r], word_start[r + 1]):
                w = word_flat[p]
                word_count[w] += 1
                term = word_term[w]
                if term >= 0:
                    terms[k] = term
                    fields[k] = field
                    k += 1
                    lengths[slot] += 1
    return terms[:k], fields[:k], lengths


@njit(cache=True, nogil=True)
def document_frequencies(stream, stream_start, n_terms):  # pragma: no cover - compiled
    """How many lessons hold each term (int64)."""
    df = np.zeros(n_terms, np.int64)
    last = np.full(n_terms, -1, np.int64)
    for doc in range(stream_start.shape[0] - 1):
        for p in range(stream_start[doc], stream_start[doc + 1]):
            term = stream[p]
            if last[term] != doc:
                last[term] = doc
                df[term] += 1
    return df


@njit(cache=True)
def _numpy_sum(values, n):  # pragma: no cover - compiled
    """values[0] + the rest summed as numpy's add.reduceat sums them (pairwise from 8 on), so the
    impacts come out to the bit as the numpy build made them."""
    if n <= 1:
        return values[0]
    rest = n - 1
    if rest < 8:
        res = 0.0
        for i in range(1, n):
            res += values[i]
        return values[0] + res
    r = values[1:9].copy()
    i = 8
    while i < rest - rest % 8:
        for q in range(8):
            r[q] += values[1 + i + q]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < rest:
        res += values[1 + i]
        i += 1
    return values[0] + res


@njit(cache=True, nogil=True)
def fill_postings(stream, stream_field, stream_start, kept_len, avg_len, weights, idf, start, k1, b,
                  docs, impacts, fields):  # pragma: no cover - compiled
    """Write every (term, lesson) posting into its term's run, lessons in order: the lesson, its
    BM25F impact (field-weighted tf over the length-normalised fields, saturated, times idf) and the
    bit mask of its fields."""
    n_fields = weights.shape[0]
    cursor = start[:-1].copy()
    tf = np.zeros((idf.shape[0], n_fields), np.int32)
    seen = np.full(idf.shape[0], -1, np.int64)
    longest = 1
    for doc in range(stream_start.shape[0] - 1):
        longest = max(longest, stream_start[doc + 1] - stream_start[doc])
    order = np.empty(longest, np.int32)
    parts = np.empty(n_fields, np.float64)
    for doc in range(stream_start.shape[0] - 1):
        m = 0
        for p in range(stream_start[doc], stream_start[doc + 1]):
            term = stream[p]
            if seen[term] != doc:
                seen[term] = doc
                order[m] = term
                m += 1
            tf[term, stream_field[p]] += 1
        for q in range(m):
            term = order[q]
            n, bits = 0, 0
            for f in range(n_fields):
                if tf[term, f]:
                    norm = 1.0 - b + b * kept_len[doc, f] / avg_len[f]
                    parts[n] = weights[f] * tf[term, f] / norm
                    n += 1
                    bits |= 1 << f
                    tf[term, f] = 0
            pseudo = _numpy_sum(parts, n)
            at = cursor[term]
            cursor[term] += 1
            docs[at] = doc
            fields[at] = bits
            impacts[at] = np.float32(np.float64(idf[term]) * pseudo * (k1 + 1) / (k1 + pseudo))


@njit(cache=True, nogil=True)
def impact_order(impacts, start, long, offsets, step, levels, pos_bits, order):  # pragma: no cover - compiled
    """Each long term's postings by falling impact quantum, then by position (`topk.ImpactOrder`):
    for long term k, `order[offsets[k]:offsets[k + 1]]` gets the positions in its postings. One
    term's keys at a time, so the build holds no index-long temporaries."""
    mask = (np.int64(1) << pos_bits) - 1
    for k in range(long.shape[0]):
        lo = start[long[k]]
        n = offsets[k + 1] - offsets[k]
        keys = np.empty(n, np.int64)
        for i in range(n):
            quantum = np.floor(np.float64(impacts[lo + i]) / step)
            if quantum > levels:
                quantum = levels
            keys[i] = ((levels - np.int64(quantum)) << pos_bits) | i
        keys.sort()
        for i in range(n):
            order[offsets[k] + i] = keys[i] & mask


@njit(cache=True, nogil=True)
def deletion_hashes(data, ends, keys):  # pragma: no cover - compiled
    """For each word of `data` (`text.nul_joined`: UTF-8, word k ending before byte `ends[k] - 1`,
    its NUL), the signed 64-bit FNV-1a hash of the word with each of its characters left out in
    turn, into `keys` in order (`spelling.SpellingIndex`; `spelling.fnv` hashes a question's
    variants the same way)."""
    o = 0
    for k in range(ends.shape[0]):
        lo = ends[k - 1] if k else 0
        hi = ends[k] - 1
        p = lo
        while p < hi:
            q = p + 1
            while q < hi and (data[q] & 0xC0) == 0x80:  # the rest of a character's bytes
                q += 1
            h = _FNV_OFFSET
            for i in range(lo, p):
                h = (h ^ np.uint64(data[i])) * _FNV_PRIME
            for i in range(q, hi):
                h = (h ^ np.uint64(data[i])) * _FNV_PRIME
            keys[o] = np.int64(h)
            o += 1
            p = q
