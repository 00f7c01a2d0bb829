"""The state file: created on first use, kept across restarts, upgraded in place, and never a crash."""
from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from bot.state import SCHEMA_VERSION, Dedup, Feedback, QuestionLog, Scope, StateStore, StateUnavailable, Subscriptions
from bot.state.store import BUSY, DAMAGED, NEWER, UNWRITABLE

CHANNEL = Scope("channel", "C1")


def every_operation(store: StateStore) -> list:
    """One call per repository, as the doors would make them."""
    return [
        lambda: Dedup(store).seen_once("event:1", 600),
        lambda: Subscriptions(store).add(CHANNEL, "child labour"),
        lambda: Subscriptions(store).list(CHANNEL),
        lambda: Feedback(store).vote("child labour", "252474", "U1", 1),
        lambda: QuestionLog(store).record(door="web", typed="q", understood="q", filters={}, total=0,
                                          top_ids=[], nothing_found=True, latency_ms=1.0),
    ]


def test_a_fresh_store_creates_its_folder_and_file_in_wal_mode(store, state_path):
    assert not state_path.parent.exists()
    health = store.health()
    assert health.ok and health.schema_version == SCHEMA_VERSION
    with sqlite3.connect(state_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_what_is_stored_survives_a_restart(state_path, clock):
    first = StateStore(state_path, clock=clock)
    Subscriptions(first).add(CHANNEL, "social insurance for herders")
    first.close()
    again = StateStore(state_path, clock=clock)
    assert [s.question for s in Subscriptions(again).list(CHANNEL)] == ["social insurance for herders"]
    again.close()


def build_version_1(path: Path) -> None:
    """A database as version 1 of the program wrote it, spelled out here so editing a shipped migration
    cannot go unnoticed."""
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        raw.execute("CREATE TABLE dedup (key TEXT PRIMARY KEY, expires_at REAL NOT NULL)")
        raw.execute("CREATE INDEX dedup_expiry ON dedup (expires_at)")
        raw.execute("INSERT INTO dedup VALUES ('event:kept', 9e12)")
        raw.execute("PRAGMA user_version = 1")
    raw.close()


def test_a_database_of_the_previous_version_is_upgraded_and_keeps_its_rows(store, state_path):
    build_version_1(state_path)
    assert Dedup(store).seen_once("event:kept", 600) is False  # the old row is still there
    sub = Subscriptions(store).add(CHANNEL, "child labour")  # a table that version 1 did not have
    assert sub.number == 1
    assert store.health().schema_version == SCHEMA_VERSION
    Feedback(store).vote("child labour", "252474", "U1", 1)  # the salt was made by the migration
    assert Feedback(store).tally("child labour")["252474"].helpful == 1


def test_two_stores_opening_an_old_file_together_migrate_it_once(state_path, clock):
    build_version_1(state_path)
    stores = [StateStore(state_path, clock=clock) for _ in range(2)]
    assert all(s.health().ok for s in stores)
    assert Subscriptions(stores[0]).add(CHANNEL, "q").id == Subscriptions(stores[1]).list(CHANNEL)[0].id
    for opened in stores:
        opened.close()


def test_a_corrupt_file_is_reported_and_left_exactly_as_it_was(store, state_path):
    state_path.parent.mkdir(parents=True)
    garbage = b"this is not SQLite at all \x00\xff" * 200
    state_path.write_bytes(garbage)
    health = store.health()
    assert not health.ok and "not a database" in health.message
    for operation in every_operation(store):
        with pytest.raises(StateUnavailable) as caught:
            operation()
        assert caught.value.message == DAMAGED
        assert str(state_path) in caught.value.detail and str(state_path) not in caught.value.message
    assert state_path.read_bytes() == garbage


def test_a_file_from_a_newer_version_is_refused_and_not_touched(store, state_path):
    state_path.parent.mkdir(parents=True)
    with sqlite3.connect(state_path) as raw:
        raw.execute("CREATE TABLE future (x)")
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = state_path.read_bytes()
    assert not store.health().ok
    with pytest.raises(StateUnavailable) as caught:
        Subscriptions(store).list(CHANNEL)
    assert caught.value.message == NEWER
    assert state_path.read_bytes() == before


def test_a_folder_that_cannot_be_made_is_reported(tmp_path, clock):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    store = StateStore(blocker / "state.sqlite3", clock=clock)
    assert not store.health().ok
    for operation in every_operation(store):
        with pytest.raises(StateUnavailable) as caught:
            operation()
        assert caught.value.message == UNWRITABLE


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_reported(tmp_path, clock):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        store = StateStore(folder / "state.sqlite3", clock=clock)
        assert not store.health().ok
        with pytest.raises(StateUnavailable):
            Subscriptions(store).add(CHANNEL, "q")
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, a folder nobody can write")
def test_a_folder_where_no_file_can_be_created_is_reported(clock):
    store = StateStore("/proc/lessons-state-test.sqlite3", clock=clock)  # unwritable even for root
    health = store.health()
    assert not health.ok and "unable to open" in health.message
    with pytest.raises(StateUnavailable) as caught:
        Subscriptions(store).add(CHANNEL, "q")
    assert caught.value.message == UNWRITABLE


def test_a_locked_file_is_busy_and_works_again_once_released(state_path, clock):
    store = StateStore(state_path, timeout=0.05, clock=clock)
    assert store.health().ok
    holder = sqlite3.connect(state_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StateUnavailable) as caught:
        Subscriptions(store).add(CHANNEL, "q")
    assert caught.value.message == BUSY
    assert Subscriptions(store).list(CHANNEL) == []  # readers are not blocked by a writer in WAL mode
    holder.execute("ROLLBACK")
    holder.close()
    assert Subscriptions(store).add(CHANNEL, "q").number == 1
    store.close()


def test_a_failed_repository_step_rolls_back_and_is_not_disguised(store):
    with pytest.raises(ZeroDivisionError), store.write() as connection:
        connection.execute("INSERT INTO dedup VALUES ('half-done', 1e12)")
        raise ZeroDivisionError
    assert Dedup(store).seen_once("half-done", 60) is True


def _add_many(path: str, worker: int, start, count: int) -> None:
    store = StateStore(path, timeout=30.0)
    start.wait()
    subscriptions = Subscriptions(store)
    for n in range(count):
        subscriptions.add(Scope("channel", f"C{worker}"), f"question {n}")
    store.close()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_two_processes_writing_at_once_both_succeed(store, state_path):
    assert store.health().ok  # the parent has used the file before the workers fork, as with --preload
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    workers = [context.Process(target=_add_many, args=(str(state_path), w, start, 100)) for w in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    every = Subscriptions(store).list_all()
    assert len(every) == 200
    assert [s.number for s in every if s.scope.id == "C1"] == list(range(1, 101))
