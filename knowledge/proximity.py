"""The proximity bonus's measure: the share of a question's neighbouring concepts that also stand
together (within two words, in one field) in each leading lesson.

Read word by word over the leaders' token streams (stop words left out). An index built by the
compiled kernels (`kernels.py`, from `index.WORDWISE_BELOW` lessons) is read in one compiled pass,
about 7 times quicker than numpy's dozen passes over the leaders' concatenated streams; a smaller
one with numpy, so a small knowledge base never loads numba. Both give the same shares (a test).
"""
from __future__ import annotations

from itertools import accumulate, pairwise

import numpy as np

from .index import InvertedIndex
from .understand import Concept

#: Two concepts stand together when at most this many words apart (1: side by side).
REACH = 2
#: The compiled pass keeps each word's concepts in a 64-bit mask.
MOST_COMPILED = 63


def together(index: InvertedIndex, docs: np.ndarray, concepts: list[Concept]) -> np.ndarray:
    """For each of `docs`, the share of neighbouring `concepts` (in the question's order) that
    stand within `REACH` words of each other in one field of the lesson."""
    if index.compiled and len(concepts) <= MOST_COMPILED:
        return compiled(index, docs, concepts)
    return with_numpy(index, docs, concepts)


def compiled(index: InvertedIndex, docs: np.ndarray, concepts: list[Concept]) -> np.ndarray:
    """`together` in one compiled pass (`passes.near_pairs`)."""
    from . import passes

    # Each concept's term ids laid end to end with Python's lists: a question's few dozen ids cost
    # less so than through numpy's concatenations.
    terms = [c.terms for c in concepts]
    flat = np.array([t for ids in terms for t in ids], dtype=np.int32)
    starts = np.array([0, *accumulate(map(len, terms))], dtype=np.int64)
    near = np.zeros(len(docs), dtype=np.float64)
    passes.near_pairs(index.stream, index.stream_field, index.stream_start, docs.astype(np.int64), flat, starts,
                       REACH, near)
    return near / max(len(concepts) - 1, 1)


def with_numpy(index: InvertedIndex, docs: np.ndarray, concepts: list[Concept]) -> np.ndarray:
    """`together` with numpy, over the leaders' streams laid end to end."""
    start, end = index.stream_start[docs], index.stream_start[docs + 1]
    lengths = end - start
    positions = (np.repeat(start - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
                 + np.arange(lengths.sum()))
    tokens, fields = index.stream[positions], index.stream_field[positions]
    owner = np.repeat(np.arange(len(docs)), lengths)
    member = [_member(tokens, np.array(c.terms, dtype=np.int32)) for c in concepts]
    near_pairs = np.zeros(len(docs))
    pairs = 0
    for a, b in pairwise(member):
        pairs += 1
        near = np.zeros(len(docs), dtype=bool)
        for gap in range(1, REACH + 1):
            if len(tokens) <= gap:
                continue
            same = (owner[:-gap] == owner[gap:]) & (fields[:-gap] == fields[gap:])
            hit = same & ((a[:-gap] & b[gap:]) | (b[:-gap] & a[gap:]))
            near[owner[:-gap][hit]] = True
        near_pairs += near
    return near_pairs / max(pairs, 1)


def _member(tokens: np.ndarray, sorted_terms: np.ndarray) -> np.ndarray:
    """Which tokens are among `sorted_terms` (a sorted search, faster than np.isin for few terms)."""
    if not len(sorted_terms):
        return np.zeros(len(tokens), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_terms, tokens), len(sorted_terms) - 1)
    return sorted_terms[at] == tokens
