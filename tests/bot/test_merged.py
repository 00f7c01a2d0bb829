"""One reload at a time: asks made while one runs merge into a single follow-up, and each ask is
answered by a run that started after it."""
from __future__ import annotations

import signal
import threading

from bot.merged import MergedRuns, SignalBridge

from ..conftest import wait_until


class Job:
    """A job that blocks each run until the test lets it finish, and counts its runs."""

    def __init__(self) -> None:
        self.started = 0
        self.releases = threading.Semaphore(0)

    def __call__(self) -> int:
        self.started += 1
        assert self.releases.acquire(timeout=10)
        return self.started

    def let_run(self, number: int) -> None:
        """Wait until run `number` has started, then let it finish."""
        wait_until(lambda: self.started >= number)
        self.releases.release()


def test_asks_during_a_run_merge_into_one_follow_up():
    job = Job()
    runs = MergedRuns(job)
    first = runs.ask()
    wait_until(lambda: job.started == 1)
    later = [runs.ask() for _ in range(10)]  # all while run 1 is busy
    job.let_run(1)
    assert runs.wait(first, 5) == 1
    job.let_run(2)
    assert {runs.wait(ticket, 5) for ticket in later} == {2}  # run 2 began after every one of them
    wait_until(lambda: not runs.busy)
    assert job.started == 2 and runs.runs == 2


def test_a_failing_run_does_not_stop_the_next_ask(caplog):
    outcomes = iter([RuntimeError("disk gone"), "ok"])

    def job() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    runs = MergedRuns(job, name="test-reload")
    assert runs.run(timeout=5) is None and "test-reload failed" in caplog.text
    assert runs.run(timeout=5) == "ok"


def test_a_burst_of_signals_is_one_ask_per_run_not_one_run_each():
    job = Job()
    runs = MergedRuns(job)
    bridge = SignalBridge(runs)
    bridge.handler(signal.SIGHUP, None)
    wait_until(lambda: job.started == 1)
    for _ in range(300):
        bridge.handler(signal.SIGHUP, None)
    wait_until(lambda: bridge.pending() == 0)  # the bridge has taken all of them
    for _ in range(300):
        job.releases.release()  # no run waits any more
    wait_until(lambda: not runs.busy)
    assert 2 <= job.started <= 3  # the first, the follow-up, and one more if a burst straddled its start
