"""A first, simple search: rapidfuzz token matching over each lesson's main fields.

The ranked, typo-tolerant engine replaces this module's `Searcher` behind the same interface.
"""
from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process, utils

from .answer import Answer, Hit
from .options import SearchOptions
from .query import fold, matches_filters, parse_query
from .record import Lesson
from .summary import summarize

_FILLER = re.compile(r"^(show me|lessons? (on|about|from|for)|anything about|what went wrong with)\s+", re.I)


class Searcher:
    """Scores every lesson against the query; fine for a few thousand lessons."""

    def __init__(self, lessons: list[Lesson], options: SearchOptions) -> None:
        self.lessons = lessons
        self.options = options
        self.texts = [fold(self._text(lesson)) for lesson in lessons]

    @staticmethod
    def _text(lesson: Lesson) -> str:
        return " ".join((lesson.title, " ".join(lesson.theme_names), lesson.country, lesson.region,
                         *lesson.prose().values()))

    def ask(self, query: str, limit: int, offset: int = 0) -> Answer:
        parsed = parse_query(query)
        folded = _FILLER.sub("", fold(parsed.text).strip())
        if not utils.default_process(folded) and not parsed.filters:
            return Answer(query=query, notice="The question has no words to search for.")
        allowed = [i for i, lesson in enumerate(self.lessons) if matches_filters(lesson, parsed.filters)]
        if utils.default_process(folded):
            matches = process.extract(folded, {i: self.texts[i] for i in allowed}, scorer=fuzz.token_set_ratio,
                                      processor=utils.default_process,
                                      score_cutoff=self.options.min_score, limit=None)
        else:
            matches = [("", 100.0, i) for i in allowed]
        terms = set(utils.default_process(folded).split())
        hits = []
        for _, score, index in matches[offset: offset + limit]:
            lesson = self.lessons[index]
            summary, source, spans = summarize(lesson, terms)
            hits.append(Hit(lesson, round(score / 100, 4), summary, source, spans))
        countries = Counter(c for _, _, i in matches for c in self.lessons[i].countries)
        return Answer(query=query, hits=tuple(hits), total=len(matches), offset=offset,
                      filters=parsed.filters, facets={"country": tuple(countries.most_common(10))})
