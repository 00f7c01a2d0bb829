"""Query understanding: from the words a user typed to what the search looks for.

A pipeline of small steps: parse the filters out (`query.parse_query`), fold and split the words,
read each word (`Interpreter.spell`: known, a typo to correct, a real English word the lessons
hold only through its family, or unknown), find the intent (`intent_of`) and the places named
(`vocabulary.Places`), drop filler, recognise a question that only names a theme or category
(`Interpreter.label_only`), then group the words into *concepts*: a word, its thesaurus
equivalents, its family and its typo correction are one concept, and a place among other words
is one too.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from typing import NamedTuple

from .budget import Unsearched
from .either import either_or, joined
from .index import InvertedIndex
from .language import Families, english_count, english_near, is_english
from .options import SearchOptions
from .query import narrowed, parse_query
from .senses import FixedPairs
from .spelling import SpellingIndex, edit_budget
from .text import QUERY_FILLER, STOP_WORDS, WORD, fold, stem, without_negations
from .typos import TypoChecks
from .vocabulary import (
    CHALLENGE_PAIRS,
    INTENT_WORDS,
    LABEL_WORDS,
    PLACE_NOUNS,
    SUCCESS_PAIRS,
    Places,
    Term,
    Thesaurus,
    intent_of,
)

#: A real word this rare in English (the word list's count) may be a slip for a far commoner one.
RARE_WORD = 200
#: How much commoner in English a lesson word must be to be what a rare word's typist meant.
COMMONER = 100


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
    def terms(self) -> list[int]:
        """Every term id of every alternative, sorted (a list: a question's few cost less so)."""
        return sorted({t for ids, _ in self.alternatives for t in ids})


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
    #: Places, themes or categories named among other words: their lessons rank first.
    preferred: tuple[tuple[str, str], ...] = ()
    #: How many unknown words are names: typed in capitals ("OSH") or with digits ("C190"); others may be typos.
    unknown_names: int = 0
    #: What the question's budget left undone: words not looked up for typos, concepts not searched.
    unsearched: Unsearched = Unsearched()

    @property
    def reading(self) -> str:
        """The question as read, to group the ways one question is typed (typos fixed, filler dropped)."""
        text = " ".join([*(c.label for c in self.concepts), *self.unknown])
        for name, value in self.filters:
            text = narrowed(text, name, value) or text
        return text

    @property
    def named(self) -> tuple[tuple[str, str], ...]:
        """The places, themes and categories the question named: its filters, then what ranks first."""
        return tuple(dict.fromkeys((*self.filters, *self.preferred)))


class Reading(NamedTuple):
    """How each typed word was read: the word used, how sure, and what was found for it."""

    words: list[str]
    certainty: list[float]
    corrections: list[tuple[str, str]]
    unknown: set[int]
    #: The lesson stems of each word (by position) that only its family matches.
    families: dict[int, tuple[str, ...]]
    #: Unknown words not looked up for a typo (`TypoChecks.skipped`, `TypoChecks.too_long`).
    unchecked: list[str]
    too_long: list[str]


class Interpreter:
    """Reads questions against one index's vocabulary, the thesaurus and the corpus's places."""

    def __init__(self, index: InvertedIndex, thesaurus: Thesaurus, places: Places, options: SearchOptions,
                 labels: Mapping[str, Sequence[str]] | None = None) -> None:
        self.index = index
        self.thesaurus = thesaurus
        self.places = places
        self.options = options
        #: Words a question may use that need no lesson to hold them: filler, intent, labels, place names.
        self._query_words = frozenset(STOP_WORDS | QUERY_FILLER | PLACE_NOUNS | LABEL_WORDS
                                      | INTENT_WORDS["challenges"] | INTENT_WORDS["success"]
                                      | {w for pair in SUCCESS_PAIRS | CHALLENGE_PAIRS for w in pair}
                                      | {w for name in self.places.names for w in name}
                                      | self.thesaurus.words)
        self._query_spelling = SpellingIndex(sorted(w for w in self._query_words if w.isalpha()),
                                             [1] * len([w for w in self._query_words if w.isalpha()]))
        self.families = Families(list(index.stem_ids))
        #: Neighbouring words of the places' names ("latin", "america"), to correct a typo in context.
        self._place_pairs = {pair for name in places.names for pair in pairwise(name)}
        self._place_words = {w for pair in self._place_pairs for w in pair}
        self.fixed_pairs = FixedPairs(index)
        #: Each theme's and category's name with the stems of its words.
        self._labels = {kind: [(value, frozenset(stem(w) for w in WORD.findall(fold(value)) if w not in STOP_WORDS))
                               for value in values]
                        for kind, values in (labels or {}).items()}

    def understand(self, raw: str) -> Understanding:
        """Filters, concepts, intent, corrections and unknown words of a raw query."""
        parsed = parse_query(raw)
        typed = WORD.findall(without_negations(fold(parsed.text)))
        acronyms = _acronyms(parsed.text)
        read = self.spell(typed, acronyms)
        words, certainty, unknown = read.words, read.certainty, read.unknown
        intent, intent_words = intent_of(words)
        places = self.places.find(words)
        in_place = {i for start, end, *_ in places for i in range(start, end)}
        content = [i for i, w in enumerate(words)
                   if i not in in_place and i not in unknown and _is_content(w, i, intent_words)]
        if places:
            content = [i for i in content if words[i] not in PLACE_NOUNS]
        for i, j in self.fixed_pairs.other_sense(words, content, unknown).items():  # "civil servants"
            words[j] = f"{words[i]} {words[j]}" if i < j else f"{words[j]} {words[i]}"
            content.remove(i)
        filters = tuple(parsed.filters)
        labels = self.label_only([words[i] for i in content])
        tagged = bool(labels) and not LABEL_WORDS.isdisjoint(words)
        if tagged:  # "overview of lessons tagged migration": the label's lessons, as a filter, ranked by its
            filters += labels  # words; the words around it that no lesson has only frame the request
            unknown = set()
        place_only = bool(places) and (not content or tagged) and len({p[2:] for p in places}) == 1
        if place_only:
            filters += tuple(dict.fromkeys((name, value) for _, _, name, value in places))
        links = either_or(words, {*content, *unknown})
        unknown -= {j for i, j in links if i not in unknown} | {i for i, j in links if j not in unknown}
        found = joined(self.concepts([words[i] for i in content], [certainty[i] for i in content],
                                      [read.families.get(i, ()) for i in content]), content, links)
        unknown |= {content[j] for c, positions in found if not c.alternatives for j in positions}
        concepts = [c for c, _ in found if c.alternatives]
        if not place_only:
            for start, end, _name, value in places:
                concepts.append(self._place_concept(value, min(certainty[start:end]), words[start:end]))
        concepts, left_out = self._searched(concepts)
        excluded = tuple(t for w in parsed.excluded for t in [self.index.term_id(stem(fold(w)))] if t >= 0)
        stop_only = not typed and not filters or (bool(typed) and not content and not places and not unknown)
        preferred = () if place_only else tuple(dict.fromkeys((name, value) for _, _, name, value in places))
        if labels and not tagged:  # "cooperatives": the lessons filed under it first, then the rest
            preferred += labels
        missing: dict[str, int] = {}  # each unknown word once, at its first place, in question order
        for i in sorted(unknown):
            missing.setdefault(words[i], i)
        names = sum(1 for w, i in missing.items() if typed[i] in acronyms or any(map(str.isdigit, w)))
        return Understanding(concepts, filters, excluded, parsed.phrases, intent, read.corrections,
                             list(missing), stop_only and not filters, place_only, preferred,
                             names, Unsearched(tuple(read.unchecked), tuple(read.too_long), left_out))

    def _searched(self, concepts: list[Concept]) -> tuple[list[Concept], tuple[str, ...]]:
        """The concepts to search, each once, at most `max_terms` of them (every stage of the search
        costs in proportion to them), and the labels of those left out."""
        first: dict[tuple[str, bool], Concept] = {}
        for concept in concepts:
            first.setdefault((concept.label, concept.place), concept)
        unique = list(first.values())
        most = self.options.max_terms
        return unique[:most], tuple(c.label for c in unique[most:])

    def known(self, word: str) -> bool:
        """True for a word the search understands as typed (no spelling correction needed)."""
        return (word in self._query_words or word.isdigit() or self.index.term_id(stem(word)) >= 0
                or (stem(word),) in self.thesaurus or self.places.is_adjective(word))

    def known_as_typed(self, word: str) -> bool:
        """True for a word the lessons hold as typed or as its plural ("NEETs"), or a thesaurus term."""
        term = self.index.term_id(stem(word))
        return (stem(word),) in self.thesaurus or (
            term >= 0 and not {word, word + "s"}.isdisjoint(self.index.spellings(term)))

    def spell(self, typed: list[str], acronyms: frozenset[str] = frozenset()) -> Reading:
        """How each typed word is read.

        A word the search knows is taken as typed (with its family when the lessons hold it only in
        other forms). A word typed in capitals is an acronym or a name: taken as typed, or unknown.
        A word of the English language that no lesson holds is no typo: only its family may match
        it. Anything else is a typo, corrected to the likeliest word meant; failing that, unknown.
        Look-ups for typos stop when the question's budget (`TypoChecks`) is spent: the unknown
        words past it are taken as typed.
        """
        checks = TypoChecks(self.options.max_typo_checks, self.options.max_word_chars)
        read = Reading(list(typed), [1.0] * len(typed), [], set(), {}, checks.skipped, checks.too_long)
        for i, word in enumerate(typed):
            if word in acronyms:
                if not self.known_as_typed(word):
                    read.unknown.add(i)
            elif self.known(word):
                if self.index.term_id(stem(word)) < 0 and (family := self.families.of(stem(word))):
                    read.families[i] = tuple(family)
            elif not is_english(word) and checks.allow(word) and (
                    near := checks.once("near", word, partial(self.nearest, word))):
                self._correct(read, i, self._in_context(near, typed, i, checks))
            elif len(word) <= checks.longest and (family := self.families.inflected(word)):
                read.families[i] = tuple(family)  # another form of the same word comes before a slip
            elif slip := self._slip(typed, i, checks):
                self._correct(read, i, slip)
            elif len(word) <= checks.longest and (family := self.families.of(stem(word))):
                read.families[i] = tuple(family)
            else:
                self._unknown(read, i, checks)
        return read

    def _slip(self, typed: list[str], i: int, checks: TypoChecks) -> tuple[str, int] | None:
        """The word meant by a real word no lesson holds, when it is a slip: one edit from a word that
        completes a place's name with its neighbour ("Arab Status" → "Arab States"), or a rare word
        one edit from a lesson word far commoner in English ("chid" → "child", "miliary" → "military")."""
        word = typed[i]
        neighbours = {typed[j] for j in (i - 1, i + 1) if 0 <= j < len(typed)}
        rare = english_count(word) <= RARE_WORD
        if not (rare or neighbours & self._place_words) or not checks.allow(word):
            return None
        near = [(w, d) for w, d in checks.once("near", word, partial(self.nearest, word)) if d == 1]
        for w, d in near:
            if (i > 0 and (typed[i - 1], w) in self._place_pairs) or \
                    (i + 1 < len(typed) and (w, typed[i + 1]) in self._place_pairs):
                return w, d
        common = [(w, d) for w, d in near if self.index.term_id(stem(w)) >= 0
                  and english_count(w) >= COMMONER * max(english_count(word), 1)]
        return common[0] if rare and common else None

    def _correct(self, read: Reading, i: int, fixed: tuple[str, int]) -> None:
        """Read word `i` as `fixed` (word, edits), less sure by the edits it took."""
        word, edits = fixed
        read.corrections.append((read.words[i], word))
        read.words[i] = word
        read.certainty[i] = self.options.typo_penalty ** edits
        if not self.known(word):  # an English word the lessons hold in another form
            read.families[i] = tuple(self.families.of(stem(word)))

    def _unknown(self, read: Reading, i: int, checks: TypoChecks) -> None:
        """Word `i` is in no lesson: reported, and spelt as the English word meant when it is a typo of
        one (when the question's budget allows the look-up)."""
        word = read.words[i]
        spelt = [] if is_english(word) or not checks.allow(word) else \
            checks.once("english", word, partial(english_near, word, edit_budget(word), limit=1))
        if spelt:
            read.corrections.append((word, spelt[0][0]))
            read.words[i] = spelt[0][0]
        read.certainty[i] = 0.0
        read.unknown.add(i)

    def nearest(self, word: str) -> list[tuple[str, int]]:
        """The likeliest words meant by a misspelt one, (word, edits), fewest edits first: words of
        the lessons, and English words the lessons hold in their own form or their family's
        ("draftiug" → "drafting", which the lessons have as "drafted"); lesson words win ties."""
        lesson = self._lesson_near(word)
        english = [(w, d) for w, d in english_near(word, edit_budget(word))
                   if self.known(w) or self.families.of(stem(w))]
        ranked = sorted([(d, 0, n, w) for n, (w, d) in enumerate(lesson)]
                        + [(d, 1, n, w) for n, (w, d) in enumerate(english)])
        return [(w, d) for d, _, _, w in ranked]

    def _in_context(self, near: list[tuple[str, int]], typed: list[str], i: int,
                    checks: TypoChecks) -> tuple[str, int]:
        """The correction that makes a place's name or a thesaurus term with a word beside it, even
        at one more edit ("lautin amrica" → "latin america", not "latin africa"; "ocuational
        safety" → "occupational safety", not "vocational"), else the nearest."""
        if len(near) > 1:
            before = self._guess(typed[i - 1], checks) if i > 0 else ""
            after = self._guess(typed[i + 1], checks) if i + 1 < len(typed) else ""
            for word, edits in near:
                if self._a_pair(before, word) or self._a_pair(word, after):
                    return word, edits
        return near[0]

    def _a_pair(self, first: str, second: str) -> bool:
        """True when two neighbouring words make (part of) a place's name or a thesaurus term."""
        return bool(first and second) and ((first, second) in self._place_pairs
                                           or (stem(first), stem(second)) in self.thesaurus.pairs)

    def _guess(self, word: str, checks: TypoChecks) -> str:
        """A word as the search would first correct it, to read a neighbour's context."""
        if self.known(word) or not checks.allow(word):
            return word
        near = checks.once("guess", word, partial(self._lesson_near, word))
        return min(near, key=lambda we: we[1])[0] if near else word

    def _lesson_near(self, word: str) -> list[tuple[str, int]]:
        """The nearest words of the lessons and of the question vocabulary (one look-up each)."""
        return self.index.spelling.nearest(word) + self._query_spelling.nearest(word)

    def label_only(self, content: list[str]) -> tuple[tuple[str, str], ...]:
        """The theme or category a question amounts to when its words are that label's name and
        words most lessons hold ("all our work on forced labour"), as a filter; else ().

        A word in most lessons ("work") cannot tell one lesson from another, so it neither blocks
        nor makes the match.
        """
        if not content:
            return ()
        common = self.index.n_docs // 2
        stems = [stem(w) for w in content]
        for kind, labels in self._labels.items():
            for value, value_stems in labels:
                if value_stems and value_stems <= set(stems) and all(
                        s in value_stems or self.index.df_of(s) > common for s in stems):
                    return ((kind, value),)
        return ()

    def concepts(self, content: list[str], certainty: list[float],
                 families: list[tuple[str, ...]]) -> list[tuple[Concept, range]]:
        """Group content words into concepts (thesaurus phrases first, then single words), each with
        the positions in `content` of the words it stands for."""
        stems = [stem(w) for w in content]
        concepts = []
        i = 0
        while i < len(content):
            for n in range(min(self.thesaurus.longest, len(content) - i), 1, -1):
                term = tuple(stems[i:i + n])
                if term in self.thesaurus:
                    concept = self._concept(" ".join(content[i:i + n]), term, min(certainty[i:i + n]))
                    concepts.append((concept, range(i, i + n)))
                    i += n
                    break
            else:
                concepts.append((self._concept(content[i], (stems[i],), certainty[i], families[i]), range(i, i + 1)))
                i += 1
        return concepts

    def _concept(self, label: str, term: Term, weight: float, family: tuple[str, ...] = ()) -> Concept:
        """The concept of one term: the term as typed, then its thesaurus equivalents and its family
        (each weighed less)."""
        concept = Concept(label, certainty=weight)
        related = [(t, weight * self.options.synonym_weight) for t in self.thesaurus.equivalents(term)]
        related += [((s,), weight * self.options.family_weight) for s in family]
        for alternative, w in [(term, weight), *related]:
            ids = tuple(self.index.term_id(s) for s in alternative)
            if all(t >= 0 for t in ids):
                concept.alternatives.append((ids, w))
                concept.stems.update(alternative)
        return concept

    def _place_concept(self, value: str, certainty: float, typed: list[str]) -> Concept:
        """The concept of a place named among other words (its lessons rank first): its name, and
        the words typed for it when they differ ("African", "Vietnam") and some lesson holds them."""
        words = [w for w in WORD.findall(fold(value)) if w not in STOP_WORDS]
        concept = self._concept(value, tuple(stem(w) for w in words), certainty)
        own = tuple(stem(w) for w in typed if w not in STOP_WORDS)
        ids = tuple(self.index.term_id(s) for s in own)
        if own and ids not in [a for a, _ in concept.alternatives] and all(t >= 0 for t in ids):
            concept.alternatives.append((ids, certainty))
            concept.stems.update(own)
        concept.place = True
        return concept


def _acronyms(text: str) -> frozenset[str]:
    """The folded words typed in capitals ("HIV", "OSH"), unless the whole question is in capitals."""
    if not any(ch.islower() for ch in text):
        return frozenset()
    return frozenset(fold(w) for w in WORD.findall(text) if len(w) > 1 and w.isupper() and w.isalpha())


def _is_content(word: str, position: int, intent_words: set[int]) -> bool:
    """True for a word that says what the question is about (not filler, stop word, label or intent)."""
    return (word not in STOP_WORDS and word not in QUERY_FILLER and word not in LABEL_WORDS
            and position not in intent_words)
