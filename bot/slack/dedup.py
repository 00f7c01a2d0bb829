"""`SharedKeys`: Slack's retries answered once whichever worker process they reach.

Each key (an event id, a message's channel and timestamp) is claimed in the state store every
worker shares (`bot.state.Dedup`, one SQLite file). When the store cannot be used (an unwritable
folder, a damaged file) the door keeps answering and falls back to this process's own
`RecentKeys`: retries that reach the same process are still dropped, those that reach another
may be answered twice. The log says so once, and again when the store works again.
"""
from __future__ import annotations

import logging

from ..state import Dedup, StateStore, StateUnavailable
from .conversation import RecentKeys

log = logging.getLogger("lessons.slack")

#: How long a key is remembered: Slack retries an event for about six minutes.
TTL_SECONDS = 600.0


class SharedKeys:
    """The `claim(key)` of `RecentKeys`, held in the shared state store (see the module)."""

    def __init__(self, store: StateStore, ttl: float = TTL_SECONDS, local: RecentKeys | None = None) -> None:
        self.dedup, self.ttl = Dedup(store), ttl
        self.local = local or RecentKeys(ttl=ttl)
        self._degraded = False

    def claim(self, key: str) -> bool:
        """True the first time any worker claims `key` within the TTL, False for a repeat."""
        seen_here = not self.local.claim(key)  # kept here too, for when the store fails later
        try:
            first = self.dedup.seen_once(key, self.ttl)
        except StateUnavailable as error:
            if not self._degraded:
                self._degraded = True
                log.warning("Slack retries are de-duplicated within each process only: the state store "
                            "is unavailable (%s)", error.detail)
            return not seen_here
        if self._degraded:
            self._degraded = False
            log.info("Slack retries are de-duplicated across processes again (state store %s)",
                     self.dedup.store.path)
        return first
