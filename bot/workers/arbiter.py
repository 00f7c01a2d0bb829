"""`LessonsArbiter`: gunicorn's master process, made to reload the lessons for every worker.

The lessons are loaded once, in the master, before the workers are forked, so the workers share
them copy-on-write. gunicorn's own SIGHUP would re-fork workers from the same preloaded app, so a
reload here is the master's: a thread builds the new knowledge base beside the old one (the
master keeps answering signals meanwhile); when it is usable the main loop swaps it in, forks a
new set of workers that share it, and retires the old set gracefully (requests in flight finish
on the lessons they started with). When the load fails, nothing is forked and every worker keeps
its lessons. One reload runs at a time; SIGHUPs, `POST /admin/reload` (a worker sends the master
SIGHUP) and the watcher merge into one follow-up while one runs.
"""
from __future__ import annotations

import contextlib
import logging
import queue
import signal
import time
from typing import Any

from gunicorn.arbiter import Arbiter

from knowledge import KnowledgeBase

from ..live import KnowledgeHolder, Reloader, ReloadResult, Watcher
from ..merged import MergedRuns
from .shared import SharedStatus

log = logging.getLogger("lessons.reload")

Loaded = tuple[KnowledgeBase | None, ReloadResult, float]


class LessonsArbiter(Arbiter):
    """gunicorn's arbiter with reloads of the lessons, merged and shared by all workers."""

    def __init__(self, app: Any, *, holder: KnowledgeHolder, reloader: Reloader, status: SharedStatus,
                 watcher: Watcher | None = None) -> None:
        self.holder, self.reloader, self.status, self.watcher = holder, reloader, status, watcher
        self.runs: MergedRuns[ReloadResult] = MergedRuns(self._load_and_apply, name="lessons-reload")
        self._loaded: queue.SimpleQueue[Loaded] = queue.SimpleQueue()
        self._applied: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._next_look = 0.0
        self.stopped_by = ""
        super().__init__(app)

    # -- signals --------------------------------------------------------------------------------

    def handle_hup(self) -> None:
        """SIGHUP reloads the lessons (merged with any reload running), not gunicorn's config."""
        self.runs.ask()

    def handle_term(self) -> None:
        self.stopped_by = "SIGTERM"
        super().handle_term()

    def handle_int(self) -> None:
        """Ctrl-C stops as gracefully as SIGTERM (gunicorn's own SIGINT cuts requests short)."""
        self.stopped_by = "SIGINT"
        raise StopIteration

    # -- the main loop ----------------------------------------------------------------------------

    def manage_workers(self) -> None:
        """Each turn of the main loop: swap in a finished load, look at the folders when
        watching, then keep the number of workers (no fork while a load's thread runs, unless
        no worker is left: a fork copies only the forking thread, whatever locks the other holds)."""
        with contextlib.suppress(queue.Empty):
            self._apply(*self._loaded.get_nowait())
        self._look_at_folders()
        if self.runs.busy and self.WORKERS:
            return
        super().manage_workers()

    def _look_at_folders(self) -> None:
        if self.watcher is None or time.monotonic() < self._next_look:
            return
        self._next_look = time.monotonic() + self.watcher.interval
        try:
            if self.watcher.changed():
                self.runs.ask()
        except Exception:  # the watcher must outlive any one bad look at the disk
            log.exception("watching the lesson folders failed; will look again")

    # -- a reload ---------------------------------------------------------------------------------

    def _load_and_apply(self) -> ReloadResult:
        """The reload thread: build beside, hand over to the main loop, wait until it applied it."""
        asked_after = time.monotonic()
        kb, result = self.reloader.load()
        self._loaded.put((kb, result, asked_after))
        self.wakeup()
        self._applied.get()
        return result

    def _apply(self, kb: KnowledgeBase | None, result: ReloadResult, asked_after: float) -> None:
        """On the main loop: swap, fork the new workers, retire the old ones; or keep all on failure."""
        try:
            if kb is not None:
                old = list(self.WORKERS)
                self.holder.swap(kb)
                self.holder.record(result)
                for _ in range(self.num_workers):
                    self.spawn_worker()
                for pid in old:
                    self.kill_worker(pid, signal.SIGTERM)
                log.info("workers of generation %d started; %d of generation %d retiring",
                         self.holder.generation, len(old), self.holder.generation - 1)
            else:
                self.holder.record(result)
            self.status.publish(self.holder.generation, result, asked_after)
        finally:
            self._applied.put(None)
