"""The one or two sentences of a lesson that best answer a query, in the lesson's own words."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from .record import Lesson
from .text import WORD, fold, stem, stem_all, word_spans

MAX_SUMMARY_CHARS = 300
_SENTENCE = re.compile(r"[^.!?\n•]+(?:[.!?]+(?=\s|$)|$)|[^\n•]+?(?=\n|•|$)")
#: Where a summary is looked for first when no sentence shares a word with the query.
FALLBACK_ORDER = ("description", "success", "challenges", "comments", "context", "administrative_issues")


@dataclass(frozen=True)
class Sentences:
    """A lesson's prose cut into sentences, each with the set of its word stems.

    The query-independent half of a summary: the search computes it once per lesson and keeps
    it (see `Searcher`), so answering only intersects small sets.
    """

    fields: tuple[tuple[str, tuple[str, ...]], ...]  # (field, its sentences) in FALLBACK_ORDER
    stems: tuple[tuple[int, int, frozenset[str]], ...]  # (field order, sentence, stems); 20+ chars only


def sentences_of(lesson: Lesson) -> Sentences:
    """Cut a lesson's prose fields into sentences and stem each sentence's words."""
    prose = lesson.prose()
    fields: list[tuple[str, tuple[str, ...]]] = []
    words: list[str] = []
    owners: list[tuple[int, int, int, int]] = []  # (field order, sentence, first word, end word)
    for order, name in enumerate(FALLBACK_ORDER):
        text = prose.get(name, "")
        sentences, folded = _sentences(text), _sentences(fold(text))
        if len(folded) != len(sentences):  # folding changed the punctuation: fold sentence by sentence
            folded = [fold(sentence) for sentence in sentences]
        fields.append((name, tuple(sentences)))
        for position, sentence in enumerate(folded):
            if len(sentences[position]) < 20:  # too short to stand as a summary
                continue
            found = WORD.findall(sentence)
            owners.append((order, position, len(words), len(words) + len(found)))
            words += found
    stems = stem_all(words)
    return Sentences(tuple(fields), tuple((order, position, frozenset(stems[first:end]))
                                          for order, position, first, end in owners))


def summarize(lesson: Lesson, weights: Mapping[str, float], intent: str = "",
              limit: int = MAX_SUMMARY_CHARS,
              sentences: Sentences | None = None) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(summary, field it came from, spans of the query's words in it) for one lesson.

    `weights` maps each query stem to how much finding it is worth; the sentence with the most
    weight (each stem counted once) wins, in the field the intent asks for on a tie; a short
    winner is followed by the next sentence when both fit in `limit` characters. Pass the
    lesson's `sentences` when they are already cut.
    """
    cut = sentences or sentences_of(lesson)
    wanted = weights.keys()
    best: tuple[float, int, int] | None = None
    for order, position, stems in cut.stems:
        found = stems & wanted
        score = sum(weights[s] for s in found) + (0.5 if found and FALLBACK_ORDER[order] == intent else 0.0)
        rank = (score, -order, -position)
        if best is None or rank > best:
            best = rank
    if best is None:
        return "", "", ()
    name, sentences_ = cut.fields[-best[1]]
    sentences = list(sentences_)
    position = -best[2]
    text = sentences[position]
    if len(text) < limit // 2 and position + 1 < len(sentences):
        joined = f"{text} {sentences[position + 1]}"
        if len(joined) <= limit:
            text = joined
    text = _clip(text, limit)
    spans = tuple((a, b) for a, b, w in word_spans(text) if stem(w) in weights)
    return text, name, spans


def _sentences(text: str) -> list[str]:
    return [s.strip(" \t-–") for s in _SENTENCE.findall(text) if len(s.strip(" \t-–")) > 1]


def _clip(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(",;: ") + "…"
