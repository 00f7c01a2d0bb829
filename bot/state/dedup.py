"""Slack retry de-duplication that holds across worker processes: the first claim of a key wins."""
from __future__ import annotations

from .store import StateStore


class Dedup:
    """Keys claimed once within a time to live, shared by every process that opens the same store."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def seen_once(self, key: str, ttl_seconds: float) -> bool:
        """True for the first claim of `key` within `ttl_seconds` (answer it), False for a repeat (drop it).

        Atomic across processes: one INSERT OR IGNORE under the write lock. Expired keys are purged on the way.
        Raises `StateUnavailable`; a door that cannot reach the store should fall back to its in-process set.
        """
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        now = self.store.clock()
        with self.store.write() as connection:
            connection.execute("DELETE FROM dedup WHERE expires_at <= ?", (now,))
            inserted = connection.execute("INSERT OR IGNORE INTO dedup (key, expires_at) VALUES (?, ?)",
                                          (key, now + ttl_seconds)).rowcount
        return inserted == 1

    def __len__(self) -> int:
        """How many keys are held (expired ones included until the next claim purges them)."""
        with self.store.read() as connection:
            return connection.execute("SELECT count(*) FROM dedup").fetchone()[0]
