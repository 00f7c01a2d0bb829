"""The one or two sentences of a lesson that best answer a query, in the lesson's own words."""
from __future__ import annotations

import re
from typing import Mapping

from .record import Lesson
from .text import WORD, fold, stem, stem_all, word_spans

MAX_SUMMARY_CHARS = 300
_SENTENCE = re.compile(r"[^.!?\n•]+(?:[.!?]+(?=\s|$)|$)|[^\n•]+?(?=\n|•|$)")
#: Where a summary is looked for first when no sentence shares a word with the query.
FALLBACK_ORDER = ("description", "success", "challenges", "comments", "context", "administrative_issues")


def summarize(lesson: Lesson, weights: Mapping[str, float], intent: str = "",
              limit: int = MAX_SUMMARY_CHARS) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(summary, field it came from, spans of the query's words in it) for one lesson.

    `weights` maps each query stem to how much finding it is worth; the sentence with the most
    weight (each stem counted once) wins, in the field the intent asks for on a tie; a short
    winner is followed by the next sentence when both fit in `limit` characters.
    """
    prose = lesson.prose()
    wanted = set(weights)
    candidates: list[tuple[str, list[str]]] = []
    words: list[str] = []
    owners: list[tuple[int, int, int, int]] = []  # (field order, sentence, first word, end word)
    for order, name in enumerate(FALLBACK_ORDER):
        text = prose.get(name, "")
        sentences, folded = _sentences(text), _sentences(fold(text))
        if len(folded) != len(sentences):  # folding changed the punctuation: fold sentence by sentence
            folded = [fold(sentence) for sentence in sentences]
        candidates.append((name, sentences))
        for position, sentence in enumerate(folded):
            found = WORD.findall(sentence)
            owners.append((order, position, len(words), len(words) + len(found)))
            words += found
    stems = stem_all(words)
    best: tuple[float, int, int] | None = None
    for order, position, first, end in owners:
        found = wanted.intersection(stems[first:end])
        score = sum(weights[s] for s in found) + (0.5 if found and FALLBACK_ORDER[order] == intent else 0.0)
        rank = (score, -order, -position)
        if len(candidates[order][1][position]) >= 20 and (best is None or rank > best):
            best = rank
    if best is None:
        return "", "", ()
    name, sentences = candidates[-best[1]]
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
