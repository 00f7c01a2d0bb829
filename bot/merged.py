"""`MergedRuns`: a slow job (a reload) run one at a time on its own thread, where asks that arrive
while it runs merge into a single follow-up run instead of queueing one run each.

Each ask is answered by the first run that *started* after it, so a caller never gets the
outcome of a run that began before its own ask (and so may have missed the change it asks about).
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")

log = logging.getLogger("lessons.reload")


class MergedRuns(Generic[Result]):
    """Runs `job` on a background thread, one run at a time, merging asks made meanwhile."""

    def __init__(self, job: Callable[[], Result], name: str = "merged-run") -> None:
        self._job, self._name = job, name
        self._changed = threading.Condition()
        self._asked = 0  # asks so far
        self._covered = 0  # asks answered by a finished run
        self._running = False
        self._latest: Result | None = None
        self.runs = 0  # how many runs have finished (for tests and logs)

    def ask(self) -> int:
        """Ask for a run; returns a ticket for `wait`. Starts the runner thread when none runs."""
        with self._changed:
            self._asked += 1
            ticket = self._asked
            if not self._running:
                self._running = True
                threading.Thread(target=self._run_until_covered, name=self._name, daemon=True).start()
            return ticket

    def wait(self, ticket: int, timeout: float | None = None) -> Result | None:
        """The outcome of the first run that started after ask `ticket` (None on timeout)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._covered >= ticket, timeout):
                return None
            return self._latest

    def run(self, timeout: float | None = None) -> Result | None:
        """Ask and wait: the outcome of a run that started after this call."""
        return self.wait(self.ask(), timeout)

    @property
    def asked(self) -> int:
        """How many asks were made so far."""
        with self._changed:
            return self._asked

    @property
    def busy(self) -> bool:
        """Whether a run is in progress or about to start."""
        with self._changed:
            return self._running

    def _run_until_covered(self) -> None:
        while True:
            with self._changed:
                if self._covered >= self._asked:
                    self._running = False
                    return
                target = self._asked  # every ask made so far is covered by this run
            result: Result | None = None
            try:
                result = self._job()
            except Exception:  # the runner must outlive a failing run, or no ask is ever answered
                log.exception("%s failed", self._name)
            with self._changed:
                self.runs += 1
                self._covered = target
                self._latest = result
                self._changed.notify_all()


class SignalBridge:
    """Turns a signal into `MergedRuns.ask()` safely: a handler may not take locks (the signal can
    arrive while the main thread holds one), so it only puts into a reentrant queue, and a thread
    of this bridge does the asking."""

    def __init__(self, runs: MergedRuns) -> None:
        self._runs = runs
        self._queue: queue.SimpleQueue[int] = queue.SimpleQueue()  # put_nowait is reentrant
        threading.Thread(target=self._forward, name="signal-bridge", daemon=True).start()

    def handler(self, signum: int, frame: object) -> None:
        """The signal handler: queue and return."""
        self._queue.put_nowait(signum)

    def pending(self) -> int:
        """Signals received and not yet turned into an ask."""
        return self._queue.qsize()

    def _forward(self) -> None:
        while True:
            self._queue.get()
            while not self._queue.empty():  # a burst of signals is one ask
                self._queue.get_nowait()
            self._runs.ask()
