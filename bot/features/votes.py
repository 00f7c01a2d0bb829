"""Recording a "Helpful" / "Not helpful" vote from any door: the question as the search understood it,
the lesson, a voter id (hashed by the store, never kept), and the vote."""
from __future__ import annotations

from knowledge import KnowledgeBase

from ..state import HELPFUL, NOT_HELPFUL, Feedback, StateStore, StateUnavailable, question_key

#: The polite answer when the server keeps no state at all (no store was given to the door).
NO_STORE = "Feedback is not kept on this server."
VOTES = {"helpful": HELPFUL, "not_helpful": NOT_HELPFUL, "not helpful": NOT_HELPFUL, "+1": HELPFUL,
         "1": HELPFUL, "-1": NOT_HELPFUL}


class UnknownLesson(ValueError):
    """The vote names a lesson the knowledge base does not have."""


def read_vote(value: object) -> int | None:
    """+1 or -1 from "helpful" / "not_helpful" (or 1 / -1); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value in (HELPFUL, NOT_HELPFUL) else None
    return VOTES.get(str(value).strip().lower()) if isinstance(value, str) else None


class Votes:
    """Records votes in the state store; raises `StateUnavailable` (with a polite `.message`) when it cannot."""

    def __init__(self, state: StateStore | None) -> None:
        self.feedback = Feedback(state) if state is not None else None

    def record(self, kb: KnowledgeBase, question: str, lesson_id: str, voter: str, vote: int) -> str:
        """Store (or change) the vote; returns the question as understood, under which it is kept.
        Raises `UnknownLesson`, `QueryError` (a question the search refuses) or `StateUnavailable`."""
        if self.feedback is None:
            raise StateUnavailable(NO_STORE, "no state store")
        if kb.get(lesson_id) is None:
            raise UnknownLesson(f"no lesson has the id {lesson_id!r}")
        answer = kb.ask(question, limit=1, explain=False)
        key = question_key(answer.understood or answer.query)
        self.feedback.vote(key, lesson_id, voter, vote)
        return key
