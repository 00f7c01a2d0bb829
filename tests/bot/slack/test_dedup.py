"""Slack's retries are answered once whichever worker process they reach: the keys live in the
state store every worker shares, and without it each process still drops its own repeats."""
from __future__ import annotations

import logging

import pytest

from bot.slack.dedup import SharedKeys
from bot.state import StateStore

from ...fakes.slack import HERDERS, Door, dm

RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}


@pytest.fixture
def two_workers(fake, bundled, tmp_path):
    """Two doors as two worker processes would build them: their own store connections and
    memory, one state file."""
    path = tmp_path / "data" / "state.sqlite3"
    stores = [StateStore(path), StateStore(path)]
    doors = [Door(fake, bundled, recent=SharedKeys(store)) for store in stores]
    yield doors
    for door, store in zip(doors, stores, strict=True):
        door.executor.shutdown(wait=True)
        store.close()


def test_a_retry_that_reaches_the_other_worker_is_not_answered_again(two_workers, fake):
    first, other = two_workers
    first.event(dm(HERDERS), event_id="EvAcross")
    other.event(dm(HERDERS), event_id="EvAcross", **RETRY)
    first.event(dm(HERDERS), event_id="EvAcross", **{**RETRY, "X-Slack-Retry-Num": "2"})
    for door in two_workers:
        door.drain()
    assert len(fake.received("chat.postMessage")) == 1


def test_one_message_delivered_under_two_event_ids_is_answered_once(two_workers, fake):
    first, other = two_workers
    first.event(dm(HERDERS, ts="1700000200.000200"), event_id="EvOne")
    other.event(dm(HERDERS, ts="1700000200.000200"), event_id="EvTwo")
    for door in two_workers:
        door.drain()
    assert len(fake.received("chat.postMessage")) == 1


def test_without_a_usable_store_each_worker_still_drops_its_own_repeats(fake, bundled, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    store = StateStore(blocker / "state.sqlite3")
    door = Door(fake, bundled, recent=SharedKeys(store))
    with caplog.at_level(logging.WARNING, logger="lessons.slack"):
        door.event(dm(HERDERS), event_id="EvNoStore")
        door.event(dm(HERDERS), event_id="EvNoStore", **RETRY)
        door.event(dm("child labour", ts="1700000300.000300"), event_id="EvNoStore2")
        door.drain()
    assert len(fake.received("chat.postMessage")) == 2  # the two questions, once each
    warnings = [r.getMessage() for r in caplog.records if "within each process only" in r.getMessage()]
    assert len(warnings) == 1 and "state store" in warnings[0]
