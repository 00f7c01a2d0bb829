"""`LessonsArbiter`: gunicorn's master process, made to reload the lessons for every worker.

The lessons are loaded once, in the master, before the workers are forked, so the workers share
them copy-on-write. gunicorn's own SIGHUP would re-fork workers from the same preloaded app, so a
reload here is the master's: a child process loads the new lessons (`loader`), the master keeps
answering signals meanwhile; when the load succeeded the master takes the new knowledge base in,
forks a new set of workers that share it, and retires the old set gracefully (requests in flight
finish on the lessons they started with). When it failed, nothing is forked and every worker
keeps its lessons. One reload runs at a time; SIGHUPs, `POST /admin/reload` (a worker sends the
master SIGHUP) and the watcher arriving meanwhile merge into one follow-up.
"""
from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
import time
from typing import Any, NoReturn

from gunicorn.arbiter import Arbiter

from ..live import Reloader, ReloadResult, Watcher
from .buffering import STOPPING
from .loader import ChildLoad
from .shared import SharedHolder, SharedStatus

log = logging.getLogger("lessons.reload")


class LessonsArbiter(Arbiter):
    """gunicorn's arbiter with reloads of the lessons, merged and shared by all workers."""

    def __init__(self, app: Any, *, holder: SharedHolder, reloader: Reloader, status: SharedStatus,
                 watcher: Watcher | None = None) -> None:
        self.holder, self.reloader, self.status, self.watcher = holder, reloader, status, watcher
        self.loading: ChildLoad | None = None
        self._asked_after = 0.0  # when the running load was asked for (monotonic)
        self._again = False  # asked again while loading: one follow-up load
        self._next_look = 0.0
        self.stopped_by = ""
        super().__init__(app)

    # -- signals --------------------------------------------------------------------------------

    def handle_hup(self) -> None:
        """SIGHUP reloads the lessons (merged with any reload running), not gunicorn's config."""
        self.ask_reload()

    def handle_term(self) -> None:
        self.stopped_by = "SIGTERM"
        super().handle_term()

    def handle_int(self) -> None:
        """Ctrl-C stops as gracefully as SIGTERM (gunicorn's own SIGINT cuts requests short)."""
        self.stopped_by = "SIGINT"
        raise StopIteration

    def spawn_worker(self) -> int | None:
        """Fork a worker with the stopping signals held back until it has set its own handlers
        (`BufferingWorker.init_signals`): a SIGTERM arriving in between would run the master's
        handlers, copied into the child, and be lost; the worker would serve on until the
        graceful timeout's SIGKILL, and a stop right after a start or a reload would take that long."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        master = os.getpid()
        try:
            return super().spawn_worker()
        except SystemExit as leaving:
            if os.getpid() == master:
                raise
            leave_now(leaving.code)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def stop(self, graceful: bool = True) -> None:
        if self.loading is not None:
            self.loading.discard()
            self.loading = None
        super().stop(graceful)

    # -- the main loop ----------------------------------------------------------------------------

    def manage_workers(self) -> None:
        """Each turn of the main loop: take in a finished load, look at the folders when
        watching, then keep the number of workers (unless a failure left no lessons to fork)."""
        self._finish_load()
        self._look_at_folders()
        if self.holder.kb is not None:
            super().manage_workers()

    def ask_reload(self) -> None:
        """Start a reload, or, while one runs, ask for one more after it."""
        if self.loading is not None:
            self._again = True
            return
        self._asked_after = time.monotonic()
        self.loading = ChildLoad(self.reloader)

    def _look_at_folders(self) -> None:
        if self.watcher is None or time.monotonic() < self._next_look:
            return
        self._next_look = time.monotonic() + self.watcher.interval
        try:
            if self.watcher.changed():
                self.ask_reload()
        except Exception:  # the watcher must outlive any one bad look at the disk
            log.exception("watching the lesson folders failed; will look again")

    # -- a reload ---------------------------------------------------------------------------------

    def _finish_load(self) -> None:
        if self.loading is None or not self.loading.done():
            return
        load, self.loading = self.loading, None
        result = load.outcome
        assert result is not None
        if result.ok:
            result = self._take(load, result)
        else:
            load.discard()
            self.holder.record(result)
        self.status.publish(self.holder.generation, result, self._asked_after)
        if self._again:
            self._again = False
            self.ask_reload()

    def _take(self, load: ChildLoad, result: ReloadResult) -> ReloadResult:
        """Drop the old knowledge base, take the new one in its place, fork the workers that
        share it, and retire the old ones."""
        old_workers, serving = list(self.WORKERS), len(self.holder.kb)
        self.holder.drop()
        release_memory()
        try:
            kb = load.take()
        except Exception as error:  # noqa: BLE001 - only memory or the disk can fail here
            result = ReloadResult(False, serving, error=f"reload failed, the workers still serve the {serving} "
                                  f"lessons loaded before, but no worker can be replaced until a reload "
                                  f"succeeds: {type(error).__name__}: {error}", at=time.time())
            log.critical("%s", result.error)
            self.holder.record(result)
            return result
        self.holder.swap(kb)
        self.holder.record(result)
        share_with_workers()
        for _ in range(self.num_workers):
            self.spawn_worker()
        for pid in old_workers:
            self.kill_worker(pid, signal.SIGTERM)
        log.info("workers of generation %d started; %d of generation %d retiring",
                 self.holder.generation, len(old_workers), self.holder.generation - 1)
        return result


def leave_now(code: object) -> NoReturn:
    """End a worker that has finished (its requests answered, its `worker_exit` run) without the
    interpreter's teardown: freeing the knowledge base it shares with the master would touch, and so
    copy, every shared page first, which takes a noticeable part of a second for nothing."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


def share_with_workers() -> None:
    """Before forking: free what is unreachable, then freeze what is left, so the workers' own
    collections never write to the pages they share with the master (a write copies the page)."""
    release_memory()
    gc.freeze()


def release_memory() -> None:
    """Free what nothing reaches any more (a knowledge base holds reference cycles, which only the
    cycle collector frees, and an idle master seldom runs it), and hand the heap's free pages back
    to the system (glibc's malloc_trim; elsewhere nothing)."""
    gc.unfreeze()
    gc.collect()
    with contextlib.suppress(AttributeError, OSError):  # not glibc (macOS, musl): nothing to hand back
        ctypes.CDLL(None).malloc_trim(0)
