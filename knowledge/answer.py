"""What a search gives back: hits with their summaries, and the answer around them."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .record import Lesson


@dataclass(frozen=True)
class Hit:
    """One matching lesson, why it matched, and the words of it that answer the query.

    `highlights` are (start, end) character spans in `summary` of the matched words, so each
    door can mark them up in its own syntax (mrkdwn, Markdown, HTML). `summary_field` names the
    prose field the summary was taken from ("challenges", "success", ...).
    """

    lesson: Lesson
    score: float
    summary: str = ""
    summary_field: str = ""
    highlights: tuple[tuple[int, int], ...] = ()
    #: The query's words (or phrases) this lesson matched, as understood (typos corrected).
    matched_terms: tuple[str, ...] = ()
    #: Ids of lessons folded into this hit: near-duplicates, or (when grouping by evaluation)
    #: the other matching lessons of the same evaluation.
    grouped: tuple[str, ...] = ()
    #: The title to show when it differs from the lesson's own (see `title`).
    label: str = ""

    @property
    def title(self) -> str:
        """The title every door shows: the lesson's, with its lesson number added when another hit
        of the same answer has the same title (two lessons of one evaluation side by side)."""
        return self.label or self.lesson.display_title


def told_apart(hits: Sequence[Hit]) -> tuple[Hit, ...]:
    """`hits` with the lesson number added to every title that more than one of them shows."""
    seen = Counter(hit.lesson.display_title.casefold() for hit in hits)
    return tuple(replace(hit, label=f"{hit.lesson.display_title} (lesson {hit.lesson.id})")
                 if seen[hit.lesson.display_title.casefold()] > 1 else hit for hit in hits)


@dataclass(frozen=True)
class Answer:
    """A page of hits, best first, with what the search understood of the query.

    `total` counts every matching lesson, not only this page; `filters` lists the
    (name, value) filters applied, `corrections` the (typed, used) spelling fixes, and
    `suggestions` the nearest known terms when nothing matched.
    """

    query: str
    hits: tuple[Hit, ...] = ()
    total: int = 0
    offset: int = 0
    filters: tuple[tuple[str, str], ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    suggestions: tuple[str, ...] = ()
    facets: Mapping[str, tuple[tuple[str, int], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    notice: str = ""
    #: Words lent by the best lessons to find more (pseudo-relevance feedback); weaker than the words typed.
    expanded: tuple[str, ...] = ()
    #: The question as the search read it (see `Understanding.reading`): the same for every way of typing it.
    understood: str = ""
    #: The places, themes and categories the question named, as filters or among its words.
    named: tuple[tuple[str, str], ...] = ()
    #: True when lessons matched but the first hit does not answer the whole question: it misses one of
    #: the question's topics, or a word of the question is in no lesson and was left out. A weak answer.
    partial: bool = False

    @property
    def has_more(self) -> bool:
        """True when lessons beyond this page match too."""
        return self.offset + len(self.hits) < self.total
