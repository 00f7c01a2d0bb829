"""The question log of issue 14: what people ask, through which door, and what they did not find.

Privacy is in the signature: `record` takes no user id, channel or token, so a door cannot pass one.
As defence in depth, Slack's mention and channel markup, e-mail addresses and Slack tokens are scrubbed
from the question text before it is stored. Old rows go with `purge_older_than`.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .feedback import question_key
from .store import StateStore

DAY = 86_400.0
MAX_TOP_IDS = 10
_DOOR = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
_SCRUB = (
    (re.compile(r"<[@#!][^>]*>"), ""),  # Slack user, channel and group mentions: <@U123>, <#C1|name>
    (re.compile(r"<mailto:[^>]*>"), "[email]"),
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "[email]"),
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"), "[token]"),
)
FilterValue = str | Sequence[str]


def scrub(text: str) -> str:
    """The question without mentions, channel names, e-mail addresses or Slack tokens."""
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


class Share(NamedTuple):
    """How many of the questions asked found nothing."""

    nothing_found: int
    asked: int

    @property
    def ratio(self) -> float | None:
        """The share from 0 to 1; None when nothing was asked."""
        return self.nothing_found / self.asked if self.asked else None


class Entry(NamedTuple):
    """One logged question, for reports that count what SQL does not (themes of the lessons found)."""

    at: float
    door: str
    typed: str
    understood: str
    filters: dict[str, list[str]]
    total: int
    top_ids: list[str]
    nothing_found: bool
    latency_ms: float


@dataclass(frozen=True)
class Gap:
    """A question people ask that the lessons do not answer: evidence the organisation lacks."""

    question: str
    asked: int
    last_asked: float


def _since(since: float | None) -> tuple[str, tuple[float, ...]]:
    return ("WHERE at >= ?", (since,)) if since is not None else ("", ())


class QuestionLog:
    """The question log over a `StateStore`; every method may raise `StateUnavailable`."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record(self, *, door: str, typed: str, understood: str, filters: Mapping[str, FilterValue],
               total: int, top_ids: Sequence[str], nothing_found: bool, latency_ms: float,
               at: float | None = None) -> None:
        """Log one answered question. `door` is a short name ("slack", "web", "api", "cli"); the understood
        question is stored case folded, as feedback stores it, so reports group both the same way."""
        self.record_many([{"door": door, "typed": typed, "understood": understood, "filters": filters,
                           "total": total, "top_ids": top_ids, "nothing_found": nothing_found,
                           "latency_ms": latency_ms, "at": at}])

    def record_many(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Log several answered questions (each with the arguments of `record`) in one transaction: a
        busy server's writer takes what has queued up at once."""
        rows = [self._row(**entry) for entry in entries]
        with self.store.write() as connection:
            connection.executemany("""INSERT INTO questions (at, door, typed, understood, filters, total, top_ids,
                                      nothing_found, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)

    def _row(self, *, door: str, typed: str, understood: str, filters: Mapping[str, FilterValue], total: int,
             top_ids: Sequence[str], nothing_found: bool, latency_ms: float, at: float | None = None) -> tuple:
        if not _DOOR.match(door):
            raise ValueError(f"door must be a short lower-case name, not {door!r}")
        clean_filters = {str(k): (scrub(v) if isinstance(v, str) else [scrub(x) for x in v])
                         for k, v in sorted(filters.items())}
        return (self.store.clock() if at is None else at, door, scrub(typed), question_key(scrub(understood)),
                json.dumps(clean_filters, ensure_ascii=False), int(total),
                json.dumps([str(i) for i in top_ids[:MAX_TOP_IDS]]), int(bool(nothing_found)), float(latency_ms))

    def purge_older_than(self, days: float) -> int:
        """Delete questions asked more than `days` ago (the retention); how many were deleted."""
        if days < 0:
            raise ValueError("days must not be negative")
        with self.store.write() as connection:
            return connection.execute("DELETE FROM questions WHERE at < ?",
                                      (self.store.clock() - days * DAY,)).rowcount

    def count(self, since: float | None = None) -> int:
        """How many questions were logged (since a time, in epoch seconds)."""
        where, args = _since(since)
        with self.store.read() as connection:
            return connection.execute(f"SELECT count(*) FROM questions {where}", args).fetchone()[0]

    def entries(self, since: float | None = None) -> list[Entry]:
        """Every question logged (since a time), oldest first."""
        where, args = _since(since)
        with self.store.read() as connection:
            rows = connection.execute(f"""SELECT at, door, typed, understood, filters, total, top_ids, nothing_found,
                                          latency_ms FROM questions {where} ORDER BY at, id""", args).fetchall()
        return [Entry(at, door, typed, understood, _as_lists(json.loads(filters)), total, json.loads(top_ids),
                      bool(nothing), latency) for at, door, typed, understood, filters, total, top_ids, nothing, latency
                in rows]

    def per_day(self, since: float | None = None) -> list[tuple[str, int]]:
        """Questions per UTC day ("2025-05-02", count), oldest first; days without questions are absent."""
        where, args = _since(since)
        with self.store.read() as connection:
            return [tuple(row) for row in connection.execute(
                f"SELECT date(at, 'unixepoch') AS day, count(*) FROM questions {where} GROUP BY day ORDER BY day",
                args)]

    def per_door(self, since: float | None = None) -> dict[str, int]:
        """Questions per door, the busiest first."""
        where, args = _since(since)
        with self.store.read() as connection:
            return dict(connection.execute(
                f"SELECT door, count(*) AS n FROM questions {where} GROUP BY door ORDER BY n DESC, door", args))

    def top_questions(self, n: int = 10, since: float | None = None) -> list[tuple[str, int]]:
        """The `n` most asked questions (as understood), with how often."""
        where, args = _since(since)
        with self.store.read() as connection:
            return [tuple(row) for row in connection.execute(
                f"""SELECT understood AS q, count(*) AS n FROM questions {where}
                    GROUP BY q ORDER BY n DESC, q LIMIT ?""", (*args, n))]

    def nothing_found_share(self, since: float | None = None) -> Share:
        """How many questions were answered "nothing found", out of all."""
        where, args = _since(since)
        with self.store.read() as connection:
            nothing, asked = connection.execute(
                f"SELECT coalesce(sum(nothing_found OR total = 0), 0), count(*) FROM questions {where}",
                args).fetchone()
        return Share(nothing, asked)

    def gaps(self, n: int = 10, since: float | None = None) -> list[Gap]:
        """The `n` most frequent questions with no match or only weak ones (total 0, or "nothing found"),
        grouped by the question as understood."""
        where, args = _since(since)
        condition = f"{where} AND" if where else "WHERE"
        with self.store.read() as connection:
            rows = connection.execute(
                f"""SELECT understood AS q, count(*) AS n, max(at) FROM questions
                    {condition} (nothing_found OR total = 0) GROUP BY q ORDER BY n DESC, q LIMIT ?""",
                (*args, n)).fetchall()
        return [Gap(*row) for row in rows]

    def top_filters(self, n: int = 10, since: float | None = None) -> dict[str, list[tuple[str, int]]]:
        """The most used filter values per filter (e.g. "country", "theme"), the `n` commonest each."""
        where, args = _since(since)
        counts: dict[str, Counter[str]] = {}
        with self.store.read() as connection:
            for (text,) in connection.execute(f"SELECT filters FROM questions {where}", args):
                for name, values in _as_lists(json.loads(text)).items():
                    counts.setdefault(name, Counter()).update(values)
        return {name: counter.most_common(n) for name, counter in sorted(counts.items())}


def _as_lists(filters: Mapping[str, FilterValue]) -> dict[str, list[str]]:
    """Stored filter values, each as a list (one value may be stored as a plain string)."""
    return {name: [value] if isinstance(value, str) else list(value) for name, value in filters.items()}
