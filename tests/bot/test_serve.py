"""`lessons serve` as a real process: waitress, a clean stop on SIGTERM, clear start-up errors."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Secrets, Settings
from bot.live import KnowledgeHolder
from bot.serve import build_app, exposure_warning, is_loopback, start_slack

from ..conftest import lesson_page, wait_until
from ..fakes.slack import BOT_TOKEN, HERDERS, HERDERS_URL, SECRET, dm, event_body, sign

LISTENING = re.compile(r"serving \d+ lessons on (http://127\.0\.0\.1:\d+/)")
#: `lessons` as it runs where gunicorn cannot (Windows): one waitress process.
AS_ON_WINDOWS = ("import sys, bot.serve; bot.serve.gunicorn_runs = lambda: False; from bot.cli import main; "
                 "sys.exit(main(sys.argv[1:]))")


def start_server(tmp_path: Path, *extra: str, env: dict[str, str] | None = None,
                 seen: list[str] | None = None, waitress: bool = False) -> tuple[subprocess.Popen, str]:
    """Start `lessons serve --port 0` and return the process and its base URL, read from its log
    (the lines logged until then are added to `seen`); `waitress`: as it runs on Windows."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LESSONS_CONFIG", "WEBHOOK_TOKEN")}
    environ.update(PYTHONUNBUFFERED="1", **(env or {}))
    command = [sys.executable, "-c", AS_ON_WINDOWS] if waitress else [sys.executable, "-m", "bot"]
    process = subprocess.Popen([*command, "serve", "--host", "127.0.0.1", "--port", "0", *extra],
                               cwd=tmp_path, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 20
    seen = [] if seen is None else seen
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = LISTENING.search(line)
        if found:
            return process, found.group(1)
    process.kill()
    raise AssertionError("lessons serve did not start:\n" + "".join(seen))


def post(url: str, body: dict, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_serve_answers_under_waitress_and_stops_cleanly_on_sigterm(tmp_path):
    process, base = start_server(tmp_path, waitress=True)  # one process, as on Windows
    try:
        status, answer = post(base + "webhook", {"text": "lessons on social insurance for herders"})
        assert status == 200 and "252474" in [r["id"] for r in answer["results"]][:3]
        with urllib.request.urlopen(base + "healthz", timeout=10) as response:
            assert response.headers["Server"] == "lessons"  # waitress's ident, not Werkzeug's dev server
        big = urllib.request.Request(base + "webhook", data=b"x" * 2_000_000, method="POST",
                                     headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(big, timeout=10)
        assert refused.value.code == 413 and json.load(refused.value)["error"] == "body_too_large"
        for _ in range(20):  # a burst of SIGHUPs: one reload, and one more for those sent during it
            process.send_signal(signal.SIGHUP)
        wait_until(lambda: (health(base)["reload"] or {}).get("ok") is True)
        assert 2 <= health(base)["generation"] <= 3
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert "stopped on SIGTERM" in output and "Traceback" not in output
    assert 1 <= output.count("reloaded:") <= 2


def health(base: str) -> dict:
    with urllib.request.urlopen(base + "healthz", timeout=10) as response:
        return json.load(response)


def test_serve_with_a_token_in_the_environment_demands_it(tmp_path):
    process, base = start_server(tmp_path, env={"WEBHOOK_TOKEN": "t0ken"})
    try:
        assert post(base + "webhook", {"text": "herders"})[0] == 401
        assert post(base + "webhook", {"text": "herders"}, {"Authorization": "Bearer t0ken"})[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "t0ken" not in output


def test_serve_says_how_many_broken_files_it_skipped_and_where_to_look(tmp_path, make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": "", "3": "<html>no</html>"})
    seen: list[str] = []
    process, _ = start_server(tmp_path, "--lessons", str(root), seen=seen)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=15)
    notes = [line for line in seen if "broken lesson files" in line]
    assert len(notes) == 1
    assert f"WARNING lessons: skipped 2 broken lesson files; 'lessons check {root}' says which and why" in notes[0]


def test_serve_on_a_taken_port_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = io.StringIO()
        code = main(["serve", "--port", str(port)], stdout=io.StringIO(), stderr=err)
    assert code == 2
    assert err.getvalue() == (f"lessons: error: cannot listen on 127.0.0.1:{port}: the port is already in use "
                              "(another server?); choose one with --port\n")


@pytest.mark.parametrize("host, token, warned", [
    ("127.0.0.1", "", False), ("localhost", "", False), ("::1", "", False), ("127.0.1.1", "", False),
    ("0.0.0.0", "", True), ("::", "", True), ("10.1.2.3", "", True), ("example.org", "", True),
    ("0.0.0.0", "t", False),
])
def test_serve_warns_when_the_webhook_is_open_beyond_loopback(host, token, warned):
    warning = exposure_warning(host, Secrets(webhook_token=token))
    assert bool(warning) is warned
    if warned:
        assert "WEBHOOK_TOKEN" in warning and host in warning
    assert is_loopback(host) is (host in ("127.0.0.1", "localhost", "::1", "127.0.1.1"))


# -- the composition root: Slack decided once, in-process ---------------------------------------

def test_without_tokens_there_is_no_slack_route(bundled):
    app, slack = build_app(Settings(), KnowledgeHolder(bundled), Secrets())
    assert slack is None
    response = app.test_client().post("/slack/events", data="{}")
    assert response.status_code in (404, 405)
    assert "slack" not in app.extensions


def test_tokens_in_secrets_mount_slack_with_the_client_on_slack_api_url(fake, bundled):
    secrets = Secrets.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                                "SLACK_API_URL": fake.api_url.rstrip("/")})
    app, slack = build_app(Settings(), KnowledgeHolder(bundled), secrets)
    assert slack is not None
    body = event_body(dm(HERDERS))
    response = app.test_client().post("/slack/events", data=body, headers=sign(body, content_type="application/json"))
    assert response.status_code == 200
    (posted,) = fake.wait_for("chat.postMessage")
    assert HERDERS_URL in posted.text
    assert fake.received("auth.test")


@pytest.mark.parametrize("secrets, missing", [
    (Secrets(slack_bot_token=BOT_TOKEN), "neither SLACK_SIGNING_SECRET"),
    (Secrets(slack_signing_secret=SECRET), "SLACK_SIGNING_SECRET is set, but SLACK_BOT_TOKEN is not"),
    (Secrets(slack_app_token="xapp-1-x"), "SLACK_APP_TOKEN is set, but SLACK_BOT_TOKEN is not"),
])
def test_slack_half_configured_is_a_warning_naming_what_is_missing(bundled, caplog, secrets, missing):
    caplog.set_level(logging.INFO, logger="lessons.slack")
    _, slack = build_app(Settings(), KnowledgeHolder(bundled), secrets)
    assert slack is None and start_slack(slack, Settings(), secrets) is None
    (record,) = [r for r in caplog.records if r.name == "lessons.slack"]
    assert record.levelno == logging.WARNING and missing in record.getMessage()


def test_slack_is_logged_off_or_on_and_socket_mode_survives_a_failure(fake, bundled, caplog):
    caplog.set_level(logging.INFO, logger="lessons.slack")
    _, off = build_app(Settings(), KnowledgeHolder(bundled), Secrets())
    assert start_slack(off, Settings(), Secrets()) is None
    assert "Slack is off (no SLACK_BOT_TOKEN)" in caplog.text
    secrets = Secrets(slack_bot_token=BOT_TOKEN, slack_app_token="xapp-test", slack_api_url=fake.api_url)
    app, slack = build_app(Settings(), KnowledgeHolder(bundled), secrets)  # no signing secret: Socket Mode only
    assert all(rule.rule != "/slack/events" for rule in app.url_map.iter_rules())
    connection = start_slack(slack, Settings(), secrets, retry_after=0.05)  # the fake refuses apps.connections.open
    try:
        assert "Socket Mode could not connect" in caplog.text
        fake.wait_for("apps.connections.open", count=3)  # and it keeps trying
        assert not connection.connected.is_set()
    finally:
        connection.close()
    assert caplog.text.count("Socket Mode could not connect") == 1


def test_serve_with_a_damaged_state_file_says_so_and_keeps_searching(tmp_path):
    (tmp_path / "data").mkdir()
    damaged = b"not a database at all, " * 200
    (tmp_path / "data" / "state.sqlite3").write_bytes(damaged)  # the default state.path, from the working folder
    process, base = start_server(tmp_path)
    try:
        status, answer = post(base + "webhook", {"text": "herders"})
        assert status == 200 and answer["results"]
        with urllib.request.urlopen(base + "healthz", timeout=10) as response:
            health = json.load(response)
        assert health["status"] == "degraded" and "not a database" in health["state"]["message"]
        status, refused = post(base + "api/feedback", {"question": "herders", "lesson_id": "252474",
                                                      "vote": "helpful", "voter": "v"})
        assert status == 503 and "damaged" in refused["detail"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    output = process.stdout.read()  # through the reader start_server used: the lines it buffered too
    assert "file is not a database" in output and "subscriptions and feedback answer that they are unavailable" \
        in output and "Traceback" not in output
    assert (tmp_path / "data" / "state.sqlite3").read_bytes() == damaged  # left for the operator, untouched
