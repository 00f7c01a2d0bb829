"""The bot's persistent state: one SQLite file shared by every server process.

Build one `StateStore(path)` at start-up and pass it (or the repositories over it) to the doors.
Every operation may raise `StateUnavailable`: show its `.message`, log its `.detail`, keep searching.
"""
from .dedup import Dedup
from .feedback import HELPFUL, NOT_HELPFUL, Feedback, Tally, grade, question_key
from .questions import Entry, Gap, QuestionLog, Share, scrub
from .schema import MIGRATIONS, SCHEMA_VERSION
from .store import Health, StateStore, StateUnavailable
from .subscriptions import Scope, Subscription, Subscriptions

__all__ = [
    "Dedup",
    "Entry",
    "Feedback",
    "Gap",
    "HELPFUL",
    "Health",
    "MIGRATIONS",
    "NOT_HELPFUL",
    "QuestionLog",
    "SCHEMA_VERSION",
    "Scope",
    "Share",
    "StateStore",
    "StateUnavailable",
    "Subscription",
    "Subscriptions",
    "Tally",
    "grade",
    "question_key",
    "scrub",
]
