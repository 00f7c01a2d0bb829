"""A tiny fake Slack on 127.0.0.1: the Web API (`SLACK_API_URL=http://127.0.0.1:PORT/api/`) and,
as the server's HTTP proxy (`HTTP_PROXY`), every `response_url` post, whatever host it names.

Nothing leaves the machine: response_urls are `http://` so the proxy sees them in full and answers
itself (or hangs up when UNREACHABLE is in the path or channel: a Slack that cannot be reached); a CONNECT
(an https URL) is refused. Every call is recorded for the scenarios to count.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER, BOT_ID, TEAM = "UBENCHBOT", "BBENCHBOT", "TBENCH"
#: A response_url whose path, or a Web API call whose channel, holds this is treated as
#: unreachable: the fake hangs up without an answer.
UNREACHABLE = "UNREACHABLE"


@dataclass
class Call:
    """One request the fake received: `kind` is the Web API method or "response_url"."""

    kind: str
    host: str
    path: str
    body: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class FakeSlack:
    """Start with `FakeSlack()`, stop with `.close()`; `.api_url` and `.proxy_url` go in the env."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.api_url = f"http://127.0.0.1:{self.port}/api/"
        self.proxy_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="fake-slack", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, call: Call) -> dict[str, Any]:
        with self._lock:
            self.calls.append(call)
        if call.kind == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM, "team": "bench",
                    "url": "https://bench.slack.com/"}
        if call.kind in ("conversations.history", "conversations.replies"):
            return {"ok": True, "messages": []}
        return {"ok": True, "channel": call.body.get("channel"), "ts": f"{time.time():.0f}.{next(self._ts):06d}"}

    def matching(self, needle: str) -> list[Call]:
        """Calls whose path or body mentions `needle` (a channel id, a response_url's path)."""
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if needle in c.path or needle in json.dumps(c.body, ensure_ascii=False)]

    def wait_for(self, needle: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait (bounded) until `count` calls mention `needle`; returns what arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(needle)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.matching(needle)


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            value = json.loads(text or "{}")
        except ValueError:
            return {"raw": text}
        return value if isinstance(value, dict) else {"raw": value}
    body: dict[str, Any] = dict(parse_qsl(text, keep_blank_values=True))
    for key in ("blocks", "metadata", "view"):
        if isinstance(body.get(key), str):
            with contextlib.suppress(ValueError):
                body[key] = json.loads(body[key])
    return body


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_CONNECT(self) -> None:  # an https response_url: never tunnelled anywhere
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            url = urlsplit(self.path)
            host = url.hostname or "127.0.0.1"
            path = url.path if url.scheme else self.path.split("?")[0]
            body = _decode(raw, self.headers.get("Content-Type") or "")
            if host == "127.0.0.1" and path.startswith("/api/"):
                call = Call(path.removeprefix("/api/"), host, path, body)
                answer, kind = json.dumps(fake.record(call)).encode(), "application/json"
            else:
                call = Call("response_url", host, path, body)
                fake.record(call)
                answer, kind = b"ok", "text/plain"
            if UNREACHABLE in path or UNREACHABLE in str(body.get("channel")):
                self.close_connection = True  # as if Slack could not be reached: hang up, no answer
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler
