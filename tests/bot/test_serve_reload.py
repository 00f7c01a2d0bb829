"""`lessons serve` reloads on SIGHUP and on file changes, and keeps serving when a reload fails."""
from __future__ import annotations

import json
import shutil
import signal
import threading
import urllib.request

from ..conftest import lesson_page, wait_until
from .test_serve import start_server


def health(base: str) -> dict:
    with urllib.request.urlopen(base + "healthz", timeout=10) as response:
        return json.load(response)


def settled(base: str, ok: bool) -> bool:
    """The last reload's outcome is `ok`, and every worker serves the generation it left (old
    workers are listed until they have finished their requests and gone)."""
    now = health(base)
    return (now["reload"] or {}).get("ok") is ok and {w["generation"] for w in now["workers"]} == {now["generation"]}


class Log:
    """Collects a server's output lines on a thread, so tests can wait for one."""

    def __init__(self, process) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process) -> None:
        for line in process.stdout:
            self.lines.append(line)

    def has(self, *words: str) -> bool:
        return any(all(w in line for w in words) for line in self.lines)


def test_sighup_adds_a_new_lesson_names_a_broken_file_and_survives_a_removed_folder(tmp_path, make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": lesson_page("2")})
    process, base = start_server(tmp_path, "--lessons", str(root))
    log = Log(process)
    try:
        assert health(base)["lessons"] == 2
        (root / "3.txt").write_text(lesson_page("3", description="Green jobs in construction."))
        (root / "broken.txt").write_text("Back to index\n- eval_number:\n- 1\n")
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: settled(base, True), timeout=20)
        assert health(base)["lessons"] == 3 and health(base)["reload"]["skipped"] == 1
        wait_until(lambda: log.has("broken.txt", "missing url"), timeout=20)

        shutil.rmtree(root)
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: settled(base, False), timeout=20)
        now = health(base)
        assert now["lessons"] == 3 and "still serving the 3 lessons" in now["reload"]["error"]
        with urllib.request.urlopen(urllib.request.Request(
                base + "webhook", data=json.dumps({"text": "green jobs construction"}).encode(),
                headers={"Content-Type": "application/json"}), timeout=10) as response:
            assert json.load(response)["results"][0]["id"] == "3"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_watch_picks_up_a_new_file_without_a_signal(tmp_path, make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    config = tmp_path / "c.yaml"
    config.write_text("lessons:\n  watch_interval: 0.2\n")
    process, base = start_server(tmp_path, "--lessons", str(root), "--watch", "--config", str(config))
    try:
        (root / "2.txt").write_text(lesson_page("2"))
        wait_until(lambda: health(base)["lessons"] == 2, timeout=20)
    finally:
        process.terminate()
        process.wait(timeout=20)
