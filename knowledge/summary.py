"""The one or two sentences of a lesson that best answer a query, in the lesson's own words."""
from __future__ import annotations

import re

from .record import Lesson

MAX_SUMMARY_CHARS = 300
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_WORD = re.compile(r"\w+")
#: Where a summary is looked for first when no sentence shares a word with the query.
_FALLBACK_ORDER = ("description", "success", "challenges", "context", "comments", "administrative_issues")


def summarize(lesson: Lesson, terms: set[str]) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(summary, field it came from, spans of query words in it); terms are lower-case words."""
    best: tuple[float, int, str, str] | None = None
    prose = lesson.prose()
    for order, name in enumerate(_FALLBACK_ORDER):
        for sentence in _sentences(prose.get(name, "")):
            words = {w.lower() for w in _WORD.findall(sentence)}
            score = len(words & terms)
            candidate = (score, -order, sentence, name)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if best is None:
        return "", "", ()
    summary = _clip(best[2])
    spans = tuple(
        m.span() for m in _WORD.finditer(summary) if m.group().lower() in terms
    )
    return summary, best[3], spans


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 1]


def _clip(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(",;: ") + "…"
