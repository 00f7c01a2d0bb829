"""The shown lessons' sentences, cut and marked with the question's words in one compiled pass
(numba) for a large index: what `summary.Marker` reads to pick each lesson's summary. The rules are
`summary._SENTENCE`'s and `summary._occurrences`', on ASCII bytes; tests compare the two ways on
generated text. Loaded with the index's other kernels, cached next to this file like `passes.py`.
"""
from __future__ import annotations

import numpy as np
from numba import njit


def _byte_kinds() -> np.ndarray:
    """What each byte is to `sentence_marks`: bit 1 a letter or digit (str.isalnum), 2 a mark ending
    a sentence (. ! ?), 4 a newline, 8 white space (as the regular expression's \\s: str.isspace), 16 a
    character stripped from a sentence's ends (space, tab, hyphen)."""
    kinds = np.zeros(256, np.uint8)
    for c in range(128):
        ch = chr(c)
        kinds[c] = (ch.isalnum() * ALNUM | (ch in ".!?") * MARK | (ch == "\n") * NEWLINE | ch.isspace() * SPACE
                    | (ch in " \t-") * STRIPPED)
    return kinds


ALNUM, MARK, NEWLINE, SPACE, STRIPPED = 1, 2, 4, 8, 16
_KINDS = _byte_kinds()


@njit(cache=True, inline="always")
def _sentence_end(text, p, last):  # pragma: no cover - compiled
    """Where the sentence read from `p` (no newline) stops, as `summary._SENTENCE` reads it: up to a
    run of full stops, question or exclamation marks followed by white space or the end, or up to
    the end; else up to the line's end (where `$` also matches before a last newline)."""
    q = p
    while q < last and not _KINDS[text[q]] & (MARK | NEWLINE):
        q += 1
    if q > p:
        if q == last:
            return q
        if text[q] != 10:
            r = q
            while r < last and _KINDS[text[r]] & MARK:
                r += 1
            if r == last or _KINDS[text[r]] & SPACE:
                return r
    stop = p + 1
    while stop < last and text[stop] != 10:
        stop += 1
    return stop


@njit(cache=True, inline="always")
def _stripped(text, s, e):  # pragma: no cover - compiled
    """`text[s:e]` without the spaces, tabs and hyphens at either end, as (start, end)."""
    while s < e and _KINDS[text[s]] & STRIPPED:
        s += 1
    while e > s and _KINDS[text[e - 1]] & STRIPPED:
        e -= 1
    return s, e


@njit(cache=True, inline="always")
def _word_at(text, a, b, words, word_ends):  # pragma: no cover - compiled
    """Which word `text[a:b]`, lower-cased, is (-1 for none)."""
    for k in range(word_ends.shape[0]):
        w0 = word_ends[k - 1] if k > 0 else 0
        if word_ends[k] - w0 != b - a:
            continue
        same = True
        for j in range(b - a):
            c = text[a + j]
            if (c + 32 if 65 <= c <= 90 else c) != words[w0 + j]:
                same = False
                break
        if same:
            return k
    return -1


@njit(cache=True, nogil=True)
def sentence_marks(text, field_ends, words, word_ends, word_bits, leading, field, start, end, position, mask,
                   found_in, found_start, found_end):  # pragma: no cover - compiled
    """Lessons' ASCII prose cut into sentences as `summary._SENTENCE` cuts it, each marked with the
    bits of the query words standing whole in it (`summary.Marker`): returns (how many sentences,
    how many words were found in them).

    `text` holds the fields as written, field f ending at `field_ends[f]` (the next starts one byte
    later). Word k is `words[word_ends[k - 1]:word_ends[k]]`, lower-case letters and digits only, so
    it stands whole where a run of letters and digits, lower-cased, is that word; `leading[c]` says
    whether some word starts with byte c (either case). Sentence i is field `field[i]`'s
    [`start[i]`, `end[i]`), its `position[i]`-th sentence, stripped of spaces, tabs and hyphens at
    either end; the j-th word found stands in sentence `found_in[j]` at [`found_start[j]`,
    `found_end[j]`) of its field. The out arrays hold one sentence and one word for every two bytes
    of `text`. No sentence crosses a line.
    """
    n = 0
    m = 0
    begin = 0
    for f in range(field_ends.shape[0]):
        last = field_ends[f]
        first = n
        p = begin
        while p < last:
            if text[p] == 10:  # no sentence reads a newline: the next starts after it
                p += 1
                continue
            stop = _sentence_end(text, p, last)
            s, e = _stripped(text, p, stop)
            if e - s > 1:
                field[n], start[n], end[n], position[n], mask[n] = f, s - begin, e - begin, n - first, 0
                n += 1
            p = stop
        i = first  # the sentence a word may stand in: words are read in order
        a = begin
        while a < last:  # each run of letters and digits that starts as some word does
            if not leading[text[a]] or (a > begin and _KINDS[text[a - 1]] & ALNUM):
                a += 1
                continue
            b = a + 1
            while b < last and _KINDS[text[b]] & ALNUM:
                b += 1
            k = _word_at(text, a, b, words, word_ends)
            if k >= 0:
                while i + 1 < n and start[i + 1] <= a - begin:
                    i += 1
                if i < n and start[i] <= a - begin and b - begin <= end[i]:
                    mask[i] |= word_bits[k]
                    found_in[m], found_start[m], found_end[m] = i, a - begin, b - begin
                    m += 1
            a = b
        begin = last + 1
    return n, m
