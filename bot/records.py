"""What the doors keep beyond one answer, opened once by `bot.serve` and handed to every door."""
from __future__ import annotations

from typing import NamedTuple

from .recording import QuestionRecorder
from .state import StateStore


class Records(NamedTuple):
    """The state file and the question log; `Records()` keeps nothing (the tests' default).

    `state`: subscriptions, feedback votes and their place in the ranking, the question log the
    admin page reads, and Slack's retry keys (shared by every worker); None: those answer politely
    that they are not kept, and `/healthz` says nothing of it. `questions`: logs every question a
    door answers (never who asked or where); None: not logged.
    """

    state: StateStore | None = None
    questions: QuestionRecorder | None = None


#: The default of every door: nothing kept.
NOTHING_KEPT = Records()
