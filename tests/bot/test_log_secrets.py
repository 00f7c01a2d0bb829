"""No secret reaches the log (plan S12) and no request can forge a log line (S13): every door's
traffic, signed and forged, runs with every logger at DEBUG through `setup_logging`, and the
captured log, stderr and stdout are searched for each secret and secret shape."""
from __future__ import annotations

import io
import json
import logging
import re
import shutil
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from bot.config import Secrets, Settings
from bot.live import KnowledgeHolder, Reloader
from bot.logs import setup_logging
from bot.render.blocks import ACTION_MORE, encode_value
from bot.slack import build_slack_app
from bot.web import create_app
from knowledge import KnowledgeBase

from ..conftest import lesson_page, wait_until
from ..fakes.slack import BOT_TOKEN, SECRET, FakeSlack, action_body, command_body, event_body, sign
from .slack.test_serve import Server

WEBHOOK_TOKEN = "webhook-secret-4f1e9a"
ADMIN_TOKEN = "admin-secret-77c0d2"
APP_TOKEN = "xapp-1-A0APP-1234-appsecret"
LEGACY_TOKEN = "verification-token-9b8c"  # the deprecated token Slack still puts in every body
REAL_HOOK = "https://hooks.slack.com/commands/T0001/1234/hooksecret"
SECRETS = Secrets(slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET, slack_app_token=APP_TOKEN,
                  webhook_token=WEBHOOK_TOKEN, admin_token=ADMIN_TOKEN)
#: What must never appear: every secret value, and every shape of one.
NEEDLES = [*SECRETS.values(), LEGACY_TOKEN, "hooksecret", "xoxb-", "xapp-", "xoxp-", "hooks.slack.com/", '"token":']
LOGGERS = ("", "slack_bolt", "slack_sdk", "werkzeug", "waitress", "urllib3", "lessons")
HOSTILE = "herders\nINFO lessons: forged line\r\x1b[31mred\x1b[0m"
#: How every log line starts (the text format): a record per line, never a continuation.
RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")


@pytest.fixture
def debug_log():
    """Every logger at DEBUG through the app's own handler, into a string."""
    stream = io.StringIO()
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    handler = setup_logging("DEBUG", "text", SECRETS.values(), stream=stream)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    logging.getLogger().removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def with_legacy_token(body: str) -> str:
    return body.replace("legacy", LEGACY_TOKEN)


def hook(fake: FakeSlack, name: str) -> str:
    """A response_url on the fake whose path is shaped like Slack's (hooks.slack.com/commands/...)."""
    return fake.response_url(f"hooks.slack.com/commands/T0001/{name}/hooksecret")


def hits(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle in text]


def test_no_secret_reaches_the_log_from_any_door(fake, make_lessons, debug_log, capsys):
    root = make_lessons({"1": lesson_page("1", "Herders insurance - Final evaluation",
                                          description="Herders need insurance.")})
    holder = KnowledgeHolder(KnowledgeBase.from_paths([root]))
    secrets = Secrets(**{**SECRETS.__dict__, "slack_api_url": fake.api_url})
    executor = ThreadPoolExecutor(max_workers=4)
    slack = build_slack_app(Settings(), holder, secrets=secrets, listener_executor=executor)
    app = create_app(Settings(), holder, secrets=secrets, reloader=Reloader(holder, [root]), slack=slack)
    client = app.test_client()

    def slack_post(body: str, content_type: str = "application/x-www-form-urlencoded", **signing):
        return client.post("/slack/events", data=body, headers=sign(body, content_type=content_type, **signing))

    command = with_legacy_token(command_body(HOSTILE, hook(fake, "cmd")))
    event = with_legacy_token(event_body({"type": "message", "channel": "D0DM", "channel_type": "im",
                                          "user": "U0USER", "text": HOSTILE, "ts": "1700000100.000100"}))
    click = with_legacy_token(action_body(ACTION_MORE, encode_value("herders", 0), hook(fake, "click")))
    assert slack_post(command).status_code == 200
    assert slack_post(event, "application/json").status_code == 200
    assert slack_post(click).status_code == 200
    fake.wait_for("chat.postMessage")
    fake.wait_for("/response/", count=2)
    # An event id is logged when a repeat is dropped: a hostile one stays one escaped line.
    hostile_id = event.replace("Ev0001", "Ev9\\nINFO lessons: forged line\\r\\u001b[31m")
    # Slack's retry is signed anew (another timestamp); the same signature again would be a replay.
    # Both timestamps come from one clock reading, so a second turning between them cannot make them equal.
    now = int(time.time())
    assert slack_post(hostile_id, "application/json", timestamp=now).status_code == 200
    assert slack_post(hostile_id, "application/json", timestamp=now - 1).status_code == 200
    fake.fail_next["chat.postMessage"] = [503, 503]  # an answer that cannot be posted
    failing = event.replace("1700000100.000100", "1700000200.000200").replace("Ev0001", "Ev0002")
    assert slack_post(failing, "application/json").status_code == 200
    # Forged and stale requests carry real-looking response_urls; their bodies must not be logged.
    forged_command = with_legacy_token(command_body(HOSTILE, REAL_HOOK))
    forged_click = with_legacy_token(action_body(ACTION_MORE, encode_value("herders", 0), REAL_HOOK))
    assert slack_post(forged_command, secret="wrong-secret").status_code == 401
    assert slack_post(forged_click, timestamp=int(time.time()) - 600).status_code == 401
    assert slack_post(event, "application/json", timestamp=int(time.time()) + 400).status_code == 401
    assert client.post("/slack/events", data=forged_command,
                       content_type="application/x-www-form-urlencoded").status_code == 401
    assert client.post("/slack/events", data="ssl_check=1&token=" + LEGACY_TOKEN,
                       headers=sign("ssl_check=1&token=" + LEGACY_TOKEN)).status_code == 200

    bearer = {"Authorization": f"Bearer {WEBHOOK_TOKEN}"}
    assert client.post("/webhook", json={"text": HOSTILE}, headers=bearer).status_code == 200
    assert client.post("/webhook", json={"text": "x", "token": WEBHOOK_TOKEN}).status_code == 401
    assert client.post("/webhook", json={"text": "x"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post(f"/webhook?token={quote(WEBHOOK_TOKEN)}", json={"text": "x"}).status_code == 401
    assert client.post("/admin/reload", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/admin/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code == 200
    shutil.rmtree(root)
    statuses = []  # one reload a second: ask again until the limiter lets this one through
    wait_until(lambda: statuses.append(client.post("/admin/reload", headers={
        "Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code) or statuses[-1] != 429, timeout=5, every=0.05)
    assert statuses[-1] == 503
    executor.shutdown(wait=True)

    log, out = debug_log.getvalue(), capsys.readouterr()
    assert "Slack listener failed" in log and "reload" in log and "slack_sdk" in log  # the capture works
    for captured in (log, out.err, out.out):
        assert hits(captured) == [], [line for line in captured.splitlines() if hits(line)][:5]
    # Log injection: the hostile query never starts a line of its own, nor colours the terminal.
    assert "\x1b" not in log and "\r" not in log
    assert [line for line in log.splitlines() if not RECORD.match(line)] == []
    assert "dropped repeated Slack event Ev9\\nINFO lessons: forged line\\r\\x1b[31m" in log


def test_no_secret_reaches_the_log_of_lessons_serve_at_debug(tmp_path, fake):
    (tmp_path / "config.yaml").write_text("logging:\n  level: DEBUG\n")
    server = Server(tmp_path, {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                               "SLACK_APP_TOKEN": "", "WEBHOOK_TOKEN": WEBHOOK_TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN,
                               "SLACK_API_URL": fake.api_url})
    try:
        command = with_legacy_token(command_body(HOSTILE, hook(fake, "serve")))
        assert server.post(command, sign(command)) == 200
        fake.wait_for("/response/")
        event = with_legacy_token(event_body({"type": "message", "channel": "D0DM", "channel_type": "im",
                                              "user": "U0USER", "text": HOSTILE, "ts": "1700000100.000100"}))
        assert server.post(event, sign(event, content_type="application/json")) == 200
        fake.wait_for("chat.postMessage")
        forged = with_legacy_token(command_body(HOSTILE, REAL_HOOK))
        assert server.post(forged, sign(forged, secret="wrong")) == 401
        assert server.post(forged, sign(forged, timestamp=int(time.time()) - 600)) == 401
        for token, expected in ((WEBHOOK_TOKEN, 200), ("wrong", 401)):
            assert request(server.url + "/webhook", json.dumps({"text": HOSTILE}).encode(), token) == expected
        for token, expected in (("wrong", 401), (ADMIN_TOKEN, 200)):
            assert request(server.url + "/admin/reload", b"", token) == expected
    finally:
        server.stop()
    log = server.log.read_text(encoding="utf-8")
    assert "DEBUG" in log and "Slack is on" in log
    assert hits(log) == [], [line for line in log.splitlines() if hits(line)][:5]
    assert "\x1b" not in log and "\r" not in log
    assert [line for line in log.splitlines() if not RECORD.match(line)] == []


def request(url: str, data: bytes, token: str) -> int:
    req = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
