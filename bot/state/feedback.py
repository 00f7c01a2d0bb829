"""Feedback votes on hits ("Helpful" / "Not helpful"), kept without knowing who voted, and exported as
a judged query file in the format of `bench/queries.yaml`, so real questions can measure search quality.

A voter is stored as HMAC-SHA256(per-store random salt, voter id): one vote per voter, question and lesson
(changeable), with no way back to the person from the file alone.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import NamedTuple

import yaml

from .store import StateStore

HELPFUL, NOT_HELPFUL = 1, -1


class Tally(NamedTuple):
    """The votes on one lesson for one question."""

    helpful: int
    not_helpful: int
    distinct_voters: int

    @property
    def net(self) -> int:
        """Helpful minus not helpful."""
        return self.helpful - self.not_helpful


def question_key(question: str) -> str:
    """The form questions are stored and grouped by: white space collapsed, case folded."""
    return " ".join(question.split()).casefold()


def grade(tally: Tally) -> int:
    """The judged grade of a lesson from its votes: 2 when net helpful by two voters or more, 1 when by one,
    0 (left out of the judged file) when the votes are even or net negative."""
    return min(max(tally.net, 0), 2)


class Feedback:
    """The votes repository over a `StateStore`; every method may raise `StateUnavailable`."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self._salt: bytes | None = None  # the store's salt never changes once written, so read it once

    def _voter(self, voter_id: str) -> str:
        """The stored form of a voter: a keyed hash, never the id itself."""
        if self._salt is None:
            with self.store.read() as connection:
                salt = connection.execute("SELECT value FROM meta WHERE key = 'voter_salt'").fetchone()[0]
            self._salt = salt.encode()
        return hmac.new(self._salt, voter_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def vote(self, question_understood: str, lesson_id: str, voter_id: str, vote: int) -> None:
        """Record (or change) this voter's vote, +1 helpful or -1 not helpful, on a lesson for a question."""
        if vote not in (HELPFUL, NOT_HELPFUL):
            raise ValueError("a vote is +1 (helpful) or -1 (not helpful)")
        question = question_key(question_understood)
        if not question or not lesson_id or not voter_id:
            raise ValueError("a vote needs a question, a lesson id and a voter")
        voter = self._voter(voter_id)
        with self.store.write() as connection:
            connection.execute("""INSERT INTO votes (question, lesson_id, voter, vote, at) VALUES (?, ?, ?, ?, ?)
                                  ON CONFLICT (question, lesson_id, voter) DO UPDATE SET vote = excluded.vote,
                                  at = excluded.at""",
                               (question, lesson_id, voter, vote, self.store.clock()))

    def tally(self, question_understood: str) -> dict[str, Tally]:
        """The votes for one question, by lesson id."""
        with self.store.read() as connection:
            rows = connection.execute(f"{_TALLY} WHERE question = ? GROUP BY lesson_id",
                                      (question_key(question_understood),)).fetchall()
        return {lesson_id: Tally(*counts) for lesson_id, *counts in rows}

    def per_lesson(self) -> dict[str, Tally]:
        """All votes by lesson, whatever the question (for the operator's report)."""
        with self.store.read() as connection:
            rows = connection.execute(f"{_TALLY} GROUP BY lesson_id ORDER BY lesson_id").fetchall()
        return {lesson_id: Tally(*counts) for lesson_id, *counts in rows}

    def judged(self) -> list[dict[str, object]]:
        """The votes as judged queries: `{id, query, relevant: {lesson id: grade}, note}`, one per question
        with at least one net-helpful lesson. Questions whose lessons are all net negative are left out:
        "these hits were not helpful" does not mean nothing in the collection is relevant, and an empty
        `relevant` would claim that."""
        with self.store.read() as connection:
            rows = connection.execute(f"SELECT question, lesson_id, {_COUNTS} FROM votes GROUP BY question, lesson_id "
                                      "ORDER BY question, lesson_id").fetchall()
        by_question: dict[str, dict[str, Tally]] = {}
        for question, lesson_id, *counts in rows:
            by_question.setdefault(question, {})[lesson_id] = Tally(*counts)
        items = []
        for question, tallies in by_question.items():
            relevant = {_yaml_id(lesson): grade(t) for lesson, t in tallies.items() if grade(t) > 0}
            if not relevant:
                continue
            votes = "; ".join(f"{lesson} +{t.helpful}/-{t.not_helpful}" for lesson, t in tallies.items())
            items.append({"id": "feedback-" + hashlib.sha256(question.encode()).hexdigest()[:10],
                          "query": question, "relevant": relevant,
                          "note": f"From feedback votes (helpful/not helpful): {votes}."})
        return items

    def export_judged(self, path: str | Path) -> int:
        """Write `judged()` as YAML to `path` (replaced whole, never half-written); how many queries."""
        items = self.judged()
        header = ("# Judged queries from the bot's feedback votes; the format of bench/queries.yaml.\n"
                  "# relevant: lesson id -> grade (2 = net helpful by two voters or more, 1 = by one).\n"
                  "# Questions whose lessons were all voted net not helpful are left out.\n\n")
        body = yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=120) if items else "[]\n"
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(header + body, encoding="utf-8")
        os.replace(partial, target)
        return len(items)


_COUNTS = "sum(vote = 1), sum(vote = -1), count(DISTINCT voter)"
_TALLY = f"SELECT lesson_id, {_COUNTS} FROM votes"


def _yaml_id(lesson_id: str) -> int | str:
    """Numeric ids as YAML integers, like the hand-judged file; anything else (or "007") stays a string."""
    return int(lesson_id) if lesson_id.isdigit() and str(int(lesson_id)) == lesson_id else lesson_id
