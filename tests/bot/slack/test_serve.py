"""`lessons serve` as a real process on 127.0.0.1: Slack on from the environment, answering
signed requests through the fake Slack Web API; off (with one log line) without tokens."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ...conftest import free_port, wait_until
from ...fakes.slack import BOT_TOKEN, SECRET, command_body, event_body, sign

HERDERS_URL = "https://webapps.ilo.org/ievaldiscovery/lessons/252474"
LISTENING = re.compile(r"serving \d+ lessons on (http://127\.0\.0\.1:\d+)/")


class Server:
    """`python -m bot serve` in a child process, its log in a file."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *extra: str) -> None:
        self.log = tmp_path / "serve.log"
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k != "LESSONS_CONFIG"}
        with open(self.log, "wb") as out:  # port 0: the system's free port, named in the log (no race for one)
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0", *extra],
                cwd=tmp_path, env={**clean, **env}, stdout=out, stderr=subprocess.STDOUT)
        self.url = ""
        self.wait_until_up()
        self.port = int(self.url.rsplit(":", 1)[1])

    def wait_until_up(self, timeout: float = 60.0) -> None:
        try:
            wait_until(self.is_up, timeout=timeout)
        except AssertionError:
            raise AssertionError(f"serve did not come up: {self.log.read_text()}") from None

    def listening(self) -> bool:
        """True once the log says where the server listens (then `url` is set)."""
        if self.process.poll() is not None:
            raise RuntimeError(f"serve exited: {self.log.read_text()}")
        found = LISTENING.search(self.log.read_text())
        if found:
            self.url = found.group(1)
        return found is not None

    def is_up(self) -> bool:
        if not self.listening():
            return False
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def post(self, body: str, headers: dict[str, str]) -> int:
        req = urllib.request.Request(self.url + "/slack/events", data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def test_serve_answers_slack_through_the_fake_api(tmp_path, fake):
    server = Server(tmp_path, {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                               "SLACK_API_URL": fake.api_url})
    try:
        body = command_body("lessons on social insurance for herders", fake.response_url("cmd"))
        assert server.post(body, sign(body)) == 200
        (answer,) = fake.wait_for("/response/cmd")
        assert f"<{HERDERS_URL}|" in answer.text

        dm = {"type": "message", "channel": "D0DM", "channel_type": "im", "user": "U0USER",
              "text": "herders", "ts": "1700000100.000100"}
        event = event_body(dm, "EvServe1")
        assert server.post(event, sign(event, content_type="application/json")) == 200
        fake.wait_for("chat.postMessage")
        retry = {**sign(event, content_type="application/json"), "X-Slack-Retry-Num": "1",
                 "X-Slack-Retry-Reason": "http_timeout"}
        assert server.post(event, retry) == 200
        # A later question is answered: by then the retry would have been answered too.
        later = event_body({**dm, "text": "child labour", "ts": "1700000200.000200"}, "EvServe2")
        assert server.post(later, sign(later, content_type="application/json")) == 200
        fake.wait_for("chat.postMessage", count=2)
        assert len(fake.received("chat.postMessage")) == 2

        assert server.post(body, sign(body, secret="forged")) == 401
        assert server.post(body, sign(body, timestamp=int(time.time()) - 600)) == 401
        assert server.post("{not json", sign("{not json", content_type="application/json")) == 400
        log = server.log.read_text()
        assert "Slack is on" in log and "social insurance for herders" not in log
    finally:
        server.stop()


def test_serve_without_tokens_says_slack_is_off_and_serves_the_web_door(tmp_path):
    server = Server(tmp_path, {})
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
            assert json.load(response)["status"] == "ok"
        assert server.post("{}", {"Content-Type": "application/json"}) in (404, 405)
    finally:
        server.stop()
    assert "INFO lessons.slack: Slack is off (no SLACK_BOT_TOKEN)" in server.log.read_text()


def test_serve_with_slack_unreachable_starts_serves_the_web_door_and_acks_slack(tmp_path):
    closed = free_port()  # nothing listens there: every Web API call is refused
    server = Server(tmp_path, {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                               "SLACK_API_URL": f"http://127.0.0.1:{closed}/api/"})
    try:
        dm = {"type": "message", "channel": "D0DM", "channel_type": "im", "user": "U0USER",
              "text": "herders", "ts": "1700000100.000100"}
        event = event_body(dm, "EvDown")
        assert server.post(event, sign(event, content_type="application/json")) == 200
        body = command_body("herders", f"http://127.0.0.1:{closed}/response/x")
        assert server.post(body, sign(body)) == 200
        request = urllib.request.Request(server.url + "/webhook", data=json.dumps({"text": "herders"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert HERDERS_URL in response.read().decode()
        wait_until(lambda: "Slack listener failed" in server.log.read_text(), timeout=20, every=0.1)
    finally:
        server.stop()
    log = server.log.read_text()
    assert "Slack's Web API cannot be reached" in log and "Slack listener failed" in log
    assert "Traceback" not in log
