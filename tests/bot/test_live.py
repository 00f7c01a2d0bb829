"""Reloading lessons: new files picked up, broken files named, failed loads keep what was serving."""
from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time

import pytest

from bot.config import Settings
from bot.live import KnowledgeHolder, Reloader, Watcher, install_sighup
from bot.web import create_app
from knowledge import KnowledgeBase

from ..conftest import lesson_page, wait_until


@pytest.fixture
def served(make_lessons):
    root = make_lessons({"1": lesson_page("1", description="Herders and insurance."),
                         "2": lesson_page("2", description="Cocoa and child labour.")})
    holder = KnowledgeHolder(KnowledgeBase.from_paths([root]))
    return root, holder, Reloader(holder, [root])


def test_new_lesson_is_added_and_broken_file_is_named(served, caplog):
    root, holder, reloader = served
    (root / "3.txt").write_text(lesson_page("3", description="Green jobs in construction."))
    (root / "broken.txt").write_text("Back to index\n- eval_number:\n- 1\n")
    with caplog.at_level(logging.WARNING, logger="lessons.reload"):
        result = reloader.reload()
    assert result.ok and result.lessons == 3 and result.skipped == 1
    assert holder.kb.get("3") is not None
    assert [h.lesson.id for h in holder.kb.search("green jobs construction")][:1] == ["3"]
    assert any("broken.txt" in r.getMessage() and "missing url" in r.getMessage() for r in caplog.records)


def test_removed_folder_keeps_the_serving_knowledge_base(served, caplog):
    root, holder, reloader = served
    before = holder.kb
    shutil.rmtree(root)
    with caplog.at_level(logging.ERROR, logger="lessons.reload"):
        result = reloader.reload()
    assert not result.ok
    assert holder.kb is before and len(holder.kb) == 2
    assert "still serving the 2 lessons" in result.error and "No such file or directory" in result.error
    assert holder.last_reload == result
    assert any("reload failed" in r.getMessage() for r in caplog.records)


def test_folder_emptied_of_lessons_keeps_the_serving_knowledge_base(served):
    root, holder, reloader = served
    for path in root.glob("*.txt"):
        path.unlink()
    result = reloader.reload()
    assert not result.ok and len(holder.kb) == 2
    assert "no lessons found" in result.error


def test_every_file_broken_keeps_the_serving_knowledge_base(served):
    root, holder, reloader = served
    for path in root.glob("*.txt"):
        path.write_bytes(b"\x00\x01")
    assert not reloader.reload().ok and len(holder.kb) == 2


def test_a_crash_inside_the_load_keeps_the_serving_knowledge_base(served, monkeypatch):
    root, holder, reloader = served
    before = holder.kb

    def explode(*args, **kwargs):
        raise MemoryError("simulated")

    monkeypatch.setattr(KnowledgeBase, "from_paths", explode)
    result = reloader.reload()
    assert not result.ok and holder.kb is before and "MemoryError" in result.error


def test_a_successful_reload_after_a_failed_one_is_what_health_shows(served):
    root, holder, reloader = served
    backup = root.parent / "backup"
    shutil.copytree(root, backup)
    shutil.rmtree(root)
    assert not reloader.reload().ok
    shutil.copytree(backup, root)
    assert reloader.reload().ok and holder.last_reload.ok and holder.last_reload.error == ""


def test_webhook_answers_during_swaps_come_from_one_whole_knowledge_base(make_lessons):
    def page(i: int, version: str) -> str:
        return lesson_page(str(i), f"Study {i} - Final evaluation",
                           description=f"Version {version}: herders, case {i}.")

    v1 = make_lessons({str(i): page(i, "one") for i in range(10)}, "v1")
    v2 = make_lessons({str(i): page(i, "two") for i in range(20, 35)}, "v2")
    kb1, kb2 = KnowledgeBase.from_paths([v1]), KnowledgeBase.from_paths([v2])
    holder = KnowledgeHolder(kb1)
    errors: list[str] = []
    answered = [0]
    stop = threading.Event()
    valid = ({str(i) for i in range(10)}, {str(i) for i in range(20, 35)})

    app = create_app(Settings(), holder)

    def ask() -> None:
        client = app.test_client()
        while not stop.is_set():
            answer = client.post("/webhook", json={"text": "herders", "limit": 50}).get_json()
            ids = {r["id"] for r in answer["results"]}
            answered[0] += 1
            if ids not in valid or answer["total"] != len(ids):
                errors.append(f"mixed or empty answer: {sorted(ids)}, total {answer['total']}")

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for n in range(200):
        holder.swap(kb2 if n % 2 == 0 else kb1)
        time.sleep(0.002)
    stop.set()
    for t in threads:
        t.join()
    assert errors == [] and answered[0] > 0


def test_watcher_reloads_when_a_lesson_file_appears_and_only_then(served):
    root, holder, reloader = served
    watcher = Watcher(reloader, interval=0.05)
    assert watcher.check() is None  # nothing changed
    (root / "sub").mkdir()
    (root / "sub" / "3.txt").write_text(lesson_page("3"))
    result = watcher.check()
    assert result is not None and result.ok and len(holder.kb) == 3
    (root / "notes.md").write_text("not a lesson")
    (root / "3.txt~").write_text("editor debris")
    assert watcher.check() is None


def test_watcher_thread_picks_up_changes_by_itself(served):
    root, holder, reloader = served
    watcher = Watcher(reloader, interval=0.05)
    watcher.start()
    try:
        (root / "3.txt").write_text(lesson_page("3"))
        wait_until(lambda: len(holder.kb) == 3)
    finally:
        watcher.stop()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is POSIX")
def test_sighup_reloads(served):
    root, holder, reloader = served
    previous = signal.getsignal(signal.SIGHUP)
    try:
        assert install_sighup(reloader)
        (root / "3.txt").write_text(lesson_page("3"))
        os.kill(os.getpid(), signal.SIGHUP)
        wait_until(lambda: len(holder.kb) == 3)
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_reloads_asked_while_one_runs_share_one_follow_up(served, monkeypatch):
    root, holder, reloader = served
    gate, loads, results = threading.Event(), [], []
    real = KnowledgeBase.from_paths

    def slow_first(*args, **kwargs):
        kb = real(*args, **kwargs)
        loads.append(len(kb))
        if len(loads) == 1:
            assert gate.wait(10)  # the first load has read the folder, and is not done
        return kb

    monkeypatch.setattr(KnowledgeBase, "from_paths", slow_first)
    callers = [threading.Thread(target=lambda: results.append(reloader.reload())) for _ in range(6)]
    callers[0].start()
    wait_until(lambda: loads)
    for caller in callers[1:]:
        caller.start()
    wait_until(lambda: reloader.runs.asked == 6)
    (root / "3.txt").write_text(lesson_page("3"))  # after every ask: the follow-up must see it
    gate.set()
    for caller in callers:
        caller.join(10)
    assert loads == [2, 3] and len(results) == 6 and all(r.ok for r in results)
    assert holder.generation == 3 and len(holder.kb) == 3
    assert sorted(r.lessons for r in results) == [2, 3, 3, 3, 3, 3]
