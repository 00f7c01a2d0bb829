"""The inverted index: BM25F impacts of each stem in each lesson, in flat numpy arrays.

Postings are stored term-major in one array (CSR): for term t, lessons `docs[start[t]:start[t+1]]`
with float32 `impacts` (the term's BM25F score in that lesson, field weights folded in) and a
`fields` bit mask saying which fields held it. A token stream per lesson (stems in page order,
stop words left out) serves the proximity bonus and `related()`.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence

import numpy as np

from .record import PROSE_FIELDS, Lesson
from .spelling import SpellingIndex
from .text import STOP_WORDS, WORD, fold, stem_all

#: The indexed fields, in the order of their bits in `InvertedIndex.fields`.
FIELDS: tuple[str, ...] = ("title", "theme", "category", "place", *PROSE_FIELDS)
#: Between two fields in the joined text, and the raw token it becomes.
_SEP_JOIN = " \x01 "
_SEP_TOKEN = b"\x01"
#: Every ASCII byte that is not a letter or digit becomes a space (the separator byte stays).
_ASCII_BREAKS = bytes(b if (chr(b).isalnum() or b == 1 or b >= 128) else 32 for b in range(256))
#: Lessons joined into one text at a time while tokenising.
_CHUNK = 500


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
    return [title, *themes, place, *(getattr(lesson, name) for name in PROSE_FIELDS)]


class InvertedIndex:
    """Stems → lessons with precomputed impacts; built once, read by every query.

    Built in named steps: the lessons' fields → raw tokens (`_raw_tokens`) → folded words
    (`_surface_words`, `_expand`) → stems, their spellings and the spelling index (`_stems`) →
    per-lesson token stream (`_stream`) → BM25F postings (`_postings`) → near-duplicates.
    """

    def __init__(self, lessons: Sequence[Lesson], weights: Mapping[str, float], k1: float = 1.2,
                 b: float = 0.75) -> None:
        self.n_docs = len(lessons)
        raw_ids, raw_tokens, digests = _raw_tokens(lessons)
        flat, count, start, words = _surface_words(raw_tokens)
        del raw_tokens
        token_ids, lengths = _expand(raw_ids, flat, count, start)
        del raw_ids, flat, count, start
        surface_to_stem = self._stems(words, token_ids)
        del words
        # int32 per token while the arrays are long; int64 only for the combined sort key.
        terms = surface_to_stem[token_ids]
        slot_of_token = np.repeat(np.arange(self.n_docs * len(FIELDS), dtype=np.int32), lengths)
        keep = terms >= 0
        terms, slot_of_token = terms[keep], slot_of_token[keep]
        del token_ids, keep
        self._stream(terms, slot_of_token)
        self._postings(terms, slot_of_token, weights, k1, b)
        # Lessons with the same prose are near-duplicates: each points at the first of its kind.
        first: dict[bytes, int] = {}
        self.duplicate_of = np.array([first.setdefault(d, i) for i, d in enumerate(digests)], dtype=np.int32)

    def _stems(self, words: list[str], token_ids: np.ndarray) -> np.ndarray:
        """Stem every distinct word: sets `stem_ids`, each stem's spellings and the spelling index;
        returns each word's stem id (-1 for a stop word)."""
        stems = stem_all(words)
        stem_ids: dict[str, int] = {}
        surface_to_stem = np.array([-1 if w in STOP_WORDS else stem_ids.setdefault(s, len(stem_ids))
                                    for w, s in zip(words, stems, strict=True)], dtype=np.int32)
        self.stem_ids = stem_ids
        # Every spelling of each stem in the lessons (stop words too, when their stem is a term), so a
        # summary finds a query's words in a sentence by substring tests instead of stemming it.
        stem_of_word = np.array([stem_ids.get(s, -1) for s in stems], dtype=np.int32)
        spelt = np.flatnonzero(stem_of_word >= 0)
        spelt = spelt[np.argsort(stem_of_word[spelt], kind="stable")]
        self._spellings = [words[i] for i in spelt.tolist()]
        self._spellings_start = np.concatenate(([0], np.cumsum(np.bincount(stem_of_word[spelt],
                                                                           minlength=len(stem_ids)))))
        del stem_of_word, spelt
        surface_counts = np.bincount(token_ids, minlength=len(words))
        keep_words = [i for i, w in enumerate(words) if surface_to_stem[i] >= 0 and w.isalpha()]
        self.spelling = SpellingIndex([words[i] for i in keep_words], [int(surface_counts[i]) for i in keep_words])
        return surface_to_stem

    def _stream(self, terms: np.ndarray, slot_of_token: np.ndarray) -> None:
        """The token stream per lesson (stop words out) for proximity and related lessons."""
        docs_of_token, field_of_token = np.divmod(slot_of_token, np.int32(len(FIELDS)))
        self.stream = terms
        self.stream_field = field_of_token.astype(np.int8)
        self.stream_start = np.concatenate(([0], np.cumsum(np.bincount(docs_of_token, minlength=self.n_docs))))

    def _postings(self, terms: np.ndarray, slot_of_token: np.ndarray, weights: Mapping[str, float],
                  k1: float, b: float) -> None:
        """The BM25F postings, term-major: `docs`, `impacts`, `fields`, `start`, `df` and `idf`."""
        n_docs, n_fields = self.n_docs, len(FIELDS)
        docs_of_token, field_of_token = np.divmod(slot_of_token, np.int32(n_fields))
        # Field lengths without stop words, and their averages over lessons that have the field.
        kept_len = np.bincount(slot_of_token, minlength=n_docs * n_fields).reshape(n_docs, n_fields)
        present = np.maximum((kept_len > 0).sum(axis=0), 1)
        avg_len = np.maximum(kept_len.sum(axis=0) / present, 1.0)
        # tf per (term, doc, field), sorted term-major.
        key = (terms.astype(np.int64) * n_docs + docs_of_token) * n_fields + field_of_token
        del docs_of_token, field_of_token
        key.sort()
        starts = np.flatnonzero(np.diff(key, prepend=-1)) if len(key) else np.zeros(0, np.int64)
        tf = np.diff(np.append(starts, len(key)))
        key = key[starts]
        del starts
        rest, field = np.divmod(key, n_fields)
        del key
        term, doc = np.divmod(rest, n_docs)
        w = np.array([float(weights.get(name, 1.0)) for name in FIELDS], dtype=np.float64)
        norm = 1.0 - b + b * kept_len[doc, field] / avg_len[field]
        contribution = w[field] * tf / norm
        # Combine the fields of each (term, doc): BM25F pseudo-frequency, then saturation and idf.
        boundary = np.flatnonzero(np.diff(rest, prepend=-1)) if len(rest) else np.zeros(0, np.int64)
        pseudo_tf = np.add.reduceat(contribution, boundary) if len(rest) else np.zeros(0)
        bits = np.left_shift(1, field).astype(np.int32)
        self.fields = (np.bitwise_or.reduceat(bits, boundary) if len(rest) else np.zeros(0, np.int32)).astype(np.int16)
        self.docs = doc[boundary].astype(np.int32)
        post_terms = term[boundary]
        self.df = np.bincount(post_terms, minlength=len(self.stem_ids))
        self.idf = np.log(1.0 + (n_docs - self.df + 0.5) / (self.df + 0.5)).astype(np.float32)
        self.impacts = (self.idf[post_terms] * pseudo_tf * (k1 + 1) / (k1 + pseudo_tf)).astype(np.float32)
        self.start = np.concatenate(([0], np.cumsum(self.df))).astype(np.int64)

    def term_id(self, stem: str) -> int:
        """The id of a stem, or -1 when no lesson has it."""
        return self.stem_ids.get(stem, -1)

    def df_of(self, stem: str) -> int:
        """How many lessons hold a word of this stem (0 for a stem no lesson has)."""
        term = self.term_id(stem)
        return int(self.df[term]) if term >= 0 else 0

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


def _raw_tokens(lessons: Sequence[Lesson]) -> tuple[np.ndarray, list[bytes], list[bytes]]:
    """(raw-token id of every token of every field, field separators as 0; the distinct raw tokens
    by id; each lesson's prose digest).

    Chunk by chunk, split on ASCII punctuation and spaces at C speed (bytes.translate + split); each
    distinct raw token is later folded and split into words once ("d’Ivoire" → "d", "ivoire"), so
    the tokens are exactly text.words() of the text.
    """
    raw: dict[bytes, int] = {_SEP_TOKEN: 0}
    chunks, digests, memo = [], [], {}
    for first in range(0, len(lessons), _CHUNK):
        texts = []
        for lesson in lessons[first:first + _CHUNK]:
            fields = field_texts(lesson, memo)
            texts += fields
            digests.append(hashlib.blake2b("\n".join(fields[4:]).lower().encode(), digest_size=8).digest())
        data = (_SEP_JOIN.join(texts) + _SEP_JOIN).encode("utf-8", "surrogatepass").translate(_ASCII_BREAKS)
        tokens = data.split()
        for token in set(tokens).difference(raw):
            raw[token] = len(raw)
        chunks.append(np.fromiter(map(raw.__getitem__, tokens), dtype=np.int32, count=len(tokens)))
        del tokens, texts, data
    all_ids = np.concatenate(chunks) if chunks else np.zeros(0, np.int32)
    return all_ids, list(raw), digests


def _raw_words(token: bytes) -> list[str]:
    """The folded words of one space-free raw token (ASCII tokens are one word already)."""
    if token.isascii():
        return [token.decode("ascii").lower()]
    return WORD.findall(fold(token.decode("utf-8", "replace")))


def _surface_words(raw_tokens: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Each raw token → its words (usually one; none or several when folding splits it), as
    (word ids of all raw tokens in a row with -1 for the separator, words per raw token, where each
    raw token's words start, the distinct words in order of first use)."""
    tokens = raw_tokens[1:]
    # An ASCII raw token is letters and digits only: one word, its lower case (all lowered at once).
    lowered = iter(b"\n".join(t for t in tokens if t.isascii()).decode("ascii").lower().split("\n"))
    sequence: list[str] = []
    counts = [1]  # the field separator stays one token
    for token in tokens:
        if token.isascii():
            sequence.append(next(lowered))
            counts.append(1)
        else:
            found = _raw_words(token)
            sequence += found
            counts.append(len(found))
    del tokens, lowered
    surface = {w: i for i, w in enumerate(dict.fromkeys(sequence))}  # ids in order of first use
    count = np.array(counts, dtype=np.int64)
    flat = np.empty(len(sequence) + 1, dtype=np.int32)
    flat[0] = -1
    flat[1:] = np.fromiter(map(surface.__getitem__, sequence), dtype=np.int32, count=len(sequence))
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    return flat, count, start, list(surface)


def _expand(all_ids: np.ndarray, flat: np.ndarray, count: np.ndarray,
            start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(word id of every token, stop words still in; number of tokens of each field of each lesson).

    Nearly every raw token is one word: map each to its first word (-2: none), then insert the
    further words of the rare raw tokens that fold into several, and drop the empty ones.
    """
    first_word = np.where(count > 0, flat[np.minimum(start, len(flat) - 1)], -2).astype(np.int32)
    expanded = first_word[all_ids]
    several = np.flatnonzero(count > 1)
    if len(several):
        where = np.flatnonzero(np.isin(all_ids, several)) if len(several) < 64 else \
            np.flatnonzero((count > 1)[all_ids])
        more = count[all_ids[where]] - 1
        at = np.repeat(start[all_ids[where]] + 1 - np.concatenate(([0], np.cumsum(more)[:-1])), more) \
            + np.arange(int(more.sum()))
        expanded = np.insert(expanded, np.repeat(where + 1, more), flat[at])
    if (count == 0).any():
        expanded = expanded[expanded != -2]
    separators = np.flatnonzero(expanded < 0)
    lengths = np.diff(np.concatenate(([-1], separators))) - 1
    return expanded[expanded >= 0], lengths


def field_bit(name: str) -> int:
    """The bit of a field in the `fields` masks."""
    return 1 << FIELDS.index(name)


def idf_of(n_docs: int, df: int) -> float:
    """The BM25 idf of a term found in `df` of `n_docs` lessons."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
