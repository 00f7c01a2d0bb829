"""The question as understood: the key votes are stored and looked up under, so the same question
typed another way (case, accents, spacing, filler words, a corrected typo, filters in another order)
shares its votes."""
from __future__ import annotations

from knowledge import Answer, narrowed, parse_query
from knowledge.text import QUERY_FILLER, STOP_WORDS, words


def understood(answer: Answer) -> str:
    """`answer.query` as the search read it: its topic words (typos corrected, common words and
    question filler dropped), then its exclusions, then its filters in a fixed order. A runnable
    question: the judged file that `lessons feedback --export` writes asks it again."""
    parsed = parse_query(answer.query)
    fixes = {typed: used for typed, used in answer.corrections}
    kept: list[str] = []
    for word in words(parsed.text):
        word = fixes.get(word, word)
        if word not in STOP_WORDS and word not in QUERY_FILLER and word not in kept:
            kept.append(word)
    kept += sorted({"-" + word for excluded in parsed.excluded for word in words(excluded)})
    question = " ".join(kept)
    for name, value in sorted({(name, " ".join(words(value))) for name, value in parsed.filters}):
        question = narrowed(question, name, value) or question
    return question.strip() or " ".join(answer.query.split()).casefold()
