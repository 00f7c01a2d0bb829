"""The one or two sentences of a lesson that best answer a query, in the lesson's own words."""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from typing import NamedTuple

import numpy as np

from .record import PROSE_FIELDS, Lesson
from .text import WORD, fold, stem

MAX_SUMMARY_CHARS = 300
_SENTENCE = re.compile(r"[^.!?\n•]+(?:[.!?]+(?=\s|$)|$)|[^\n•]+?(?=\n|•|$)")
#: What a sentence is stripped of at either end.
_STRIPPED = " \t-–"
_FIRST_LOOKED_AT = ("description", "success", "challenges")
#: The prose fields in the order a summary is looked for (first when no sentence shares a word with
#: the query): what was done, what worked, what went wrong, then the others in page order.
FALLBACK_ORDER = (*_FIRST_LOOKED_AT, *(name for name in PROSE_FIELDS if name not in _FIRST_LOOKED_AT))


class Field(NamedTuple):
    """One prose field cut into sentences."""

    #: The sentences as the lesson writes them.
    sentences: tuple[str, ...]
    #: The text query words are found in: the field lower-cased when it is ASCII (its sentences at
    #: their places in it, the text between them too), else its sentences folded, joined by newlines.
    joined: str
    #: Where each sentence starts in `joined`, and where it ends.
    starts: tuple[int, ...]
    ends: tuple[int, ...]


class Cut:
    """A lesson's prose fields in `FALLBACK_ORDER`, each cut into sentences on first need.

    Query-independent, so the search may keep it for the lessons it shows most (see `Searcher`);
    a field in which the query's words do not occur is never cut at all.
    """

    __slots__ = ("texts", "_lowered", "_fields")

    def __init__(self, lesson: Lesson) -> None:
        self.texts = prose(lesson)
        self._lowered: list[str | None] | None = None
        self._fields: list[Field | None] = [None] * len(self.texts)

    def lowered(self, order: int) -> str | None:
        """A field folded, where folding is only lower-casing (ASCII); None where it may be more.
        (All fields lowered on first need: `Marker` needs none of them.)"""
        if self._lowered is None:
            self._lowered = [text.lower() if text.isascii() else None for text in self.texts]
        return self._lowered[order]

    def field(self, order: int) -> Field:
        """One field cut into sentences (cut on first need, then kept)."""
        cut = self._fields[order]
        if cut is None:
            text, lowered = self.texts[order], self.lowered(order)
            cut = self._fields[order] = _cut(text) if lowered is None else _spans(text, lowered)
        return cut


def prose(lesson: Lesson) -> tuple[str, ...]:
    """A lesson's prose fields in `FALLBACK_ORDER` ("" where it has none)."""
    return tuple(getattr(lesson, name) or "" for name in FALLBACK_ORDER)


class Marker:
    """A question's words, ready to summarize the shown lessons whose prose is ASCII in one compiled
    pass (`sentences.sentence_marks`): it cuts their sentences and marks the query words in each, as
    `_best_sentence` does in Python, and `summaries` then picks what `summarize` would. For a large
    index (numba loaded); `usable` says whether it applies (at most 64 stems, words of letters and
    digits). It reads every ASCII field where `_best_sentence` skips a field whose words cannot beat
    the best so far: the same only for positive weights, which idf always is (log(1 + x), x > 0)."""

    def __init__(self, weights: Mapping[str, float], spellings: Mapping[str, str]) -> None:
        from . import sentences  # numba: loaded with the large index the caller has

        self._marks = sentences.sentence_marks
        self.weights, self.spellings = weights, spellings
        self.stems = sorted(weights)
        bit = {s: i for i, s in enumerate(self.stems)}
        words = [w for w in spellings if w.isascii()]
        # The kernel finds a word as a run of letters and digits: any other word is left to Python.
        self.usable = len(self.stems) <= 64 and all(w.isalnum() and w.islower() or w.isdigit() for w in words)
        self.words = np.frombuffer("".join(words).encode("ascii"), np.uint8)
        self.word_ends = np.array(list(accumulate(map(len, words))), np.int64)
        self.word_bits = np.array([1 << bit[spellings[w]] for w in words], np.uint64)
        self.leading = np.zeros(256, np.bool_)
        for first in {w[0] for w in words}:
            self.leading[ord(first)] = self.leading[ord(first.upper())] = True
        self._scores: dict[int, float] = {}

    def score(self, mask: int) -> float:
        """The weight of the stems whose bits are in `mask` (fsum: exact, whatever the order)."""
        found = self._scores.get(mask)
        if found is None:
            found = self._scores[mask] = math.fsum(self.weights[s] for i, s in enumerate(self.stems) if mask >> i & 1)
        return found

    def summaries(self, cuts: Sequence[Cut], intent: str = "",
                  limit: int = MAX_SUMMARY_CHARS) -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
        """`summarize`'s answer for each lesson (`cut`): its ASCII fields read by the kernel, the
        others (few: a typographic apostrophe is the commonest reason) in Python."""
        every = [text if text.isascii() else "" for cut in cuts for text in cut.texts]
        data = np.frombuffer("\n".join(every).encode("ascii"), np.uint8)
        ends = np.array(list(accumulate(len(text) + 1 for text in every)), np.int64) - 1
        size = len(data) // 2 + 1  # a sentence, and a word and what parts it from the next, hold two bytes
        out = np.empty((7, size), np.int64)
        mask = np.empty(size, np.uint64)
        n, m = self._marks(data, ends, self.words, self.word_ends, self.word_bits, self.leading, out[0], out[1],
                           out[2], out[3], mask, out[4], out[5], out[6])
        marked = Marked(*out[:4, :n].tolist(), mask[:n].tolist(), *out[4:, :m].tolist())
        width = len(FALLBACK_ORDER)
        found, lo = [], 0
        for j, cut in enumerate(cuts):
            hi = bisect_left(marked.field, (j + 1) * width, lo)
            found.append(self._summary(cut, j * width, marked, lo, hi, intent, limit))
            lo = hi
        return found

    def _summary(self, cut: Cut, base: int, marked: Marked, lo: int, hi: int, intent: str,
                 limit: int) -> tuple[str, str, tuple[tuple[int, int], ...]]:
        """One lesson's summary, as `summarize` makes it, from its sentences `lo`..`hi` of `marked`
        (its fields numbered from `base`) and its other fields."""
        field, start, end, position, mask = marked.field, marked.start, marked.end, marked.position, marked.mask
        best: tuple[float, int, int] | None = None
        at = -1  # the sentence of `marked` that is best; -1 for one of another field
        for i in range(lo, hi):  # as `_best_sentence`: (weight + bonus, -field order, -position)
            if mask[i] and end[i] - start[i] >= 20:
                order = field[i] - base
                rank = (self.score(mask[i]) + (0.5 if FALLBACK_ORDER[order] == intent else 0.0), -order, -position[i])
                if best is None or rank > best:
                    best, at = rank, i
        others = [order for order, text in enumerate(cut.texts) if not text.isascii()]
        if others:
            beyond = _best_sentence(cut, self.weights, intent, self.spellings, others, best)
            if beyond is not best:
                best, at = beyond, -1
        if best is None or best[0] <= 0:  # as `_first_sentence`
            i = next((i for i in range(lo, hi) if end[i] - start[i] >= 20), hi)
            first = (0.0, base - field[i], -position[i]) if i < hi else None
            beyond = _first_sentence(cut, others) if others else None
            if beyond is not None and (first is None or beyond > first):
                first, i = beyond, -1
            if first is not None and (best is None or first > best):
                best, at = first, i
        if best is None:
            return "", "", ()
        if at < 0:
            return _shown(cut, best, self.weights, limit, self.spellings)
        return self._shown(cut, base, marked, at, hi, limit)

    def _shown(self, cut: Cut, base: int, marked: Marked, at: int, hi: int,
               limit: int) -> tuple[str, str, tuple[tuple[int, int], ...]]:
        """`_shown` for the sentence `at` of `marked`: its words marked from where the kernel found them."""
        field, start, end = marked.field, marked.start, marked.end
        order = field[at] - base
        text = cut.texts[order][start[at]:end[at]]
        shown = [(at, -start[at])]  # each sentence shown, and what to add to its field's places
        if len(text) < limit // 2 and at + 1 < hi and field[at + 1] == field[at]:
            joined = f"{text} {cut.texts[order][start[at + 1]:end[at + 1]]}"
            if len(joined) <= limit:
                shown.append((at + 1, len(text) + 1 - start[at + 1]))
                text = joined
        if len(text) > limit:  # clipped: a word cut short is no match
            text = _clip(text, limit)
            return text, FALLBACK_ORDER[order], merge_spans(text, highlight_spans(text, self.weights, self.spellings))
        spans = [(marked.found_start[j] + shift, marked.found_end[j] + shift) for sentence, shift in shown
                 for j in range(bisect_left(marked.found_in, sentence), bisect_right(marked.found_in, sentence))]
        return text, FALLBACK_ORDER[order], merge_spans(text, spans)


class Marked(NamedTuple):
    """`sentences.sentence_marks`' sentences (field, start, end, position in its field, bits of the
    words in it) and words found (sentence, start, end), as lists."""

    field: list[int]
    start: list[int]
    end: list[int]
    position: list[int]
    mask: list[int]
    found_in: list[int]
    found_start: list[int]
    found_end: list[int]


def cut_sentences(lesson: Lesson) -> Cut:
    """A lesson's prose, ready to be cut into sentences (as they are and folded) field by field."""
    return Cut(lesson)


def _spans(text: str, lowered: str) -> Field:
    """An ASCII field: its sentences, found where they stand in its lower-cased text (lower-casing
    moves nothing), so the words are looked for in that text as it is, not in a copy of each
    sentence. A sentence begins and ends beside a character that is no letter or digit (white
    space, a stripped dash, a full stop), so a word found whole in the text is whole in its sentence."""
    sentences, starts, ends = [], [], []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        sentence = raw.strip(_STRIPPED)  # more than one character left: a sentence
        if len(sentence) > 1:
            start = match.start() + len(raw) - len(raw.lstrip(_STRIPPED))
            sentences.append(sentence)
            starts.append(start)
            ends.append(start + len(sentence))
    return Field(tuple(sentences), lowered, tuple(starts), tuple(ends))


def _cut(text: str) -> Field:
    """A field that may not be ASCII: its sentences folded one by one, joined by newlines."""
    sentences = _sentences(text)
    folded = _sentences(fold(text))
    if len(folded) != len(sentences):  # folding changed the punctuation: fold sentence by sentence
        folded = [fold(sentence) for sentence in sentences]
    starts = tuple(accumulate((len(f) + 1 for f in folded[:-1]), initial=0)) if folded else ()
    ends = tuple(start + len(f) for start, f in zip(starts, folded, strict=True))
    return Field(tuple(sentences), "\n".join(folded), starts, ends)


def summarize(lesson: Lesson, weights: Mapping[str, float], intent: str = "",
              limit: int = MAX_SUMMARY_CHARS, spellings: Mapping[str, str] | None = None,
              cut: Cut | None = None) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(summary, field it came from, spans of the query's words in it) for one lesson.

    `weights` maps each query stem to how much finding it is worth; the sentence with the most
    weight (each stem counted once) wins, in the field the intent asks for on a tie, and the
    first sentence of the first field when no sentence holds a query word; a short winner is
    followed by the next sentence when both fit in `limit` characters. `spellings` (folded
    word → its stem, for every word of the lessons whose stem is in `weights`) spares reading
    every word of the lesson: the search knows them from its index. Pass the lesson's `cut` when
    the search keeps it. (`Marker.summaries` gives the same summaries for a large index, compiled.)

    Only the query's words are looked for: a field is cut into sentences only when one of them
    occurs in it, and each is then found once in the field's folded text and mapped to its sentence.
    """
    cut = cut or cut_sentences(lesson)
    best = _best_sentence(cut, weights, intent, spellings)
    if best is None or best[0] <= 0:
        # Every other sentence scores 0: the first one long enough wins a tie at 0.
        first = _first_sentence(cut)
        if first is not None and (best is None or first > best):
            best = first
    if best is None:
        return "", "", ()
    return _shown(cut, best, weights, limit, spellings)


def _shown(cut: Cut, best: tuple[float, int, int], weights: Mapping[str, float], limit: int,
           spellings: Mapping[str, str] | None) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """The `best` sentence as a summary: followed by the next when it is short and both fit in
    `limit`, clipped to it, its query words marked."""
    sentences = cut.field(-best[1]).sentences
    position = -best[2]
    text = sentences[position]
    if len(text) < limit // 2 and position + 1 < len(sentences):
        joined = f"{text} {sentences[position + 1]}"
        if len(joined) <= limit:
            text = joined
    text = _clip(text, limit)
    return text, FALLBACK_ORDER[-best[1]], merge_spans(text, highlight_spans(text, weights, spellings))


def _best_sentence(cut: Cut, weights: Mapping[str, float], intent: str, spellings: Mapping[str, str] | None,
                   orders: Iterable[int] | None = None,
                   best: tuple[float, int, int] | None = None) -> tuple[float, int, int] | None:
    """(weight of the query's stems in it plus the intent bonus, -field order, -position) of the best
    sentence holding a query word, of the fields `orders` (all by default) and `best` (found in the
    others); None when none does."""
    for order in range(len(cut.texts)) if orders is None else orders:
        hits = _query_words_in(cut, order, weights, spellings)
        if not hits:
            continue
        bonus = 0.5 if FALLBACK_ORDER[order] == intent else 0.0
        # No sentence holds more than its field: a field that cannot beat the best is never cut
        # (a tie goes to the earlier field). fsum is exact, so this bound is too.
        if best is not None and (math.fsum(weights[s] for s in set(hits.values())) + bonus, -order, 0) < best:
            continue
        sentences, joined, starts, ends = cut.field(order)
        # The sentences holding a query word, with the stems they hold: each word found in the
        # field's text once, its place mapped to its sentence (none when it stands between them).
        found: dict[int, set[str]] = {}
        for (at, end), word in _occurrences(joined, list(hits)):
            position = bisect_right(starts, at) - 1
            if position >= 0 and end <= ends[position]:
                found.setdefault(position, set()).add(hits[word])
        for position, stems in found.items():
            if len(sentences[position]) < 20:
                continue  # too short to stand as a summary: scores 0 (below)
            # fsum: exact, so a tie is a tie whatever order the set gives (each worker hashes its own way)
            rank = (math.fsum(weights[s] for s in stems) + bonus, -order, -position)
            if best is None or rank > best:
                best = rank
    return best


def _query_words_in(cut: Cut, order: int, weights: Mapping[str, float],
                    spellings: Mapping[str, str] | None) -> dict[str, str]:
    """The words of one field that stem to a query stem, with that stem (a few more may be found
    than its sentences hold: a fragment too short to be a sentence); {} when none."""
    text, lowered = cut.texts[order], cut.lowered(order)
    if not text:
        return {}
    if spellings is not None and lowered is not None:
        # The folded text holds every word its sentences hold (they are cut from it): a field
        # none of the query's words are in is never cut into sentences.
        return {w: s for w, s in spellings.items() if w in lowered}
    joined = cut.field(order).joined
    # Each distinct word stemmed once (cached), or looked up among the spellings the index knows.
    if spellings is None:
        return {w: s for w in set(WORD.findall(joined)) for s in (stem(w),) if s in weights}
    return {w: s for w, s in spellings.items() if w in joined}


def merge_spans(text: str, spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The one highlight policy every door shows: spans inside `text`, sorted, overlapping ones
    joined, and neighbours separated only by white space joined ("*social insurance*", never
    "*social* *insurance*" or "*social in*surance")."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s, e) for s, e in spans if 0 <= s < e <= len(text)):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1]:start].strip()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def highlight_spans(text: str, weights: Mapping[str, float],
                    spellings: Mapping[str, str] | None = None) -> tuple[tuple[int, int], ...]:
    """Character spans in `text` of the words whose stem is among `weights`' keys."""
    if text.isascii():  # folding is lower-casing: same positions, so fold once
        low = text.lower()
        if spellings is not None:  # every word with a wanted stem is among them: find those
            return tuple(sorted(span for span, _ in _occurrences(low, [w for w in spellings if w in low])))
        return tuple(m.span() for m in WORD.finditer(low) if stem(m.group()) in weights)
    if spellings is not None:
        return tuple(m.span() for m in WORD.finditer(text)
                     if (m.group().lower() in spellings if m.group().isascii() else stem(fold(m.group())) in weights))
    return tuple(m.span() for m in WORD.finditer(text) if stem(fold(m.group())) in weights)


def _occurrences(text: str, words: list[str]) -> list[tuple[tuple[int, int], str]]:
    """(span, word) of each of `words` standing as a whole word in `text` (a word is a run of
    letters and digits), in no particular order."""
    spans = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                spans.append(((at, end), word))
            at = text.find(word, at + 1)
    return spans


def _first_sentence(cut: Cut, orders: Iterable[int] | None = None) -> tuple[float, int, int] | None:
    """(0, -field order, -position) of the first sentence long enough to stand as a summary (of the
    fields `orders`, all by default)."""
    for order in range(len(cut.texts)) if orders is None else orders:
        text = cut.texts[order]
        if text:
            for position, sentence in enumerate(cut.field(order).sentences):
                if len(sentence) >= 20:
                    return (0.0, -order, -position)
    return None


def _sentences(text: str) -> list[str]:
    """The sentences of a text as `_spans` cuts them (its places left aside)."""
    return list(_spans(text, text).sentences)


def _clip(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(",;: ") + "…"
