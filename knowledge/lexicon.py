"""The index build's vocabulary, grown chunk by chunk: raw tokens → folded words → terms (stems).

A raw token is a run of bytes between ASCII non-alphanumerics in a field's UTF-8 text, ASCII capitals
made small; the compiled interner (`kernels.intern_tokens`) gives each distinct one an id in order of
first use. Each new raw token is folded into its words once, in Python ("d’Ivoire" → "d", "ivoire";
an ASCII token is its own one word), so the words of a field are exactly `text.words()` of it. Each
new word gets its Snowball stem's term id, or -1 for a stop word. Words and terms too are numbered
in order of first use, so the same lessons always give the same ids.
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .text import STOP_WORDS, WORD, fold, stem_all

#: ASCII non-alphanumerics → space, ASCII capitals → small letters, every other byte kept. Lowering
#: first changes no fold(): case folding is per character and NFKD/NFKC leave ASCII letters alone.
TOKEN_BYTES = np.array([32 if b < 128 and not chr(b).isalnum() else b + 32 if 65 <= b <= 90 else b for b in range(256)],
                       dtype=np.uint8)
#: Distinct raw tokens the interner has room for at first (it doubles when half full).
FIRST_CAPACITY = 1 << 15


class Growing:
    """A numpy array appended to in place, its buffer grown by half when full.

    Appending chunk after chunk into one buffer, instead of keeping each chunk's array until one
    concatenation, leaves no holes in the heap: the memory a build freed goes back to the system.
    """

    def __init__(self, dtype: type, size: int = 1024) -> None:
        self._data = np.zeros(size, dtype)
        self.size = 0

    def extend(self, values) -> None:
        values = np.asarray(values, self._data.dtype)
        need = self.size + len(values)
        if need > len(self._data):
            grown = np.zeros(max(need, len(self._data) * 3 // 2), self._data.dtype)
            grown[:self.size] = self._data[:self.size]
            self._data = grown
        self._data[self.size:need] = values
        self.size = need

    @property
    def array(self) -> np.ndarray:
        return self._data[:self.size]

    def finish(self) -> np.ndarray:
        """The values as one array, the buffer shrunk to them (in place, no copy, where the
        allocator can); the Growing must not be used after."""
        self._data.resize(self.size, refcheck=False)
        return self._data


class Lexicon:
    """Distinct raw tokens, the words they fold into and the words' terms, all as met so far."""

    def __init__(self) -> None:
        self._table = np.full(2 * FIRST_CAPACITY, -1, np.int32)
        self._hashes = np.zeros(FIRST_CAPACITY, np.uint64)
        self._offsets = np.zeros(FIRST_CAPACITY + 1, np.int64)
        self._arena = np.zeros(32 * FIRST_CAPACITY, np.uint8)
        self._known = self._used = 0
        self.word_start = Growing(np.int64)  # raw token r → words word_flat[word_start[r]:word_start[r + 1]]
        self.word_start.extend([0])
        self.word_flat = Growing(np.int32)
        self.word_term = Growing(np.int32)  # word → term id, -1 for a stop word
        self.word_count = Growing(np.int64)  # word → how many tokens of the lessons are that word
        self.words: list[str] = []
        self.stems: list[str] = []
        self.stem_ids: dict[str, int] = {}
        self._word_ids: dict[str, int] = {}

    def tokens(self, data: bytes, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(raw-token ids, raw tokens per field) of `data`, UTF-8 fields joined by spaces, field f
        ending before byte `ends[f]`; learns the words and terms of new raw tokens."""
        buffer = np.frombuffer(data, np.uint8)
        parts, per_field, at, before = [], np.zeros(len(ends), np.int32), 0, self._known
        while True:
            ids, counts, at, self._known, self._used = kernels.intern_tokens(
                buffer, TOKEN_BYTES, ends, at, self._table, self._hashes, self._offsets, self._arena, self._known,
                self._used)
            parts.append(ids)
            per_field += counts
            if at >= len(buffer):
                break
            self._grow(len(buffer) - at)
        self._learn(before, self._known)
        return (parts[0] if len(parts) == 1 else np.concatenate(parts)), per_field

    def _grow(self, remaining: int) -> None:
        """Room for the interner to go on: a larger table, id arrays or byte arena, whichever is full."""
        if 2 * (self._known + 1) > len(self._table):
            self._table = kernels.rehash(2 * len(self._table), self._hashes, self._known)
        if self._known + 2 > len(self._hashes):
            self._hashes = np.concatenate((self._hashes, np.zeros(len(self._hashes), np.uint64)))
            self._offsets = np.concatenate((self._offsets, np.zeros(len(self._offsets) - 1, np.int64)))
        if self._used + remaining > len(self._arena):
            self._arena = np.concatenate((self._arena, np.zeros(max(len(self._arena), remaining), np.uint8)))

    def _learn(self, first: int, last: int) -> None:
        """Words and terms of the raw tokens numbered first..last-1."""
        bounds = self._offsets[first:last + 1] - self._offsets[first]
        blob = self._arena[self._offsets[first]:self._offsets[last]].tobytes()
        flat, starts, new_words = [], [], []
        for a, z in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            token = blob[a:z]
            found = [token.decode("ascii")] if token.isascii() else WORD.findall(fold(token.decode("utf-8", "replace")))
            for word in found:
                word_id = self._word_ids.get(word)
                if word_id is None:
                    word_id = self._word_ids[word] = len(self._word_ids)
                    new_words.append(word)
                flat.append(word_id)
            starts.append(len(flat))
        self.word_start.extend(np.array(starts, np.int64) + self.word_flat.size)
        self.word_flat.extend(flat)
        stems = stem_all(new_words)
        self.words += new_words
        self.stems += stems
        ids = self.stem_ids
        self.word_term.extend([-1 if w in STOP_WORDS else ids.setdefault(s, len(ids))
                               for w, s in zip(new_words, stems, strict=True)])
        self.word_count.extend(np.zeros(len(new_words), np.int64))

    def terms(self, raw_ids: np.ndarray, per_field: np.ndarray, n_fields: int) -> tuple[np.ndarray, ...]:
        """(kept terms in order, the field of each, kept terms per field) of the raw tokens of whole
        lessons; counts their words into `word_count`."""
        return kernels.expand_tokens(raw_ids, per_field, self.word_start.array, self.word_flat.array,
                                     self.word_term.array, self.word_count.array, n_fields)
