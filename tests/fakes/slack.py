"""A fake Slack Web API on 127.0.0.1 for the Slack tests (the pattern of bolt-python's
tests/mock_web_api_server): the real `slack_sdk` clients talk to it over HTTP, it answers the
methods the bot uses, keeps each DM's history (with metadata), and records every request.

Also here: signed request builders for `POST /slack/events`, and `Door`, the Flask app with the
Slack door mounted as `lessons serve` builds it, pointed at a fake.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from bot.config import Secrets, Settings
from bot.live import KnowledgeHolder
from bot.recording import QuestionRecorder
from bot.records import Records
from bot.slack import build_slack_app
from bot.slack.client import web_client
from bot.slack.identity import BotIdentity
from bot.state import StateStore
from bot.web import create_app
from knowledge import KnowledgeBase

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"
#: The longest a held call waits for its release, so a failing test cannot hang the suite.
HOLD_LIMIT = 30.0


@dataclass
class Call:
    """One request the fake received: the path and its decoded body."""

    path: str
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when the fake answered

    @property
    def text(self) -> str:
        """Everything the bot posted, as one string to search (text and blocks)."""
        return json.dumps(self.body, ensure_ascii=False)


class FakeSlack:
    """Start with `FakeSlack()` (or `FakeSlack(port)` to come up where the bot already looks),
    stop with `.close()`; `.api_url` is the SLACK_API_URL to use.

    Faults: `channel_errors[channel]` is the error every post to that channel gets (200, ok false, as
    Slack answers `not_in_channel`); `fail_next[method]` lists the statuses of that method's next
    answers (429 comes with Retry-After: `retry_after`, 1 unless a test says otherwise); `hold(method)` makes that
    method's calls wait, unanswered and unrecorded, until the test sets the `threading.Event` it
    returns (so a test tells a finished call from a pending one, and releases it when it has looked).
    """

    def __init__(self, port: int = 0) -> None:
        self.calls: list[Call] = []
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.rate_limit_once: set[str] = set()  # channels whose next post gets 429 (Retry-After: retry_after)
        self.retry_after = 1  # seconds, as Slack says them in Retry-After
        self.fail_next: dict[str, list[int]] = {}
        self.channel_errors: dict[str, str] = {}  # channel -> Slack's error for posts there ("not_in_channel")
        self.held: dict[str, threading.Event] = {}
        self._ts = itertools.count(1)
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw, keep_blank_values=True))
                    for key in ("blocks", "metadata", "view"):
                        if isinstance(body.get(key), str):
                            body[key] = json.loads(body[key])
                method = self.path.removeprefix("/api/")
                held = fake.held.get(method)
                if held is not None:
                    held.wait(HOLD_LIMIT)
                status = 429 if body.get("channel") in fake.rate_limit_once else 200
                fake.rate_limit_once.discard(body.get("channel"))
                with fake._changed:
                    failures = fake.fail_next.get(method) or []
                    if failures:
                        status = failures.pop(0)
                if status == 200:
                    answer = fake.answer(self.path, body)
                else:
                    answer = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
                fake.record(Call(self.path, body, dict(self.headers)))
                data = json.dumps(answer).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", str(fake.retry_after))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = self.url + "/api/"

    def hold(self, method: str) -> threading.Event:
        """Hold every call to `method` ("chat.postMessage", "/response/x") until the returned event is set."""
        self.held[method] = threading.Event()
        return self.held[method]

    def response_url(self, name: str = "r1") -> str:
        """A response_url that points back at this fake."""
        return f"{self.url}/response/{name}"

    def close(self) -> None:
        for held in self.held.values():  # nothing stays parked on a closed fake
            held.set()
        self.server.shutdown()
        self.server.server_close()

    # -- what the fake answers ---------------------------------------------------------------

    def answer(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        method = path.removeprefix("/api/")
        if method == "auth.test":
            return {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "lessons",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "chat.postMessage" and body.get("channel") in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[body["channel"]]}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            message = {"type": "message", "ts": ts, "bot_id": BOT_ID, "user": BOT_USER,
                       "text": body.get("text", ""), "blocks": body.get("blocks") or []}
            if body.get("metadata"):
                message["metadata"] = body["metadata"]
            if body.get("thread_ts"):
                message["thread_ts"] = body["thread_ts"]
            with self._changed:
                self.history.setdefault(body.get("channel", ""), []).insert(0, message)
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": message}
        if method in ("conversations.history", "conversations.replies"):
            messages = list(self.history.get(body.get("channel", ""), []))
            if method == "conversations.replies":
                messages = [m for m in reversed(messages) if m.get("thread_ts") == body.get("ts")]
            return {"ok": True, "messages": messages, "has_more": False}
        if method in ("chat.postEphemeral", "chat.update", "views.publish"):
            return {"ok": True, "ts": "1700000000.999999"}
        if path.startswith("/response/"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def add_user_message(self, channel: str, text: str, ts: str) -> None:
        """Put a person's message into a channel's history (as Slack would keep it)."""
        with self._changed:
            self.history.setdefault(channel, []).insert(0, {"type": "message", "user": "U0USER",
                                                           "text": text, "ts": ts})

    # -- what the tests look at --------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def received(self, path: str) -> list[Call]:
        """Every call to `path` ("chat.postMessage", or "/response/..." for response_url posts)."""
        with self._changed:
            return [c for c in self.calls if _matches(c.path, path)]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10.0,
                 where: Callable[[Call], bool] = lambda call: True) -> list[Call]:
        """Wait (bounded) until `count` calls to `path` satisfying `where` arrived; returns them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if _matches(c.path, path) and where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.path for c in self.calls]
                    raise AssertionError(f"expected {count} call(s) to {path}; the fake saw {seen}")
                self._changed.wait(left)


def _matches(seen: str, wanted: str) -> bool:
    return seen.startswith(wanted) if wanted.startswith("/") else seen == "/api/" + wanted


# -- signed requests --------------------------------------------------------------------------

def sign(body: str, secret: str = SECRET, timestamp: int | None = None,
         content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    """Headers Slack would send with `body`, signed with `secret` at `timestamp` (default now)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def command_body(text: str, response_url: str, command: str = "/lessons", user: str = "U0USER",
                 channel: str = "C0CHAN") -> str:
    """A slash command's form body."""
    return urlencode({"token": "legacy", "team_id": TEAM, "team_domain": "test", "channel_id": channel,
                      "channel_name": "general", "user_id": user, "user_name": "ana", "command": command,
                      "text": text, "api_app_id": "A0APP", "response_url": response_url,
                      "trigger_id": "1.2.3"})


def action_body(action_id: str, value: str, response_url: str, *, ephemeral: bool = True,
                user: str = "U0USER", channel: str = "C0CHAN") -> str:
    """A block_actions click's form body (`payload=` JSON)."""
    payload = {
        "type": "block_actions", "team": {"id": TEAM, "domain": "test"}, "enterprise": None,
        "is_enterprise_install": False,
        "user": {"id": user, "username": "ana", "team_id": TEAM}, "api_app_id": "A0APP",
        "token": "legacy", "trigger_id": "1.2.3", "response_url": response_url,
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": channel,
                      "is_ephemeral": ephemeral},
        "channel": {"id": channel, "name": "general"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "x"}, "action_ts": "1700000001.000000"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], event_id: str = "Ev0001") -> str:
    """An Events API `event_callback` JSON body."""
    return json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "event": event,
                       "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                       "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]})


# -- the app with the Slack door, pointed at a fake ----------------------------------------------

HERDERS = "lessons on social insurance for herders"
HERDERS_URL = "https://webapps.ilo.org/ievaldiscovery/lessons/252474"
#: Retries of connection and server errors come after this many seconds (slack_sdk's backoff
#: waits 0.5 s and more): what is retried, and how often, is what the tests look at.
FAST_RETRIES = FixedValueRetryIntervalCalculator(0.01)


class Door:
    """The Flask app with Slack mounted, plus helpers to send signed requests and to wait."""

    def __init__(self, fake: FakeSlack | None, kb: KnowledgeBase, settings: Settings | None = None, *,
                 api_url: str | None = None, auth_retry_after: float = 30.0, auth_wait: float = 1.0,
                 questions: QuestionRecorder | None = None, state: StateStore | None = None,
                 recent: Any = None) -> None:
        """`recent`: the de-duplication keys (default: this door's own `RecentKeys`)."""
        settings = settings or Settings()
        secrets = Secrets(slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET,
                          slack_api_url=api_url or fake.api_url)
        self.executor = ThreadPoolExecutor(max_workers=4)
        self.holder = holder = KnowledgeHolder(kb)
        api = web_client(secrets, retry_interval=FAST_RETRIES)
        self.identity = BotIdentity(api, wait=auth_wait, retry_after=auth_retry_after)
        records = Records(state, questions)
        self.bolt = build_slack_app(settings, holder, secrets=secrets, client=api, identity=self.identity,
                                    listener_executor=self.executor, records=records,
                                    recent=recent)
        self.flask = create_app(settings, holder, secrets=secrets, slack=self.bolt, records=records)
        self.client = self.flask.test_client()
        self.fake = fake

    def send(self, body: str, content_type: str = "application/x-www-form-urlencoded", **headers: str):
        return self.client.post("/slack/events", data=body,
                                headers={**sign(body, content_type=content_type), **headers})

    def event(self, event: dict, event_id: str = "Ev0001", **headers: str):
        response = self.send(event_body(event, event_id), "application/json", **headers)
        assert response.status_code == 200, response.data
        return response

    def drain(self) -> None:
        """Wait until every listener already started has finished (then nothing more can post)."""
        self.executor.shutdown(wait=True)


def dm(text: str, ts: str = "1700000100.000100", **extra) -> dict:
    """A direct message event from a person."""
    return {"type": "message", "channel": "D0DM", "channel_type": "im", "user": "U0USER",
            "text": text, "ts": ts, "event_ts": ts, **extra}
