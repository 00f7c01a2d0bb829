"""The knowledge base currently serving, behind one reference that a reload swaps."""
from __future__ import annotations

import threading

from knowledge import KnowledgeBase


class KnowledgeHolder:
    """Holds the serving `KnowledgeBase`. A request reads `.kb` once and uses that object to
    the end, so a swap mid-request never mixes two knowledge bases."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._lock = threading.Lock()
        #: The outcome of the latest reload (a `bot.reload.ReloadResult`), shown by /healthz.
        self.last_reload = None

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb

    def swap(self, kb: KnowledgeBase) -> KnowledgeBase:
        """Serve `kb` from now on; returns the one it replaced."""
        with self._lock:
            old, self._kb = self._kb, kb
            return old


def as_holder(kb: KnowledgeBase | KnowledgeHolder) -> KnowledgeHolder:
    """Accept either a knowledge base or a holder, so simple callers can pass the base itself."""
    return kb if isinstance(kb, KnowledgeHolder) else KnowledgeHolder(kb)
