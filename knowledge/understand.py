"""Query understanding: from the words a user typed to what the search looks for.

A pipeline of small steps: parse the filters out (`query.parse_query`), fold and split the words,
correct typos (`Interpreter.spell`), find the intent (`intent_of`) and the places named
(`vocabulary.Places`), drop filler, then group the words into *concepts*: a word, its thesaurus
equivalents and its typo correction are one concept, and a place among other words is one too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from .index import InvertedIndex
from .options import SearchOptions
from .query import parse_query
from .spelling import SpellingIndex
from .text import QUERY_FILLER, STOP_WORDS, WORD, fold, stem
from .vocabulary import CHALLENGE_PAIRS, INTENT_WORDS, PLACE_NOUNS, SUCCESS_PAIRS, Places, Term, Thesaurus


@dataclass
class Concept:
    """One thing the query asks about: the alternatives that count as finding it, best first."""

    label: str
    alternatives: list[tuple[tuple[int, ...], float]] = field(default_factory=list)
    stems: set[str] = field(default_factory=set)
    #: How sure the search is that this is what was typed (below 1 for a typo correction).
    certainty: float = 1.0
    #: A place named in the question (the lessons located there rank first).
    place: bool = False

    @property
    def terms(self) -> np.ndarray:
        """Every term id of every alternative, sorted."""
        return np.array(sorted({t for ids, _ in self.alternatives for t in ids}), dtype=np.int32)


@dataclass
class Understanding:
    """What the search made of a query before ranking."""

    concepts: list[Concept]
    filters: tuple[tuple[str, str], ...]
    excluded: tuple[int, ...]
    phrases: tuple[str, ...]
    intent: str
    corrections: list[tuple[str, str]]
    unknown: list[str]
    stop_only: bool
    place_only: bool
    preferred: tuple[tuple[str, str], ...] = ()


class Interpreter:
    """Reads questions against one index's vocabulary, the thesaurus and the corpus's places."""

    def __init__(self, index: InvertedIndex, thesaurus: Thesaurus, places: Places, options: SearchOptions) -> None:
        self.index = index
        self.thesaurus = thesaurus
        self.places = places
        self.options = options
        #: Words a question may use that need no lesson to hold them: filler, intent, place names.
        self._query_words = frozenset(STOP_WORDS | QUERY_FILLER | PLACE_NOUNS | INTENT_WORDS["challenges"]
                                      | INTENT_WORDS["success"] | {w for pair in SUCCESS_PAIRS | CHALLENGE_PAIRS
                                                                   for w in pair}
                                      | {w for name in self.places.names for w in name}
                                      | self.thesaurus.words)
        self._query_spelling = SpellingIndex(sorted(w for w in self._query_words if w.isalpha()),
                                             [1] * len([w for w in self._query_words if w.isalpha()]))

    def understand(self, raw: str) -> Understanding:
        """Filters, concepts, intent, corrections and unknown words of a raw query."""
        parsed = parse_query(raw)
        typed = WORD.findall(fold(parsed.text))
        words, certainty, corrections, unknown = self.spell(typed)
        intent, intent_words = intent_of(words)
        places = self.places.find(words)
        in_place = {i for start, end, *_ in places for i in range(start, end)}
        content = [i for i, w in enumerate(words)
                   if i not in in_place and i not in unknown and _is_content(w, i, intent_words)]
        if places:
            content = [i for i in content if words[i] not in PLACE_NOUNS]
        filters = tuple(parsed.filters)
        place_only = bool(places) and not content and len({p[2:] for p in places}) == 1
        if place_only:
            filters += tuple(dict.fromkeys((name, value) for _, _, name, value in places))
        concepts = self.concepts([words[i] for i in content], [certainty[i] for i in content])
        unknown |= {i for i in content if words[i] in {c.label for c in concepts if not c.alternatives}}
        concepts = [c for c in concepts if c.alternatives]
        if not place_only:
            for start, end, _name, value in places:
                concepts.append(self._place_concept(value, min(certainty[start:end])))
        excluded = tuple(t for w in parsed.excluded for t in [self.index.term_id(stem(fold(w)))] if t >= 0)
        stop_only = not typed and not filters or (bool(typed) and not content and not places and not unknown)
        preferred = () if place_only else tuple(dict.fromkeys((name, value) for _, _, name, value in places))
        return Understanding(concepts, filters, excluded, parsed.phrases, intent, corrections,
                             [typed[i] for i in sorted(unknown)], stop_only and not filters, place_only, preferred)

    def known(self, word: str) -> bool:
        """True for a word the search understands as typed (no spelling correction needed)."""
        return (word in self._query_words or word.isdigit() or self.index.term_id(stem(word)) >= 0
                or (stem(word),) in self.thesaurus)

    def spell(self, typed: list[str]) -> tuple[list[str], list[float], list[tuple[str, str]], set[int]]:
        """(words with typos corrected, certainty of each, corrections made, positions of unknown words)."""
        words, certainty, corrections, unknown = [], [], [], set()
        for i, word in enumerate(typed):
            if self.known(word):
                words.append(word)
                certainty.append(1.0)
                continue
            near = sorted(self.index.spelling.nearest(word) + self._query_spelling.nearest(word),
                          key=lambda we: we[1])
            if near:
                fixed, edits = near[0]
                corrections.append((word, fixed))
                words.append(fixed)
                certainty.append(self.options.typo_penalty ** edits)
            else:
                words.append(word)
                certainty.append(0.0)
                unknown.add(i)
        return words, certainty, corrections, unknown

    def concepts(self, content: list[str], certainty: list[float]) -> list[Concept]:
        """Group content words into concepts: thesaurus phrases first, then single words."""
        stems = [stem(w) for w in content]
        concepts = []
        i = 0
        while i < len(content):
            for n in range(min(self.thesaurus.longest, len(content) - i), 1, -1):
                term = tuple(stems[i:i + n])
                if term in self.thesaurus:
                    concepts.append(self._concept(" ".join(content[i:i + n]), term, min(certainty[i:i + n])))
                    i += n
                    break
            else:
                concepts.append(self._concept(content[i], (stems[i],), certainty[i]))
                i += 1
        return concepts

    def _concept(self, label: str, term: Term, weight: float) -> Concept:
        """The concept of one term: the term as typed, then its thesaurus equivalents (weighed less)."""
        concept = Concept(label, certainty=weight)
        for alternative, w in [(term, weight), *((t, weight * self.options.synonym_weight)
                                                for t in self.thesaurus.equivalents(term))]:
            ids = tuple(self.index.term_id(s) for s in alternative)
            if all(t >= 0 for t in ids):
                concept.alternatives.append((ids, w))
                concept.stems.update(alternative)
        return concept

    def _place_concept(self, value: str, certainty: float) -> Concept:
        """The concept of a place named among other words (its lessons rank first)."""
        words = [w for w in WORD.findall(fold(value)) if w not in STOP_WORDS]
        concept = self._concept(value, tuple(stem(w) for w in words), certainty)
        concept.place = True
        return concept


def intent_of(words: list[str]) -> tuple[str, set[int]]:
    """("challenges", "success" or "", positions of the words that only said so) for a question."""
    found: dict[str, set[int]] = {}
    for i, word in enumerate(words):
        for name, vocab in INTENT_WORDS.items():
            if word in vocab:
                found.setdefault(name, set()).add(i)
    for i, pair in enumerate(pairwise(words)):
        if pair in SUCCESS_PAIRS:
            found.setdefault("success", set()).update((i, i + 1))
        elif pair in CHALLENGE_PAIRS:
            found.setdefault("challenges", set()).update((i, i + 1))
    if len(found) != 1:
        return "", set()
    ((name, positions),) = found.items()
    return name, positions


def _is_content(word: str, position: int, intent_words: set[int]) -> bool:
    """True for a word that says what the question is about (not filler, stop word or intent)."""
    return word not in STOP_WORDS and word not in QUERY_FILLER and position not in intent_words
