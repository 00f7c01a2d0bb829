"""The look-ups for typos one question may make: the part of its cost budget that refuses nothing.

Looking a word up for its typo compares it with thousands of words (the lessons' and the English
dictionary's), about a millisecond or more at 10,000 lessons, and more for a long word (its
one-letter deletions alone are as many as its letters, each as long); the rest of a word's reading
costs microseconds. So one question looks up at most `SearchOptions.max_typo_checks` distinct words,
each once however often it is typed, and none longer than `SearchOptions.max_word_chars`; the others
are taken as typed, and the answer says so (`skipped`, `too_long`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


class TypoChecks:
    """The budget of look-ups for one question, and what they found (so no word is looked up twice)."""

    def __init__(self, limit: int, longest: int) -> None:
        self.left, self.longest = limit, longest
        self.allowed: set[str] = set()
        #: The unknown words left as typed because the budget was spent, in the order met.
        self.skipped: list[str] = []
        #: The words left as typed because they are longer than `longest`.
        self.too_long: list[str] = []
        self._found: dict[tuple[str, str], Any] = {}

    def allow(self, word: str) -> bool:
        """True when `word` may be looked up: already allowed, or short enough and within the budget
        (which it takes)."""
        if word in self.allowed:
            return True
        if len(word) > self.longest:
            if word not in self.too_long:
                self.too_long.append(word)
            return False
        if self.left <= 0:
            if word not in self.skipped:
                self.skipped.append(word)
            return False
        self.left -= 1
        self.allowed.add(word)
        return True

    def once(self, kind: str, word: str, look: Callable[[], Any]) -> Any:
        """`look()`'s answer for (`kind`, `word`), computed the first time only."""
        key = (kind, word)
        if key not in self._found:
            self._found[key] = look()
        return self._found[key]
