"""The cost budget of one question: what a question may hold before it is refused unsearched.

Searching costs in proportion to what a question holds, not to its length in characters: one
character can fold into several words (U+FDFA spells out four), every quoted phrase and filter is
a pass over the index, and every unknown word a look-up for its typo. So a question is measured
as the search will read it, and refused with a message naming the setting it went over.

Three limits refuse nothing, and the answer's notice names them when they bite: words longer than
`max_word_chars` are taken as typed (a word's look-ups cost in proportion to its square, and no
script without spaces, Chinese or Japanese, should be refused for it), only `max_typo_checks`
unknown words are looked up for typos (`typos.TypoChecks`), and only the first `max_terms`
concepts are searched (`understand.Interpreter.understand`).
"""
from __future__ import annotations

from typing import NamedTuple

from .options import SearchOptions
from .query import parse_query
from .text import WORD, fold


class Unsearched(NamedTuple):
    """What one question's budget left undone, for the answer to say: nothing when all is empty."""

    #: Unknown words taken as typed, not looked up for a typo: the look-ups were spent (`typos.TypoChecks.skipped`).
    unchecked: tuple[str, ...] = ()
    #: Unknown words taken as typed because they are longer than `SearchOptions.max_word_chars`.
    too_long: tuple[str, ...] = ()
    #: The concepts past `SearchOptions.max_terms`, not searched.
    left_out: tuple[str, ...] = ()


class OverBudget(NamedTuple):
    """Why a question is refused: its `QueryError` code and a message a user can act on."""

    code: str
    message: str


def over_budget(question: str, options: SearchOptions) -> OverBudget | None:
    """The first limit of `options` the question goes over, or None when it may be searched."""
    parsed = parse_query(question)
    words = WORD.findall(fold(question))
    if len(words) > options.max_words:
        return OverBudget("too_many_words", f"the question has {len(words):,} words once its characters are "
                          f"spelt out; the limit is {options.max_words} (setting max_words): ask in fewer words")
    if len(parsed.phrases) > options.max_phrases:
        return OverBudget("too_many_phrases", f"the question has {len(parsed.phrases)} quoted phrases; the limit "
                          f"is {options.max_phrases} (setting max_phrases)")
    filters = len(parsed.filters) + len(parsed.excluded)
    if filters > options.max_filters:
        return OverBudget("too_many_filters", f"the question has {filters} filters and exclusions "
                          f"(name:value, -word); the limit is {options.max_filters} (setting max_filters)")
    return None
