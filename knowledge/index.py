"""The inverted index: BM25F impacts of each stem in each lesson, in flat numpy arrays.

Postings are stored term-major in one array (CSR): for term t, lessons `docs[start[t]:start[t+1]]`
with float32 `impacts` (the term's BM25F score in that lesson, field weights folded in) and a
`fields` bit mask saying which fields held it. A token stream per lesson (stems in page order,
stop words left out) serves the proximity bonus and `related()`.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from . import wordwise
from .record import PROSE_FIELDS, Lesson
from .spelling import SpellingIndex
from .text import fold, nul_joined

if TYPE_CHECKING:
    from .lexicon import Lexicon
    from .options import SearchOptions

#: The indexed fields, in the order of their bits in `InvertedIndex.fields`.
FIELDS: tuple[str, ...] = ("title", "theme", "category", "place", *PROSE_FIELDS)
#: A lesson's prose fields in `PROSE_FIELDS` order, read in one call.
_PROSE = attrgetter(*PROSE_FIELDS)
#: Lessons tokenised at a time: the transient memory of a chunk is a few MB.
_CHUNK = 2000
#: Fewer lessons are indexed word by word (`wordwise.py`), without loading the compiled kernels.
WORDWISE_BELOW = 500


def field_texts(lesson: Lesson, memo: dict | None = None) -> list[str]:
    """The text of each indexed field of a lesson, in `FIELDS` order.

    `memo` keeps the theme and place fields of each combination seen (lessons share few).
    """
    title = lesson.title
    if lesson.eval_title and lesson.eval_title != title and fold(lesson.eval_title) != fold(title):
        title = f"{title}\n{lesson.eval_title}"
    memo = {} if memo is None else memo
    themes = memo.get(lesson.themes)
    if themes is None:
        themes = memo[lesson.themes] = ("\n".join(lesson.theme_values), "\n".join(lesson.category_values))
    place = memo.get((0, lesson.locations))
    if place is None:
        place = memo[(0, lesson.locations)] = "\n".join((*lesson.countries, *lesson.regions))
    return [title, *themes, place, *_PROSE(lesson)]


class InvertedIndex:
    """Stems → lessons with precomputed impacts; built once, read by every query.

    Built in named steps, a chunk of lessons at a time: their fields → UTF-8 bytes (`_raw_bytes`) →
    raw tokens, their folded words and terms (`Lexicon.tokens`, compiled) → each lesson's kept terms
    (`Lexicon.terms`, compiled); then, over all lessons, the stems' spellings and the spelling index
    (`_stems`) → per-lesson token stream (`_stream`) → BM25F postings (`_postings`, compiled) →
    near-duplicates. Term ids are in order of first use in the lessons (fields in `FIELDS` order).
    The compiled kernels let go of the GIL, so a thread works beside them: it makes the next
    chunk's bytes while the interner reads this one, and writes the postings while Python builds
    the spelling index and does the caller's `meanwhile` (the search's facets). Below
    `WORDWISE_BELOW` lessons, `wordwise.build` makes the same arrays in plain Python.
    """

    def __init__(self, lessons: Sequence[Lesson], weights: Mapping[str, float], k1: float, b: float, *,
                 english_prior: float, meanwhile: Callable[[bool], object] | None = None) -> None:
        """`meanwhile`: the caller's own work (no part of the index), given `compiled` and run once
        on this thread: while the compiled postings are written, the one step in which the build
        would otherwise wait, or after a word-by-word build."""
        self.n_docs = len(lessons)
        #: True when the compiled kernels built this index: numba is loaded, so a question may use
        #: compiled passes too (`passes.py`); a small index never loads it.
        self.compiled = self.n_docs >= WORDWISE_BELOW
        if not self.compiled:
            self._take(wordwise.build(lessons, field_texts, [float(weights.get(name, 1.0)) for name in FIELDS], k1, b,
                                      english_prior=english_prior))
            if meanwhile is not None:
                meanwhile(self.compiled)
            return
        from .lexicon import Growing, Lexicon  # numba's import and kernels: about 0.8 s a process

        lexicon = Lexicon()
        terms, fields = Growing(np.int32), Growing(np.int8)
        kept_len, digests, memo = Growing(np.int32), Growing(np.uint64), {}
        with ThreadPoolExecutor(max_workers=1) as pool:
            # Each chunk's bytes (Python) are made in a thread while the compiled interner, which
            # lets go of the GIL, reads the chunk before.
            ahead = pool.submit(_raw_bytes, lessons[:_CHUNK], memo)
            for first in range(0, self.n_docs, _CHUNK):
                data, ends, chunk_digests = ahead.result()
                if first + _CHUNK < self.n_docs:
                    ahead = pool.submit(_raw_bytes, lessons[first + _CHUNK:first + 2 * _CHUNK], memo)
                chunk_terms, chunk_fields, lengths = lexicon.terms(*lexicon.tokens(data, ends), len(FIELDS))
                del data, ends
                for into, values in ((terms, chunk_terms), (fields, chunk_fields), (kept_len, lengths),
                                     (digests, chunk_digests)):
                    into.extend(values)
        self.stem_ids = lexicon.stem_ids
        kept_len = kept_len.finish().reshape(self.n_docs, len(FIELDS))
        self._stream(terms.finish(), fields.finish(), kept_len)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The postings are written by compiled code that lets go of the GIL: beside the
            # spelling index and the caller's `meanwhile`, which are Python (0.2 and 0.6 s at
            # 100,000 lessons, against the postings' 0.7-1.1 s).
            postings = pool.submit(self._postings, kept_len, weights, k1, b, english_prior)
            self._stems(lexicon)
            if meanwhile is not None:
                meanwhile(self.compiled)
            postings.result()
        # Lessons with the same prose are near-duplicates: each points at the first of its kind.
        _, first, which = np.unique(digests.finish(), return_index=True, return_inverse=True)
        self.duplicate_of = first[which].astype(np.int32)  # the first lesson of each digest

    @classmethod
    def of(cls, lessons: Sequence[Lesson], options: SearchOptions,
           meanwhile: Callable[[bool], object] | None = None) -> InvertedIndex:
        """The index the search builds with these settings (every setting that changes it)."""
        return cls(lessons, options.field_weights, options.bm25_k1, options.bm25_b,
                   english_prior=options.english_prior, meanwhile=meanwhile)

    def _take(self, built: dict) -> None:
        """Sets every array and table from `wordwise.build`."""
        for name in ("stem_ids", "df", "idf", "start", "docs", "impacts", "fields", "stream", "stream_field",
                     "stream_start", "duplicate_of"):
            setattr(self, name, built[name])
        self._spellings = [word for spelt in built["spellings"] for word in spelt]
        self._spellings_start = np.concatenate(([0], np.cumsum([len(spelt) for spelt in built["spellings"]],
                                                               dtype=np.int64)))
        self.spelling = SpellingIndex(built["spelling_words"], built["spelling_counts"])

    def _stems(self, lexicon: Lexicon) -> None:
        """Sets each stem's spellings and the spelling index, from the words met."""
        words, stems, stem_ids = lexicon.words, lexicon.stems, lexicon.stem_ids
        # Every spelling of each stem in the lessons (stop words too, when their stem is a term), so a
        # summary finds a query's words in a sentence by substring tests instead of stemming it.
        stem_of_word = np.array([stem_ids.get(s, -1) for s in stems], dtype=np.int32)
        spelt = np.flatnonzero(stem_of_word >= 0)
        spelt = spelt[np.argsort(stem_of_word[spelt], kind="stable")]
        self._spellings = [words[i] for i in spelt.tolist()]
        self._spellings_start = np.concatenate(([0], np.cumsum(np.bincount(stem_of_word[spelt],
                                                                           minlength=len(stem_ids)))))
        word_term, counts = lexicon.word_term.array, lexicon.word_count.array
        keep_words = [i for i, w in enumerate(words) if word_term[i] >= 0 and w.isalpha()]
        self.spelling = SpellingIndex([words[i] for i in keep_words], counts[keep_words].tolist(), compiled=True)

    def _stream(self, terms: np.ndarray, fields: np.ndarray, kept_len: np.ndarray) -> None:
        """The token stream per lesson (stop words out) for proximity and related lessons."""
        self.stream, self.stream_field = terms, fields
        self.stream_start = np.concatenate(([0], np.cumsum(kept_len.sum(axis=1, dtype=np.int64)))).astype(np.int64)

    def _postings(self, kept_len: np.ndarray, weights: Mapping[str, float], k1: float, b: float,
                  english_prior: float) -> None:
        """The BM25F postings, term-major: `docs`, `impacts`, `fields`, `start`, `df` and `idf`."""
        from . import kernels

        n_docs = self.n_docs
        # Field lengths without stop words, and their averages over lessons that have the field.
        present = np.maximum((kept_len > 0).sum(axis=0), 1)
        avg_len = np.maximum(kept_len.astype(np.int64).sum(axis=0) / present, 1.0)
        self.df = kernels.document_frequencies(self.stream, self.stream_start, len(self.stem_ids))
        mean_len = float(kept_len.sum(dtype=np.int64)) / max(n_docs, 1)
        self.idf = wordwise.smoothed_idf(self.df, n_docs, list(self.stem_ids), mean_len, english_prior)
        self.start = np.concatenate(([0], np.cumsum(self.df))).astype(np.int64)
        total = int(self.start[-1])
        self.docs, self.impacts = np.empty(total, np.int32), np.empty(total, np.float32)
        self.fields = np.empty(total, np.int16)
        w = np.array([float(weights.get(name, 1.0)) for name in FIELDS], dtype=np.float64)
        kernels.fill_postings(self.stream, self.stream_field, self.stream_start, kept_len, avg_len, w, self.idf,
                              self.start, float(k1), float(b), self.docs, self.impacts, self.fields)

    def term_id(self, stem: str) -> int:
        """The id of a stem, or -1 when no lesson has it."""
        return self.stem_ids.get(stem, -1)

    def df_of(self, stem: str) -> int:
        """How many lessons hold a word of this stem (0 for a stem no lesson has)."""
        term = self.term_id(stem)
        return int(self.df[term]) if term >= 0 else 0

    @cached_property
    def repeats(self) -> tuple[np.ndarray, np.ndarray]:
        """(the lessons that repeat an earlier one's prose, sorted; that earlier lesson of each):
        few, so a match set's near-duplicates are counted by looking these up in it."""
        copies = np.flatnonzero(self.duplicate_of != np.arange(self.n_docs, dtype=np.int32))
        return copies, self.duplicate_of[copies]

    def repeated(self, held: Callable[[np.ndarray], np.ndarray]) -> int:
        """How many lessons of a set repeat the prose of another lesson of it: the copies (`repeats`)
        that `held` (lesson numbers → which the set holds) says are in it with their originals."""
        copies, originals = self.repeats
        return int(np.count_nonzero(held(copies) & held(originals))) if len(copies) else 0

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lesson numbers, impacts, field bits) of one term; empty arrays for -1."""
        if term < 0:
            empty = np.zeros(0, np.int32)
            return empty, np.zeros(0, np.float32), np.zeros(0, np.int16)
        lo, hi = self.start[term], self.start[term + 1]
        return self.docs[lo:hi], self.impacts[lo:hi], self.fields[lo:hi]

    def spellings(self, term: int) -> list[str]:
        """The folded words of the lessons whose stem is this term."""
        if term < 0:
            return []
        return self._spellings[self._spellings_start[term]:self._spellings_start[term + 1]]

    def doc_stream(self, doc: int) -> np.ndarray:
        """The stems of one lesson in page order (stop words left out)."""
        return self.stream[self.stream_start[doc]:self.stream_start[doc + 1]]


def _raw_bytes(lessons: Sequence[Lesson], memo: dict) -> tuple[bytes, np.ndarray, np.ndarray]:
    """(the lessons' fields as UTF-8, each followed by a NUL byte, which the interner reads as a
    space; where each field's bytes end, after its NUL; each lesson's prose digest: a hash of its
    prose fields joined by newlines, lower-cased)."""
    from . import kernels

    texts = [text for lesson in lessons for text in field_texts(lesson, memo)]
    n_fields = len(FIELDS)
    # A NUL of a text's own would end its field early: the interner reads it as a space anyway.
    own_nul = [i for i, text in enumerate(texts) if "\0" in text]
    data, ends = nul_joined([text.replace("\0", " ") for text in texts] if own_nul else texts)
    buffer = np.frombuffer(data, np.uint8)
    digests = kernels.prose_digests(buffer, ends, 4, n_fields)
    # Each lesson's own digest, from its prose as written, where the bytes above are not that: prose
    # beyond ASCII (str.lower() lowers "É" to "é") or holding a NUL of its own.
    field_of = np.searchsorted(ends, np.flatnonzero(buffer >= 128), side="right")
    redo = {*np.unique(field_of[field_of % n_fields >= 4] // n_fields).tolist(),
            *(i // n_fields for i in own_nul if i % n_fields >= 4)}
    for lesson in sorted(redo):
        prose = "\n".join(texts[lesson * n_fields + 4:(lesson + 1) * n_fields]).lower()
        raw = prose.encode("utf-8", "surrogatepass") + b" "
        digests[lesson] = kernels.prose_digests(np.frombuffer(raw, np.uint8), np.array([len(raw)]), 0, 1)[0]
    return data, ends, digests


def field_bit(name: str) -> int:
    """The bit of a field in the `fields` masks."""
    return 1 << FIELDS.index(name)


def idf_of(n_docs: int, df: int) -> float:
    """BM25's own idf of a term found in `df` of `n_docs` lessons, without the English prior of
    `wordwise.smoothed_idf` (for a word no lesson holds, English adds nothing to its rarity)."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
