"""Search settings: plain values the knowledge base is built with (the doors read them from config)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .record import PROSE_FIELDS

#: Prose fields that count less than a full word (the others count 1.0).
_LIGHTER_PROSE = {"context": 0.7, "administrative_issues": 0.5}
#: How much a word found in each field counts (BM25F field weights): title, theme, category,
#: place, then the prose fields in page order.
DEFAULT_FIELD_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "title": 3.0,
    "theme": 2.5,
    "category": 1.0,
    "place": 2.5,
    **{name: _LIGHTER_PROSE.get(name, 1.0) for name in PROSE_FIELDS},
})


@dataclass(frozen=True)
class SearchOptions:
    """How the search ranks and how much it answers; every field has a documented default."""

    #: Hits per answer when the caller names no limit.
    default_limit: int = 5
    #: The most hits one answer may hold, whatever the caller asks.
    max_limit: int = 50
    #: Longer queries are refused with a clear message rather than searched.
    max_query_chars: int = 500
    #: The cost budget of one question (`budget.py`): more words (once folded: one character can
    #: spell out several), more quoted phrases or more filters and exclusions are refused with a
    #: message naming the setting. Three limits refuse nothing, and the answer's notice says when
    #: they bite: longer words and the unknown words past the first `max_typo_checks` are taken as
    #: typed (never looked up for a typo), and only the first `max_terms` concepts are searched.
    max_words: int = 100
    max_word_chars: int = 50
    max_phrases: int = 5
    max_filters: int = 10
    max_typo_checks: int = 8
    max_terms: int = 24
    #: Extra synonyms: a word or acronym → the words it also means (added to the bundled thesaurus).
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: BM25F weight of each field: title, theme, category, place, and the six prose fields.
    field_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_FIELD_WEIGHTS)
    #: BM25 term-frequency saturation (k1) and length normalisation (b).
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    #: How many lessons' worth of English prose each word's rarity is smoothed with, never more than
    #: there are lessons (0: the lessons alone): among a few lessons an everyday word ("keep") may
    #: look as rare as a topic.
    english_prior: float = 100.0
    #: Share of the query's concepts (0-1, rarer words weigh more) a lesson must match to count as a match.
    min_coverage: float = 0.3
    #: How strongly matching more of the query's concepts outranks matching one of them often.
    coverage_power: float = 2.0
    #: Score multiplier per typo corrected in a matched word (1 edit: x0.7, 2 edits: x0.49).
    typo_penalty: float = 0.7
    #: Score multiplier for a match through a synonym or acronym rather than the word typed.
    synonym_weight: float = 0.8
    #: Score multiplier for a match through a word of the same family ("entrepreneurship" for "entrepreneurs").
    family_weight: float = 0.7
    #: Bonus (a share of the score) when query words stand next to each other in the lesson.
    proximity_bonus: float = 0.3
    #: Bonus when the query's words are in the field its intent asks for (challenges or success).
    intent_bonus: float = 1.0
    #: Words lent by the best lessons when the page is not full, to find lessons that say the same in
    #: other words (pseudo-relevance feedback; 0 turns it off).
    expansion_terms: int = 5
    #: How much a lent word counts, as a share of an average word of the question.
    expansion_weight: float = 0.3
    #: Show one hit per evaluation (the best), naming the other lessons of it.
    group_by_evaluation: bool = False

    def __post_init__(self) -> None:
        """Refuse values that would break every search, naming the setting."""
        if not 1 <= self.default_limit <= self.max_limit:
            raise ValueError(f"default_limit: must be between 1 and max_limit ({self.max_limit}), "
                             f"got {self.default_limit}")
        for name in ("max_query_chars", "max_words", "max_word_chars", "max_phrases", "max_filters", "max_terms"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be at least 1, got {getattr(self, name)}")
        if not self.english_prior >= 0:  # NaN too: it would turn the prior off unsaid
            raise ValueError(f"english_prior: must be 0 or more, got {self.english_prior}")
        if self.max_typo_checks < 0:
            raise ValueError(f"max_typo_checks: must be 0 or more, got {self.max_typo_checks}")
        for name in ("min_coverage", "typo_penalty", "synonym_weight", "family_weight", "expansion_weight", "bm25_b"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name}: must be between 0 and 1, got {getattr(self, name)}")
        unknown = sorted(set(self.field_weights) - set(DEFAULT_FIELD_WEIGHTS))
        if unknown:
            raise ValueError(f"field_weights: unknown field {unknown[0]!r} "
                             f"(fields: {', '.join(DEFAULT_FIELD_WEIGHTS)})")
        if any(weight < 0 for weight in self.field_weights.values()):
            raise ValueError("field_weights: weights must not be negative")
        # a partial mapping changes the fields it names; the others keep their defaults
        object.__setattr__(self, "field_weights", MappingProxyType({**DEFAULT_FIELD_WEIGHTS, **self.field_weights}))
