"""`AnswerCache`: answers already given, kept as the bytes sent, for the same question asked again.

The key is exact: the door, the question as typed, the page asked for, and the generation of the
lessons that answered it, so an answer is never served from lessons a reload replaced. The
first look under a new generation drops every entry of the old ones. Bounded twice: by entries
and by bytes (least recently used first), so hostile questions cannot grow it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class AnswerCache:
    """A least-recently-used map of rendered answers, for one generation of lessons at a time."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._generation = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, generation: int, key: Hashable) -> bytes | None:
        """The answer kept for `key` under this generation of lessons, or None."""
        with self._lock:
            self._follow(generation)
            body = self._entries.get(key)
            if body is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return body

    def put(self, generation: int, key: Hashable, body: bytes) -> None:
        """Keep an answer of this generation (nothing when the cache is off or it is too big)."""
        if self.max_entries < 1 or len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if generation < self._generation:
                return  # answered by lessons a reload already replaced
            self._follow(generation)
            old = self._entries.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._entries[key] = body
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._bytes -= len(self._entries.popitem(last=False)[1])

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Bytes of answers held."""
        return self._bytes

    def _follow(self, generation: int) -> None:
        if generation > self._generation:
            self._entries.clear()
            self._bytes = 0
            self._generation = generation
