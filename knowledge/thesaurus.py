"""The field's vocabulary: groups of words and phrases that mean the same thing (acronyms, spellings)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from .text import STOP_WORDS, stem_all, words

#: The thesaurus shipped with the package (one group of equivalent terms a line, "a | b | c").
BUNDLED_THESAURUS = Path(__file__).parent / "data" / "thesaurus.txt"

Term = tuple[str, ...]  # a word or phrase as its stems, stop words left out


def term_of(text: str) -> Term:
    """A word or phrase as the tuple of its stems, without stop words."""
    return tuple(stem_all([w for w in words(text) if w not in STOP_WORDS]))


def read_groups(text: str) -> list[list[str]]:
    """The groups of a thesaurus file: one list of equivalent terms per non-comment line."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append([part.strip() for part in line.split("|") if part.strip()])
    return groups


class Thesaurus:
    """Maps a term (tuple of stems) to every term that means the same."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self._equivalents: dict[Term, set[Term]] = {}
        #: Every folded word of the thesaurus (a query may use them though no lesson does).
        self.words: frozenset[str] = frozenset()
        found: set[str] = set()
        for group in groups:
            found.update(w for member in group for w in words(member) if w not in STOP_WORDS)
            terms = {term_of(member) for member in group} - {()}
            for term in terms:
                self._equivalents.setdefault(term, set()).update(terms - {term})
        self.words = frozenset(found)
        self.longest = max((len(t) for t in self._equivalents), default=1)

    @classmethod
    def bundled(cls, extra: Mapping[str, Iterable[str]] | None = None) -> "Thesaurus":
        """The bundled groups plus `extra` (a word or phrase → the terms it also means)."""
        groups = read_groups(BUNDLED_THESAURUS.read_text(encoding="utf-8"))
        for key, values in (extra or {}).items():
            groups.append([key, *([values] if isinstance(values, str) else values)])
        return cls(groups)

    def __contains__(self, term: Term) -> bool:
        return term in self._equivalents

    def equivalents(self, term: Term) -> tuple[Term, ...]:
        """The other terms of the group(s) `term` belongs to, sorted; () when it has none."""
        return tuple(sorted(self._equivalents.get(term, ())))
