"""Slack retries are answered once, whichever worker process they reach."""
from __future__ import annotations

import multiprocessing
import threading

import pytest

from bot.state import Dedup, StateStore


def test_the_first_claim_wins_and_a_repeat_is_dropped(store):
    dedup = Dedup(store)
    assert dedup.seen_once("event:Ev1", ttl_seconds=600) is True
    assert dedup.seen_once("event:Ev1", ttl_seconds=600) is False
    assert dedup.seen_once("event:Ev2", ttl_seconds=600) is True


def test_a_key_can_be_claimed_again_once_it_expired_and_old_keys_are_purged(store, clock):
    dedup = Dedup(store)
    dedup.seen_once("event:old", ttl_seconds=60)
    clock.advance(59)
    assert dedup.seen_once("event:old", ttl_seconds=60) is False
    clock.advance(1)
    dedup.seen_once("event:other", ttl_seconds=60)
    assert len(dedup) == 1  # event:old went when it expired
    assert dedup.seen_once("event:old", ttl_seconds=60) is True


def test_another_worker_sees_the_claim(store, state_path, clock):
    other_worker = StateStore(state_path, clock=clock)
    assert Dedup(store).seen_once("event:Ev1", 600) is True
    assert Dedup(other_worker).seen_once("event:Ev1", 600) is False
    other_worker.close()


def test_a_time_to_live_must_be_positive(store):
    with pytest.raises(ValueError):
        Dedup(store).seen_once("event:Ev1", 0)


def test_threads_of_one_worker_claim_each_key_exactly_once(store):
    dedup, won, start = Dedup(store), [], threading.Barrier(4)

    def claim() -> None:
        start.wait()
        won.extend(k for k in range(40) if dedup.seen_once(f"event:{k}", 600))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == list(range(40))


def _claim_all(path: str, keys: int, start, won) -> None:
    dedup = Dedup(StateStore(path, timeout=30.0))
    start.wait()
    won.put([k for k in range(keys) if dedup.seen_once(f"event:{k}", 600)])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_racing_processes_claim_each_key_exactly_once(state_path):
    context = multiprocessing.get_context("fork")
    start, won = context.Barrier(3), context.Queue()
    workers = [context.Process(target=_claim_all, args=(str(state_path), 60, start, won)) for _ in range(3)]
    for worker in workers:
        worker.start()
    claims = [won.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert sorted(k for claimed in claims for k in claimed) == list(range(60))
