"""`lessons serve --workers 2` as a real process: both workers answer from lessons loaded once,
a reload reaches every worker (its generation shown by /healthz), a failed one keeps them all on
their lessons, idle and slow clients hold no worker, and a Slack retry is answered once whichever
worker it reaches. One server for the whole module."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..conftest import lesson_page, wait_until
from ..fakes.slack import BOT_TOKEN, HERDERS, SECRET, FakeSlack, dm, event_body, sign
from .test_serve import LISTENING

ADMIN = "admin-token-for-tests"
TOKEN = "webhook-token-for-tests"
REQUEST_TIMEOUT = 1.5


class Fleet:
    """`python -m bot serve --workers 2` on a lesson folder of its own, its log in a file."""

    def __init__(self, root: Path, fake: FakeSlack) -> None:
        self.root, self.fake = root, fake
        self.lessons = root / "lessons"
        self.lessons.mkdir()
        for number, text in (("1", "Herders and social insurance."), ("2", "Insurance for herders after a dzud.")):
            (self.lessons / f"{number}.txt").write_text(lesson_page(number, description=text))
        (root / "config.yaml").write_text(f"server:\n  request_timeout: {REQUEST_TIMEOUT}\n  keepalive: 1\n")
        self.log = root / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k not in (
            "LESSONS_CONFIG", "WEBHOOK_TOKEN")}
        env.update(ADMIN_TOKEN=ADMIN, WEBHOOK_TOKEN=TOKEN, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=fake.api_url, PYTHONUNBUFFERED="1")
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--workers", "2", "--port", "0",
                 "--lessons", str(self.lessons)], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.url = ""  # port 0: the system's free port, read from the log (no race for one)
        wait_until(self.up, timeout=60)
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])

    def up(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        found = LISTENING.search(self.log.read_text())
        if not found:
            return False
        self.url = found.group(1)
        try:
            return len(self.health()["workers"]) == 2
        except OSError:
            return False

    def health(self) -> dict:
        with urllib.request.urlopen(self.url + "healthz", timeout=10) as response:
            return json.load(response)

    def settled(self) -> dict | None:
        """/healthz once every worker serves the master's generation, else None."""
        now = self.health()
        mixed = {w["generation"] for w in now["workers"]} != {now["serving_generation"]}
        return None if mixed or now["generation"] != now["serving_generation"] else now

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def reloaded(self) -> dict:
        """SIGHUP, then /healthz once every worker serves the next generation."""
        before = self.health()["serving_generation"]
        self.process.send_signal(signal.SIGHUP)
        wait_until(lambda: self.health()["serving_generation"] > before and self.settled(), timeout=20)
        return self.health()

    def ask(self, text: str) -> dict:
        status, answer = self.post("webhook", json.dumps({"text": text}).encode(),
                                   {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        assert status == 200, answer
        return answer

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return self.log.read_text()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    fake = FakeSlack()
    server = Fleet(tmp_path_factory.mktemp("fleet"), fake)
    yield server
    log = server.stop()
    fake.close()
    assert server.process.returncode == 0 and "stopped on SIGTERM" in log and "Traceback" not in log, log


def parent_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def test_two_workers_forked_from_one_master_answer(fleet):
    health = fleet.health()
    pids = [w["pid"] for w in health["workers"]]
    assert len(set(pids)) == 2 and fleet.process.pid not in pids
    if Path("/proc").is_dir():
        assert {parent_of(pid) for pid in pids} == {fleet.process.pid}  # the lessons loaded once, in the master
    assert health["generation"] == health["serving_generation"] and health["lessons"] == 2
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(fleet.ask, ["herders insurance"] * 24))
    assert all(a["total"] == 2 for a in answers)


def test_a_reload_reaches_every_worker_and_a_failed_one_keeps_them_all(fleet):
    before = fleet.health()["serving_generation"]
    (fleet.lessons / "3.txt").write_text(lesson_page("3", description="Green jobs in construction."))
    status, outcome = fleet.post("admin/reload", b"", {"Authorization": f"Bearer {ADMIN}"})
    assert status == 200 and outcome["ok"] and outcome["lessons"] == 3
    wait_until(fleet.settled, timeout=20)
    health = fleet.health()
    assert health["serving_generation"] == before + 1 and health["lessons"] == 3
    assert all(w["generation"] == before + 1 for w in health["workers"])
    assert all(fleet.ask("green jobs construction")["results"][0]["id"] == "3" for _ in range(10))

    aside = fleet.root / "aside"
    shutil.move(fleet.lessons, aside)
    try:
        fleet.process.send_signal(signal.SIGHUP)
        wait_until(lambda: (fleet.health()["reload"] or {}).get("ok") is False, timeout=20)
        health = fleet.health()
        assert health["serving_generation"] == before + 1 and health["lessons"] == 3
        assert "still serving the 3 lessons" in health["reload"]["error"]
        assert all(w["generation"] == before + 1 for w in health["workers"])
        assert all(fleet.ask("green jobs construction")["total"] >= 1 for _ in range(10))
    finally:
        shutil.move(aside, fleet.lessons)


def test_a_burst_of_sighups_is_one_reload_and_one_follow_up(fleet):
    taken = fleet.log.read_text().count("workers of generation")
    for _ in range(20):
        fleet.process.send_signal(signal.SIGHUP)
    # the kernel merges a SIGHUP still pending with the next, so the ask below waits until the burst's
    # reload is in: sent sooner, its own signal could be merged into the burst's and one reload answer both
    wait_until(lambda: fleet.log.read_text().count("workers of generation") > taken, timeout=20)
    # answered by a reload begun after it, so once it answers, every reload the burst asked for is done
    status, outcome = fleet.post("admin/reload", b"", {"Authorization": f"Bearer {ADMIN}"})
    assert status == 200 and outcome["ok"]
    reloads = fleet.log.read_text().count("workers of generation") - taken
    assert 2 <= reloads <= 3  # the burst's one (and one follow-up), then this ask's; never one per signal


def test_idle_and_slow_clients_hold_no_worker_and_are_let_go(fleet):
    idle = [socket.create_connection(("127.0.0.1", fleet.port)) for _ in range(60)]
    slow = [socket.create_connection(("127.0.0.1", fleet.port)) for _ in range(30)]
    try:
        for sock in slow:
            sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")  # headers never finished
        # 2 workers of 2 threads: a thread per held connection would leave none for this
        assert fleet.ask("herders insurance")["total"] >= 2
        for sock in slow:
            sock.settimeout(REQUEST_TIMEOUT + 10)
            reply = sock.recv(4096)
            assert reply.startswith(b"HTTP/1.1 408 ") and b'"request_timeout"' in reply
        for sock in idle:
            sock.settimeout(REQUEST_TIMEOUT + 10)
            assert sock.recv(4096) == b""  # closed without a word: it never asked anything
    finally:
        for sock in idle + slow:
            sock.close()


def exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes, read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT + 10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_a_stranger_is_refused_on_the_headers_and_what_gunicorn_cannot_parse_is_json(fleet):
    # A declared body that never comes: the answer cannot wait for it (the token is missing)
    refused = exchange(fleet.port, b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: 1000\r\n\r\n{\"te")
    assert refused.startswith(b"HTTP/1.1 401 ") and b'"missing_token"' in refused
    garbled = exchange(fleet.port, b"GARBAGE\r\n\r\n")
    status, _, body = garbled.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 400 ") and json.loads(body)["error"] == "bad_request"


def test_a_slack_retry_is_answered_once_whichever_worker_it_reaches(fleet):
    body = event_body(dm(HERDERS, ts="1700000900.000900"), event_id="EvWorkers")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}

    def deliver(attempt: int) -> int:
        headers = {**sign(body, content_type="application/json"), **(retry if attempt else {})}
        return fleet.post("slack/events", body.encode(), headers)[0]

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(deliver, range(16)))  # at once, on fresh connections: both workers get some
    assert statuses == [200] * 16
    fleet.fake.wait_for("chat.postMessage")
    fleet.reloaded()  # the old workers exit only once their answers are sent: none can come later
    assert len(fleet.fake.received("chat.postMessage")) == 1
