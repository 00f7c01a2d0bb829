"""What a search gives back: hits with their summaries, and the answer around them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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

    @property
    def has_more(self) -> bool:
        """True when lessons beyond this page match too."""
        return self.offset + len(self.hits) < self.total
