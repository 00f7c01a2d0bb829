"""Every answered question into the question log, off the request's path.

A door calls `QuestionRecorder.answered(door, answer, latency_ms)` after it has its answer: that only
puts a small record on a bounded queue. One writer thread per process (started on first use, so a
worker forked after start-up starts its own) writes the records to `bot.state.QuestionLog` and
deletes the questions older than the retention, at start-up and once a day. A slow, locked or
broken store never delays or breaks an answer: the record waits on the queue, or, when the queue is
full or the store refuses it, is dropped and counted (the store logs its failure once).

What is recorded comes from the `Answer` alone, so no door can add who asked or where: the door's
name, the question as typed and as understood, the places and themes it named, how many lessons
matched, the ids on the first page, whether nothing answered the whole question, and the latency.
"""
from __future__ import annotations

import functools
import logging
import os
import queue
import re
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from knowledge import Answer

from .state import Entry, QuestionLog, StateUnavailable, scrub
from .state.questions import DAY

log = logging.getLogger("lessons.questions")

#: Records waiting for the writer; beyond this, new ones are dropped (and counted) rather than held.
QUEUE_CAPACITY = 1000
#: The most records the writer puts in one transaction.
BATCH = 200
#: How often an idle writer wakes to see whether the daily purge is due.
IDLE_WAKE_SECONDS = 3600.0
#: A channel in Slack's markup, `<#C0123|name>`: its name must not reach the log.
CHANNEL_REFERENCE = re.compile(r"<#[^>]*>")
_IDLE = object()  # what the writer "gets" when it wakes with nothing queued


def entry_of(door: str, answer: Answer, latency_ms: float, at: float, said: str = "") -> Entry:
    """The log's record of `answer`. `nothing_found`: no lesson answers the whole question (none matched,
    or the best one misses part of it); `total` tells the two apart (0, or more). `said`: see `answered`."""
    named: dict[str, list[str]] = {}
    for name, value in answer.named:
        named.setdefault(name, []).append(value)
    typed, understood = answer.query, answer.understood or answer.query
    if CHANNEL_REFERENCE.search(said):  # the door read a channel's name as words: keep it out of the log
        typed = understood = scrub(said)
    return Entry(at, door, typed, understood, named, answer.total, [hit.lesson.id for hit in answer.hits],
                 answer.total == 0 or answer.partial, latency_ms)


class QuestionRecorder:
    """Logs answered questions in the background and keeps the log within its retention."""

    def __init__(self, questions: QuestionLog, retention_days: int, *, clock: Callable[[], float] = time.time,
                 capacity: int = QUEUE_CAPACITY, idle_wake: float = IDLE_WAKE_SECONDS) -> None:
        self.questions, self.retention_days, self.clock = questions, retention_days, clock
        self.idle_wake, self.capacity = idle_wake, capacity
        self.dropped = 0
        self.last_purge: float | None = None
        self._fresh()
        if hasattr(os, "register_at_fork"):  # POSIX: a worker forked from the server starts clean
            os.register_at_fork(after_in_child=functools.partial(_fresh_after_fork, weakref.ref(self)))

    def _fresh(self) -> None:
        """An empty queue, new locks and no writer: at creation, and in a forked child, which inherits
        neither the parent's thread nor (safely) the locks that thread may have held."""
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=self.capacity)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._pending = 0

    def answered(self, door: str, answer: Answer, latency_ms: float, *, said: str = "") -> None:
        """Log an answer to a new question (a later page of one is not a new question). Never raises.

        `said`: the question in the door's own markup (Slack's), when the door turned references into
        words to search: a channel reference is then logged without the channel's name.
        """
        if answer.offset:
            return
        try:
            record = entry_of(door, answer, latency_ms, self.clock(), said)
            self.start()
            with self._lock:
                self._queue.put_nowait(record)
                self._pending += 1
        except queue.Full:
            self._drop("the queue is full (the state store is too slow)")
        except Exception:  # recording must never cost an answer
            log.exception("could not queue a question for the log")

    def purge(self) -> int:
        """Delete the questions older than the retention now; how many went (0 when the store failed)."""
        self.last_purge = self.clock()
        try:
            deleted = self.questions.purge_older_than(self.retention_days)
        except StateUnavailable:
            return 0  # the store has logged why
        if deleted:
            log.info("deleted %d questions older than %d days from the question log", deleted, self.retention_days)
        return deleted

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued record is written (or dropped); False when `timeout` passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Write what is queued (within `timeout`) and stop the writer."""
        thread = self._thread
        if thread is None:
            return
        self.flush(timeout)
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            return
        thread.join(timeout)

    # -- the writer ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start this process's writer (it purges old questions first); `answered` does it when needed."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._write_loop, name="lessons-questions", daemon=True)
            self._thread.start()

    def _write_loop(self) -> None:
        self.purge()
        while True:
            try:
                record = self._queue.get(timeout=self.idle_wake)
            except queue.Empty:
                record = _IDLE
            if self.last_purge is None or self.clock() - self.last_purge >= DAY:
                self.purge()  # before writing, so a question that wakes the writer finds the log purged
            if record is None:
                return
            if record is not _IDLE:
                self._write([record, *self._queued(BATCH - 1)])

    def _queued(self, most: int) -> list[Entry]:
        """Up to `most` more records already waiting (the one that stops the writer stays queued)."""
        taken: list[Entry] = []
        while len(taken) < most:
            try:
                record = self._queue.get_nowait()
            except queue.Empty:
                break
            if record is None:
                self._queue.put_nowait(None)
                break
            taken.append(record)
        return taken

    def _write(self, records: list[Entry]) -> None:
        """Write records in one transaction: under load, what queued while the last one was written."""
        try:
            self.questions.record_many([record._asdict() for record in records])
        except StateUnavailable:
            for _ in records:
                self._drop("the state store is unavailable")
        except Exception:
            log.exception("could not write %d question(s) to the log", len(records))
            self.dropped += len(records)
        finally:
            with self._idle:
                self._pending -= len(records)
                self._idle.notify_all()

    def _drop(self, why: str) -> None:
        self.dropped += 1
        if self.dropped == 1 or self.dropped % 1000 == 0:
            log.warning("question log: %d question(s) not logged so far: %s", self.dropped, why)


def _fresh_after_fork(ref: weakref.ReferenceType[QuestionRecorder]) -> None:
    recorder = ref()
    if recorder is not None:
        recorder._fresh()
