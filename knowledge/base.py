"""The knowledge base: every lesson loaded, indexed once, read-only, searched by every door."""
from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from .answer import Answer, Hit
from .budget import over_budget
from .load import DEFAULT_MAX_FILE_BYTES, LoadReport, load_lessons
from .options import SearchOptions
from .record import Lesson
from .search import Searcher

#: The sample lessons shipped inside the package: the corpus used when no path is given.
BUNDLED_LESSONS = Path(__file__).parent / "data" / "lessons"


class QueryError(ValueError):
    """A query the search refuses; the message is safe to show a user, and `code` says which
    refusal it is, for a door to map without reading the message:

    - ``"query_too_long"``: longer than `SearchOptions.max_query_chars`;
    - ``"too_many_words"``, ``"too_many_phrases"``, ``"too_many_filters"``:
      over the question's cost budget (`budget.py`; the message names the setting);
    - ``"query_not_text"``: the query is not a string;
    - ``"invalid_limit"``: the limit is outside 1..`SearchOptions.max_limit`;
    - ``"invalid_offset"``: the offset is below 0.
    """

    CODES = ("query_too_long", "too_many_words", "too_many_phrases", "too_many_filters",
             "query_not_text", "invalid_limit", "invalid_offset")

    def __init__(self, message: str, *, code: str) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown QueryError code {code!r}")
        super().__init__(message)
        self.code = code


class KnowledgeBase:
    """Lessons plus their search index. Build a new one to change it; never mutated in place."""

    def __init__(
        self,
        lessons: Iterable[Lesson],
        *,
        options: SearchOptions | None = None,
        report: LoadReport | None = None,
        loaded_at: float | None = None,
    ) -> None:
        self._lessons = tuple(lessons)
        self._by_id = {lesson.id: lesson for lesson in self._lessons}
        self.options = options or SearchOptions()
        self.report = report or LoadReport(loaded=len(self._lessons))
        self.loaded_at = time.time() if loaded_at is None else loaded_at
        self._searcher = Searcher(list(self._lessons), self.options)

    @classmethod
    def from_paths(
        cls,
        paths: Iterable[str | os.PathLike[str]] = (),
        *,
        options: SearchOptions | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        progress: Callable[[int, str], None] | None = None,
    ) -> KnowledgeBase:
        """Load files and folders (the bundled sample lessons when `paths` is empty).

        Bad files never raise: they are listed in `kb.report` with the reason.
        """
        paths = list(paths) or [BUNDLED_LESSONS]
        lessons, report = load_lessons(paths, max_file_bytes=max_file_bytes, progress=progress)
        return cls(lessons, options=options, report=report)

    def __len__(self) -> int:
        return len(self._lessons)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self._lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return self._by_id.get(str(lesson_id))

    def ask(self, query: str, limit: int | None = None, offset: int = 0, *, explain: bool = True,
            group: bool | None = None, boosts: Mapping[str, float] | None = None) -> Answer:
        """Search and explain: a page of hits plus totals, filters, corrections and facets.

        Raises `QueryError` (see its `code`) for a query longer than `options.max_query_chars`, over
        its cost budget (`budget.over_budget`), or a bad page. `explain=False` leaves the hits'
        summaries and highlights out (ranking alone).
        `group`: one hit per evaluation (None: `options.group_by_evaluation`). `boosts`: lesson id ->
        a factor its score is multiplied by after scoring, held within `rank.BOOST_LIMITS`
        (0.8-1.25); only lessons that match move, and never past the tiers the question asks for.
        """
        limit = self.options.default_limit if limit is None else limit
        if not isinstance(query, str):
            raise QueryError("the query must be text", code="query_not_text")
        if len(query) > self.options.max_query_chars:
            raise QueryError(
                f"the query is {len(query):,} characters long; the limit is {self.options.max_query_chars:,} "
                f"(setting max_query_chars): ask in fewer words", code="query_too_long")
        if not 1 <= limit <= self.options.max_limit:
            raise QueryError(f"limit must be between 1 and {self.options.max_limit} (setting max_limit)",
                             code="invalid_limit")
        if offset < 0:
            raise QueryError("offset must be 0 or more", code="invalid_offset")
        refused = over_budget(query, self.options)
        if refused is not None:
            raise QueryError(refused.message, code=refused.code)
        return self._searcher.ask(query, limit, offset, explain=explain, group=group, boosts=boosts)

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The best `limit` hits for `query`, best first (the short form of `ask`)."""
        return list(self.ask(query, limit=min(limit, self.options.max_limit)).hits)

    def related(self, lesson_id: str, limit: int = 5) -> list[Hit]:
        """Up to `limit` other lessons most like this one, best first ([] for an unknown id).

        Near-duplicates of the lesson are left out; each hit's summary shows the shared words.
        """
        if limit < 1:
            return []
        return self._searcher.related(str(lesson_id), min(limit, self.options.max_limit))

    def clear_caches(self) -> None:
        """Forget what answering kept for next time (the lessons' sentences, cut for summaries), so a
        benchmark's next question is a first sight. Answers are the same either way."""
        self._searcher.cut.cache_clear()

    def stats(self) -> dict[str, Counter[str]]:
        """How many lessons each region, country and theme has."""
        counts: dict[str, Counter[str]] = {"region": Counter(), "country": Counter(), "theme": Counter()}
        for lesson in self._lessons:
            counts["region"].update(lesson.regions)
            counts["country"].update(lesson.countries)
            counts["theme"].update(lesson.theme_values)
        return counts
