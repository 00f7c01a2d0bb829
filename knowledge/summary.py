"""The one or two sentences of a lesson that best answer a query, in the lesson's own words."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from .record import Lesson
from .text import WORD, fold, stem

MAX_SUMMARY_CHARS = 300
_SENTENCE = re.compile(r"[^.!?\n•]+(?:[.!?]+(?=\s|$)|$)|[^\n•]+?(?=\n|•|$)")
#: Where a summary is looked for first when no sentence shares a word with the query.
FALLBACK_ORDER = ("description", "success", "challenges", "comments", "context", "administrative_issues")


@dataclass(frozen=True)
class Cut:
    """A lesson's prose fields cut into sentences, in `FALLBACK_ORDER`: query-independent, so
    the search may keep it for the lessons it shows most (see `Searcher`)."""

    #: Per field: (its sentences, the same folded, the folded ones joined by newlines).
    fields: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...]


def cut_sentences(lesson: Lesson) -> Cut:
    """Cut a lesson's prose fields into sentences, as they are and folded."""
    prose = lesson.prose()
    fields = []
    for name in FALLBACK_ORDER:
        text = prose.get(name, "")
        sentences = _sentences(text) if text else []
        if text.isascii():  # folding is lower-casing, which moves no sentence boundary
            folded = [s.lower() for s in sentences]
        else:
            folded = _sentences(fold(text))
            if len(folded) != len(sentences):  # folding changed the punctuation: fold sentence by sentence
                folded = [fold(sentence) for sentence in sentences]
        fields.append((tuple(sentences), tuple(folded), "\n".join(folded)))
    return Cut(tuple(fields))


def summarize(lesson: Lesson, weights: Mapping[str, float], intent: str = "",
              limit: int = MAX_SUMMARY_CHARS, spellings: Mapping[str, str] | None = None,
              cut: Cut | None = None) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(summary, field it came from, spans of the query's words in it) for one lesson.

    `weights` maps each query stem to how much finding it is worth; the sentence with the most
    weight (each stem counted once) wins, in the field the intent asks for on a tie; a short
    winner is followed by the next sentence when both fit in `limit` characters. `spellings`
    (folded word → its stem, for every word of the lessons whose stem is in `weights`) spares
    reading every word of the lesson: the search knows them from its index. Pass the lesson's
    `cut` when it is already cut.

    Only the query's words are looked for, word by word only in sentences that hold one of them
    as a substring, so a lesson never seen before costs a few regex passes, not a stemmer run
    over every word.
    """
    fields = (cut or cut_sentences(lesson)).fields
    best: tuple[float, int, int] | None = None
    for order, (sentences, folded, joined) in enumerate(fields):
        if not sentences:
            continue
        # The field's words that stem to a query stem (each distinct word stemmed once, cached).
        if spellings is None:
            hits = {w: s for w in set(WORD.findall(joined)) for s in (stem(w),) if s in weights}
        else:
            hits = {w: s for w, s in spellings.items() if w in joined}
        if not hits and best is not None:
            continue  # no query word: no sentence here can beat an earlier one
        bonus = 0.5 if FALLBACK_ORDER[order] == intent else 0.0
        for position, sentence in enumerate(folded):
            if len(sentences[position]) < 20:  # too short to stand as a summary
                continue
            if hits and any(w in sentence for w in hits):
                found = {hits[w] for w in WORD.findall(sentence) if w in hits}
                score = sum(weights[s] for s in found) + (bonus if found else 0.0)
            elif best is not None:
                continue  # no query word: it cannot beat an earlier sentence
            else:
                score = 0.0
            rank = (score, -order, -position)
            if best is None or rank > best:
                best = rank
    if best is None:
        return "", "", ()
    sentences = fields[-best[1]][0]
    position = -best[2]
    text = sentences[position]
    if len(text) < limit // 2 and position + 1 < len(sentences):
        joined = f"{text} {sentences[position + 1]}"
        if len(joined) <= limit:
            text = joined
    text = _clip(text, limit)
    return text, FALLBACK_ORDER[-best[1]], highlight_spans(text, weights, spellings)


def highlight_spans(text: str, weights: Mapping[str, float],
                    spellings: Mapping[str, str] | None = None) -> tuple[tuple[int, int], ...]:
    """Character spans in `text` of the words whose stem is among `weights`' keys."""
    if text.isascii():  # folding is lower-casing: same positions, so fold once
        low = text.lower()
        if spellings is not None:  # every word with a wanted stem is among them: find those
            return _occurrences(low, [w for w in spellings if w in low])
        return tuple(m.span() for m in WORD.finditer(low) if stem(m.group()) in weights)
    if spellings is not None:
        return tuple(m.span() for m in WORD.finditer(text)
                     if (m.group().lower() in spellings if m.group().isascii() else stem(fold(m.group())) in weights))
    return tuple(m.span() for m in WORD.finditer(text) if stem(fold(m.group())) in weights)


def _occurrences(text: str, words: list[str]) -> tuple[tuple[int, int], ...]:
    """Spans of `words` standing as whole words in `text` (a word is a run of letters and digits)."""
    spans = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                spans.append((at, end))
            at = text.find(word, at + 1)
    return tuple(sorted(spans))


def _sentences(text: str) -> list[str]:
    return [s for s in (s.strip(" \t-–") for s in _SENTENCE.findall(text)) if len(s) > 1]


def _clip(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(",;: ") + "…"
