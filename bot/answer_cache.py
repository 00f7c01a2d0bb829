"""`AnswerCache`: answers already given by a knowledge base, for the same question asked again.

The key is exact: the question as typed and every option of the search (page, grouping, the
feedback boosts, summaries or not), and the cache belongs to one knowledge base at a time: the
first look with another (after a reload) drops every entry, so an answer never comes from lessons
a reload replaced. Bounded twice, by entries and by an estimate of their bytes (least recently used
first), so hostile questions cannot grow it. What a door renders from a kept answer (its JSON
object, its Markdown text) is kept beside it, built the first time a door asks (`rendered`).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from knowledge import Answer, KnowledgeBase

#: What an answer is reckoned to weigh beside its text (the objects around the strings, and what
#: is rendered from it).
_ANSWER_BYTES, _HIT_BYTES = 4096, 3072
#: The renderings kept for one answer (a door's JSON and Markdown, one per day for the dated ones).
_RENDERINGS = 4

Rendered = TypeVar("Rendered")


class AnswerCache:
    """A least-recently-used map of answers of one knowledge base, with their Markdown."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Hashable, tuple[Answer, int]] = OrderedDict()
        self._rendered: dict[int, tuple[Answer, dict[Hashable, Any]]] = {}
        self._bytes = 0
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def ask(self, kb: KnowledgeBase, query: str, **options: Any) -> Answer:
        """`kb.ask(query, **options)`, from the cache when the same was asked of the same `kb`.
        Raises what `kb.ask` raises (refusals are not kept)."""
        key = (query, *sorted((name, _frozen(value)) for name, value in options.items()))
        with self._lock:
            self._follow(kb)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        answer = kb.ask(query, **options)
        self._keep(kb, key, answer)
        return answer

    def rendered(self, answer: Answer, how: Hashable, build: Callable[[], Rendered]) -> Rendered:
        """`build()`, the rendering `how` of `answer`, made once while the cache holds the answer
        (the value is shared: a door must not change it)."""
        with self._lock:
            kept = self._rendered.get(id(answer))
            if kept is not None and kept[0] is answer and how in kept[1]:
                return kept[1][how]
        value = build()
        with self._lock:
            kept = self._rendered.get(id(answer))
            if kept is not None and kept[0] is answer:
                if len(kept[1]) >= _RENDERINGS:
                    kept[1].clear()
                kept[1][how] = value
        return value

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """The estimated bytes of the answers held."""
        return self._bytes

    def _keep(self, kb: KnowledgeBase, key: Hashable, answer: Answer) -> None:
        size = _ANSWER_BYTES + sum(_HIT_BYTES + len(hit.summary) * 2 for hit in answer.hits)
        if self.max_entries < 1 or size > self.max_bytes // 4:
            return
        with self._lock:
            if kb is not self._kb:
                return  # asked of lessons a reload has replaced meanwhile
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
                self._rendered.pop(id(old[0]), None)
            self._bytes += size
            self._entries[key] = (answer, size)
            self._rendered[id(answer)] = (answer, {})
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                dropped, weight = self._entries.popitem(last=False)[1]
                self._bytes -= weight
                self._rendered.pop(id(dropped), None)

    def _follow(self, kb: KnowledgeBase) -> None:
        if kb is not self._kb:
            self._entries.clear()
            self._rendered.clear()
            self._bytes = 0
            self._kb = kb


def _frozen(value: Any) -> Hashable:
    """An option as part of a key (the boosts come as a mapping)."""
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return value
