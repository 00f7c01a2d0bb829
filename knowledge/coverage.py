"""Every lesson's coverage of a question and its BM25F sum, from each concept's postings (sparse)
or corpus-long scores (dense): with `np.bincount` for a small index, in compiled passes for one
the kernels built (`InvertedIndex.compiled`). The same float64 additions in the same order either
way, so a lesson's score does not depend on the size of the knowledge base it is in."""
from __future__ import annotations

import numpy as np


def sums(values: list, dense: list, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(coverage, BM25F sum) of every lesson, from the sparse concepts' (lessons, scores, weight)
    and the dense ones' (corpus-long scores, weight)."""
    # Each concept lists a lesson at most once, so the sums are each lesson's own.
    if values:
        # bincount reads lesson numbers as intp: convert once for both passes.
        docs = np.concatenate([d for d, _, _ in values], dtype=np.intp) if len(values) > 1 \
            else values[0][0].astype(np.intp)
        cover = np.bincount(docs, weights=np.repeat([w for _, _, w in values], [len(d) for d, _, _ in values]),
                            minlength=n)
        total = np.bincount(docs, weights=np.concatenate([v for _, v, _ in values]) if len(values) > 1
                            else values[0][1], minlength=n)
    else:
        cover, total = np.zeros(n), np.zeros(n)
    for best, weight in dense:
        cover += (best > 0) * weight
        total += best
    return cover, total


def compiled_sums(values: list, dense: list, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`sums` in compiled passes over each concept's postings (no concatenated copies, no
    bincount's corpus-long temporaries): the same float64 additions in the same order."""
    from . import passes  # numba is loaded with the index (`InvertedIndex.compiled`)

    cover, total = np.zeros(n), np.zeros(n)
    for docs, scores, weight in values:
        passes.add_postings(docs, scores, float(weight), cover, total)
    for best, weight in dense:
        passes.add_dense(best, float(weight), cover, total)
    return cover, total
