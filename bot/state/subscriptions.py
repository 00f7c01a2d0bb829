"""Subscriptions: a question stored for a channel or a person, and which lessons each was already sent.

Users see a scope's subscriptions numbered 1..N in the order they were made; the door turns "unsubscribe 2"
into `remove(scope, 2)`. Ids are internal, never reused, and key the deliveries, so a lesson is never sent
twice to the same subscription, across restarts and across worker processes (`claim_undelivered`).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .store import StateStore

ScopeKind = Literal["channel", "user"]
SCOPE_KINDS: tuple[str, ...] = ("channel", "user")
_CHUNK = 500  # SQLite's limit on "?" parameters is 999 in old builds


@dataclass(frozen=True)
class Scope:
    """Where a subscription's lessons go: a channel, or a person's direct messages."""

    kind: ScopeKind
    id: str

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope kind must be one of {SCOPE_KINDS}, not {self.kind!r}")
        if not self.id:
            raise ValueError("a scope needs an id")


@dataclass(frozen=True)
class Subscription:
    """One stored question; `number` is its place (1..N) among its scope's subscriptions."""

    id: int
    number: int
    scope: Scope
    question: str
    created_at: float
    paused_at: float | None = None
    pause_reason: str = ""

    @property
    def paused(self) -> bool:
        """Paused subscriptions are kept and listed but get no posts (e.g. the bot left the channel)."""
        return self.paused_at is not None


_SELECT = """SELECT id, row_number() OVER (PARTITION BY scope_kind, scope_id ORDER BY id),
                    scope_kind, scope_id, question, created_at, paused_at, pause_reason
             FROM subscriptions"""


def _row(row: tuple) -> Subscription:
    sub_id, number, kind, scope_id, question, created_at, paused_at, reason = row
    return Subscription(sub_id, number, Scope(kind, scope_id), question, created_at, paused_at, reason)


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class Subscriptions:
    """The subscriptions repository over a `StateStore`; every method may raise `StateUnavailable`."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def add(self, scope: Scope, question: str) -> Subscription:
        """Store `question` for `scope`; the same question twice returns the existing subscription."""
        question = " ".join(question.split())
        if not question:
            raise ValueError("a subscription needs a question")
        with self.store.write() as connection:
            connection.execute("""INSERT OR IGNORE INTO subscriptions (scope_kind, scope_id, question, created_at)
                                  VALUES (?, ?, ?, ?)""", (scope.kind, scope.id, question, self.store.clock()))
            rows = self._in_scope(connection, scope)
        return next(sub for sub in rows if sub.question == question)

    def list(self, scope: Scope) -> list[Subscription]:
        """The scope's subscriptions, numbered 1..N, oldest first."""
        with self.store.read() as connection:
            return self._in_scope(connection, scope)

    def list_all(self) -> list[Subscription]:
        """Every subscription (for the operator), grouped by scope, numbered within it."""
        with self.store.read() as connection:
            rows = connection.execute(f"{_SELECT} ORDER BY scope_kind, scope_id, id").fetchall()
        return [_row(row) for row in rows]

    def active(self) -> list[Subscription]:
        """The subscriptions that should get posts after a reload."""
        return [sub for sub in self.list_all() if not sub.paused]

    def remove(self, scope: Scope, number: int) -> Subscription | None:
        """Remove the scope's subscription shown as `number`; None when there is no such number."""
        with self.store.write() as connection:
            found = [sub for sub in self._in_scope(connection, scope) if sub.number == number]
            if found:
                connection.execute("DELETE FROM subscriptions WHERE id = ?", (found[0].id,))
        return found[0] if found else None

    def remove_id(self, scope: Scope, sub_id: int) -> Subscription | None:
        """Remove by id (an App Home button), only if it belongs to `scope`; None otherwise."""
        with self.store.write() as connection:
            found = [sub for sub in self._in_scope(connection, scope) if sub.id == sub_id]
            if found:
                connection.execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,))
        return found[0] if found else None

    def pause(self, sub_id: int, reason: str) -> bool:
        """Stop posting for this subscription and say why; False when it does not exist."""
        with self.store.write() as connection:
            return connection.execute("UPDATE subscriptions SET paused_at = ?, pause_reason = ? WHERE id = ?",
                                      (self.store.clock(), reason, sub_id)).rowcount == 1

    def pause_scope(self, scope: Scope, reason: str) -> int:
        """Pause every active subscription of a scope (the bot left the channel); how many were paused."""
        with self.store.write() as connection:
            return connection.execute("""UPDATE subscriptions SET paused_at = ?, pause_reason = ?
                                         WHERE scope_kind = ? AND scope_id = ? AND paused_at IS NULL""",
                                      (self.store.clock(), reason, scope.kind, scope.id)).rowcount

    def resume(self, sub_id: int) -> bool:
        """Post for this subscription again; False when it does not exist."""
        with self.store.write() as connection:
            return connection.execute("UPDATE subscriptions SET paused_at = NULL, pause_reason = '' WHERE id = ?",
                                      (sub_id,)).rowcount == 1

    # -- deliveries --------------------------------------------------------------------------

    def mark_delivered(self, sub_id: int, lesson_ids: Iterable[str]) -> int:
        """Record these lessons as sent to the subscription; how many were new. Unknown subscriptions: 0."""
        with self.store.write() as connection:
            return self._mark(connection, sub_id, list(dict.fromkeys(lesson_ids)))

    def undelivered(self, sub_id: int, lesson_ids: Iterable[str]) -> list[str]:
        """The lessons, in the given order and without repeats, not yet sent to the subscription."""
        with self.store.read() as connection:
            return self._undelivered(connection, sub_id, list(dict.fromkeys(lesson_ids)))

    def claim_undelivered(self, sub_id: int, lesson_ids: Iterable[str]) -> list[str]:
        """Mark and return the not-yet-sent lessons in one transaction, so of several workers reloading
        together only one posts them. If the post then fails, `release` them to try again later."""
        ids = list(dict.fromkeys(lesson_ids))
        with self.store.write() as connection:
            fresh = self._undelivered(connection, sub_id, ids)
            self._mark(connection, sub_id, fresh)
        return fresh

    def release(self, sub_id: int, lesson_ids: Iterable[str]) -> None:
        """Forget that these lessons were sent (the post failed), so the next reload offers them again."""
        ids = list(dict.fromkeys(lesson_ids))
        with self.store.write() as connection:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                connection.execute(f"DELETE FROM delivered WHERE subscription_id = ? AND lesson_id IN ({marks})",
                                   (sub_id, *chunk))

    # -- helpers -----------------------------------------------------------------------------

    def _in_scope(self, connection: sqlite3.Connection, scope: Scope) -> list[Subscription]:
        rows = connection.execute(f"{_SELECT} WHERE scope_kind = ? AND scope_id = ? ORDER BY id",
                                  (scope.kind, scope.id)).fetchall()
        return [_row(row) for row in rows]

    def _mark(self, connection: sqlite3.Connection, sub_id: int, ids: list[str]) -> int:
        # Inserting through a SELECT on subscriptions skips an unknown id instead of breaking the foreign key.
        now = self.store.clock()
        return sum(connection.execute("""INSERT OR IGNORE INTO delivered (subscription_id, lesson_id, at)
                                         SELECT id, ?, ? FROM subscriptions WHERE id = ?""",
                                      (lesson_id, now, sub_id)).rowcount for lesson_id in ids)

    def _undelivered(self, connection: sqlite3.Connection, sub_id: int, ids: list[str]) -> list[str]:
        sent: set[str] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            sent.update(row[0] for row in connection.execute(
                f"SELECT lesson_id FROM delivered WHERE subscription_id = ? AND lesson_id IN ({marks})",
                (sub_id, *chunk)))
        return [lesson_id for lesson_id in ids if lesson_id not in sent]
