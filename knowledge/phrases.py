"""Quoted phrases, checked on the index's token stream rather than on the lessons' text.

A phrase matches a lesson when its words stand together, in order, within one field, read as the
index reads them: stemmed ("social dialogues" matches "social dialogue") and with common words
aside ("access to finance" is the stems access, financ). That is one pass over the token stream
per phrase, at C speed, whatever the number of lessons it lets through; reading each candidate's
text instead made a few phrases over a broad filter cost seconds.
"""
from __future__ import annotations

import numpy as np

from .index import InvertedIndex
from .text import STOP_WORDS, WORD, fold, stem


def phrase_terms(index: InvertedIndex, phrase: str) -> tuple[int, ...] | None:
    """The term ids of the phrase's words in order, common words left out (an empty tuple for a
    phrase of common words only); None when a word of it is in no lesson."""
    ids = tuple(index.term_id(stem(word)) for word in WORD.findall(fold(phrase)) if word not in STOP_WORDS)
    return None if any(term < 0 for term in ids) else ids


def lessons_with(index: InvertedIndex, terms: tuple[int, ...], but_field: int = -1) -> np.ndarray:
    """The lessons (sorted, unique) in whose token stream `terms` stand together, in order, in one
    field (not the field numbered `but_field`)."""
    if len(terms) == 1:
        docs, _, fields = index.postings(terms[0])
        return docs if but_field < 0 else docs[fields != (1 << but_field)]
    stream = index.stream
    anchor = int(np.argmin([index.df[t] for t in terms]))  # the rarest word occurs least often
    start = np.flatnonzero(stream == terms[anchor]) - anchor
    start = start[(start >= 0) & (start + len(terms) <= len(stream))]
    for offset, term in enumerate(terms):
        if offset != anchor:
            start = start[stream[start + offset] == term]
    end = start + len(terms) - 1
    doc = np.searchsorted(index.stream_start, start, side="right") - 1
    # A lesson's stream runs field by field, so equal fields at both ends mean one field throughout.
    together = (end < index.stream_start[doc + 1]) & (index.stream_field[start] == index.stream_field[end])
    together &= index.stream_field[start] != but_field
    return np.unique(doc[together])


def with_phrases(index: InvertedIndex, matched: np.ndarray, phrases: tuple[str, ...]) -> np.ndarray:
    """Which of the `matched` lessons (sorted) hold every phrase; a phrase of common words only
    asks for nothing."""
    keep = np.ones(len(matched), dtype=bool)
    for phrase in phrases:
        terms = phrase_terms(index, phrase)
        if terms is None:
            return np.zeros(len(matched), dtype=bool)
        if terms:
            keep &= np.isin(matched, lessons_with(index, terms), assume_unique=True)
    return keep
