"""The question recorder: what it writes for an answer, off the request's path, and the retention it keeps."""
from __future__ import annotations

import json
import os
import sqlite3
import threading

import pytest

from bot.recording import QuestionRecorder
from bot.state import QuestionLog, StateStore
from bot.state.questions import DAY

from ..state.conftest import Clock

NOW = 1_746_000_000.0


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def store(tmp_path, clock):
    opened = StateStore(tmp_path / "state.sqlite3", clock=clock, timeout=20)
    yield opened
    opened.close()


@pytest.fixture
def recorder(store, clock):
    made = QuestionRecorder(QuestionLog(store), 90, clock=clock)
    yield made
    made.close()


def rows(store: StateStore) -> list[dict]:
    with store.read() as connection:
        connection.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in connection.execute("SELECT * FROM questions ORDER BY id")]
        finally:
            connection.row_factory = None


def test_an_answer_is_logged_with_what_was_asked_and_found(recorder, store, bundled):
    answer = bundled.ask("lessons on social insurance for herders in Mongolia")
    recorder.answered("webhook", answer, 12.5)
    assert recorder.flush()
    (row,) = rows(store)
    assert row["door"] == "webhook" and row["typed"] == "lessons on social insurance for herders in Mongolia"
    assert row["understood"] == "social insurance herders mongolia"
    assert row["filters"] == '{"country": ["Mongolia"]}'
    assert row["total"] == answer.total and json.loads(row["top_ids"]) == [hit.lesson.id for hit in answer.hits]
    assert "252474" in json.loads(row["top_ids"])
    assert row["nothing_found"] == 0 and row["latency_ms"] == 12.5 and row["at"] == NOW


def test_nothing_found_and_partial_answers_are_marked(recorder, store, bundled):
    recorder.answered("api", bundled.ask("quantum blockchain"), 1)
    recorder.answered("api", bundled.ask("herders tvet"), 1)  # lessons, but none with both
    assert recorder.flush()
    nothing, partial = rows(store)
    assert (nothing["total"], nothing["nothing_found"], nothing["top_ids"]) == (0, 1, "[]")
    assert partial["total"] > 0 and partial["nothing_found"] == 1


def test_a_later_page_is_not_a_new_question(recorder, store, bundled):
    recorder.answered("api", bundled.ask("herders", offset=5), 1)
    recorder.answered("api", bundled.ask("herders"), 1)
    assert recorder.flush()
    assert len(rows(store)) == 1


def test_a_locked_store_does_not_hold_up_the_answer(recorder, store, bundled, tmp_path):
    """Another process holds the write lock: `answered` returns at once, the row is written after."""
    answer = bundled.ask("herders")
    recorder.answered("api", answer, 1)
    assert recorder.flush()  # the file exists, with its schema
    blocker = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    returned = threading.Event()
    try:
        threading.Thread(target=lambda: (recorder.answered("api", answer, 1), returned.set()), daemon=True).start()
        assert returned.wait(10), "answered() waited for the store's lock"
        assert not recorder.flush(0.2)  # the row is still waiting for the lock
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert recorder.flush(20) and len(rows(store)) == 2


def test_a_broken_store_loses_the_record_never_the_answer(tmp_path, bundled, clock, caplog):
    (tmp_path / "file").write_text("not a folder")
    broken = StateStore(tmp_path / "file" / "state.sqlite3", clock=clock)
    recorder = QuestionRecorder(QuestionLog(broken), 90, clock=clock)
    recorder.answered("webhook", bundled.ask("herders"), 1)
    recorder.answered("webhook", bundled.ask("herders"), 1)
    assert recorder.flush()
    assert recorder.dropped == 2
    assert sum("not logged" in r.getMessage() for r in caplog.records) == 1  # said once, not per question
    recorder.close()


def test_a_full_queue_drops_and_counts_instead_of_waiting(tmp_path, bundled, clock):
    store = StateStore(tmp_path / "state.sqlite3", clock=clock, timeout=20)
    recorder = QuestionRecorder(QuestionLog(store), 90, clock=clock, capacity=1)
    answer = bundled.ask("herders")
    recorder.answered("api", answer, 1)
    assert recorder.flush()
    blocker = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        for _ in range(5):  # one is being written (waiting for the lock), one waits in the queue
            recorder.answered("api", answer, 1)
        assert recorder.dropped >= 3
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert recorder.flush(20)
    recorder.close()
    store.close()


def test_questions_past_the_retention_go_at_start_and_then_once_a_day(recorder, store, clock, bundled):
    log = QuestionLog(store)
    log.record(door="api", typed="old", understood="old", filters={}, total=0, top_ids=[], nothing_found=True,
               latency_ms=1, at=NOW - 91 * DAY)
    recorder.start()
    recorder.answered("api", bundled.ask("herders"), 1)
    assert recorder.flush()
    assert [row["typed"] for row in rows(store)] == ["herders"]
    log.record(door="api", typed="older", understood="older", filters={}, total=0, top_ids=[],
               nothing_found=True, latency_ms=1, at=NOW - 100 * DAY)
    recorder.answered("api", bundled.ask("herders"), 1)  # the same day: no purge yet
    assert recorder.flush()
    assert "older" in [row["typed"] for row in rows(store)]
    clock.advance(DAY)
    recorder.answered("api", bundled.ask("herders"), 1)  # a day later: the writer purges first
    assert recorder.flush()
    assert [row["typed"] for row in rows(store)] == ["herders"] * 3


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads: what gunicorn's workers do
def test_a_forked_worker_starts_its_own_writer(recorder, store, bundled):
    answer = bundled.ask("herders")
    recorder.answered("api", answer, 1)  # the parent's writer is running
    assert recorder.flush()
    child = os.fork()
    if child == 0:  # the worker: its own queue and writer, and the store opens its own connection
        try:
            recorder.answered("webhook", answer, 1)
            os._exit(0 if recorder.flush(10) and recorder.dropped == 0 else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert [row["door"] for row in rows(store)] == ["api", "webhook"]


class HeldLog:
    """A question log whose first write waits for the test, recording how many records each write took."""

    def __init__(self, store: StateStore) -> None:
        self.log, self.batches, self.release = QuestionLog(store), [], threading.Event()

    def record_many(self, entries) -> None:
        if not self.batches:
            assert self.release.wait(10)
        self.batches.append(len(entries))
        self.log.record_many(entries)

    def purge_older_than(self, days: float) -> int:
        return 0


def test_questions_queued_while_the_writer_is_busy_are_written_together(store, clock, bundled):
    log = HeldLog(store)
    recorder = QuestionRecorder(log, 90, clock=clock)
    answer = bundled.ask("herders")
    try:
        recorder.answered("webhook", answer, 1.0)
        for _ in range(50):
            recorder.answered("api", answer, 1.0)
        log.release.set()
        assert recorder.flush()
    finally:
        recorder.close()
    assert sum(log.batches) == 51 and len(log.batches) <= 3 and len(rows(store)) == 51
