"""Feedback in the ranking, bounded and explainable: a lesson people voted on for the same understood
question moves a little, up for "helpful" and down for "not helpful", and the answer says so.

The rule (`factor`): at least two distinct voters on that lesson for that question, then 10% per net
vote, at most two votes' worth (x0.8 to x1.2), applied by the knowledge base after scoring to lessons
that match anyway (`KnowledgeBase.ask(boosts=...)`, which holds any factor within 0.8-1.25).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from knowledge import Answer, KnowledgeBase

from ..answer_cache import AnswerCache
from ..state import Feedback, StateStore, StateUnavailable, Tally

log = logging.getLogger("lessons.feedback")

MIN_VOTERS = 2
STEP = 0.1
MAX_NET = 2


def factor(tally: Tally) -> float:
    """How much the votes move a lesson: 1.0 (not at all) below two voters or when the votes cancel."""
    if tally.distinct_voters < MIN_VOTERS:
        return 1.0
    return round(1.0 + STEP * max(-MAX_NET, min(MAX_NET, tally.net)), 4)


@dataclass(frozen=True)
class FeedbackNote:
    """Why a hit's score moved: the votes, the factor, and where it ranked without them (None: below the page)."""

    helpful: int
    not_helpful: int
    voters: int
    factor: float
    rank_without: int | None

    def to_dict(self) -> dict[str, object]:
        """The hit's `feedback` object in the JSON."""
        return {"helpful": self.helpful, "not_helpful": self.not_helpful, "voters": self.voters,
                "factor": self.factor, "rank_without_feedback": self.rank_without}


class Explained(NamedTuple):
    """An answer and, for its hits that feedback moved, why (by lesson id)."""

    answer: Answer
    feedback: Mapping[str, FeedbackNote]


NO_NOTES: Mapping[str, FeedbackNote] = MappingProxyType({})


class FeedbackRanking:
    """Asks the knowledge base with the votes for the question; without a store, or switched off, a
    plain search. A store that fails costs the boost, never the answer."""

    def __init__(self, state: StateStore | None, enabled: bool = True, answers: AnswerCache | None = None) -> None:
        """`answers`: where answers already given are kept (`bot.answer_cache`; None: every time asked)."""
        self.feedback = Feedback(state) if state is not None and enabled else None
        self.answers = answers

    def ask(self, kb: KnowledgeBase, query: str, limit: int | None = None, offset: int = 0, *,
            group: bool | None = None, explain: bool = True) -> Explained:
        """The answer to `query`, moved by the votes on it. Raises `QueryError` as `kb.ask` does."""
        plain = self._ask(kb, query, limit=limit, offset=offset, group=group, explain=explain)
        if self.feedback is None or not plain.hits:
            return Explained(plain, NO_NOTES)
        try:
            tallies = self.feedback.tally(plain.understood or plain.query)
        except StateUnavailable:  # the store logged it; the answer goes out unmoved
            return Explained(plain, NO_NOTES)
        boosts = {lesson: f for lesson, tally in tallies.items() if (f := factor(tally)) != 1.0}
        if not boosts:
            return Explained(plain, NO_NOTES)
        moved = self._ask(kb, query, limit=limit, offset=offset, group=group, explain=explain, boosts=boosts)
        before = {hit.lesson.id: plain.offset + n for n, hit in enumerate(plain.hits, 1)}
        notes = {}
        for hit in moved.hits:
            lesson = hit.lesson.id
            if lesson in boosts:
                tally = tallies[lesson]
                notes[lesson] = FeedbackNote(tally.helpful, tally.not_helpful, tally.distinct_voters,
                                             boosts[lesson], before.get(lesson))
        return Explained(moved, MappingProxyType(notes))

    def _ask(self, kb: KnowledgeBase, query: str, **options: object) -> Answer:
        return self.answers.ask(kb, query, **options) if self.answers is not None else kb.ask(query, **options)
