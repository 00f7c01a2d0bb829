"""Under waitress (a real server on 127.0.0.1, in a thread): refusals on the headers alone, before
any body is read, and waitress's own errors as JSON."""
from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading

import pytest
import waitress
from waitress import wasyncore

from bot.config import Secrets, Settings
from bot.web import Gate, create_app
from bot.web.early import refuse_early

TOKEN = "s3cret-token"
#: How long a test waits for an answer that must come at once (a hang fails the test, not the suite).
PROMPT = 5.0


@pytest.fixture(scope="module")
def port(bundled):
    """waitress serving the app with WEBHOOK_TOKEN set, the gate on its parser; the port."""
    settings, secrets = Settings(), Secrets(webhook_token=TOKEN)
    gate = Gate(settings.server.max_body_bytes, secrets, settings.rate_limit)
    app = create_app(settings, bundled, secrets=secrets, gate=gate)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2,
                                    max_request_body_size=settings.server.max_body_bytes + 1)
    refuse_early(server, gate)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, use_poll=True, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield server.effective_port
    stop.set()
    thread.join(PROMPT)
    server.task_dispatcher.shutdown()
    wasyncore.close_all(server._map)


def exchange(port: int, raw: bytes, then: bytes = b"") -> tuple[int, dict[str, str], dict]:
    """Send `raw` (and `then` after the answer began), read one answer: status, headers, JSON body."""
    with socket.create_connection(("127.0.0.1", port), timeout=PROMPT) as sock:
        sock.sendall(raw)
        data = sock.recv(65536)
        if then:
            with contextlib.suppress(OSError):  # the server may have closed the connection already
                sock.sendall(then)
        while b"\r\n\r\n" in data and len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            more = sock.recv(65536)
            if not more:
                break
            data += more
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, json.loads(body)


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def request(path: str, headers: dict[str, str], body: bytes = b"", method: str = "POST") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_a_stranger_gets_401_before_sending_the_body(port):
    raw = request("/webhook", {"Content-Type": "application/json", "Content-Length": "60000"}, b'{"text": "youth"}')
    status, headers, body = exchange(port, raw)  # 18 of the 60,000 bytes sent: no waiting for the rest
    assert status == 401 and body["error"] == "missing_token" and headers["connection"] == "close"
    raw = request("/api/search?q=youth", {"Authorization": "Bearer nope", "Content-Length": "10"}, b"x", "GET")
    assert exchange(port, raw)[2]["error"] == "wrong_token"


def test_a_stranger_sending_megabytes_gets_401_after_the_first_bytes(port):
    raw = request("/webhook", {"Content-Type": "application/json", "Content-Length": "8000000"}, b" " * 65536)
    status, _, body = exchange(port, raw, then=b" " * 262144)
    assert status == 401 and body["error"] == "missing_token"


def test_a_declared_body_over_the_limit_is_refused_at_once(port):
    raw = request("/webhook", {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}",
                               "Content-Length": "70000"}, b'{"text": "youth"}')
    status, _, body = exchange(port, raw)
    assert status == 413 and body["error"] == "body_too_large" and "65,536" in body["detail"]


def test_a_chunked_body_over_the_limit_is_refused_as_json(port):
    chunk = b"x" * 70_000
    raw = request("/webhook", {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}",
                               "Transfer-Encoding": "chunked"}, f"{len(chunk):x}\r\n".encode() + chunk)
    status, _, body = exchange(port, raw)
    assert status == 413 and body["error"] == "body_too_large"


def test_an_unsupported_transfer_coding_is_415_json_not_501(port):
    raw = request("/webhook", {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}",
                               "Transfer-Encoding": "gzip, chunked"}, b"5\r\nabcde\r\n0\r\n\r\n")
    status, headers, body = exchange(port, raw)
    assert status == 415 and body["error"] == "unsupported_transfer_encoding"
    assert headers["content-type"] == "application/json" and headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("raw, status, code", [
    (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400, "bad_request"),
    (b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "bad_request"),
    (b"POST /nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400,
     "bad_request"),
])
def test_a_malformed_request_gets_a_json_error(port, raw, status, code):
    answer = exchange(port, raw)
    assert answer[0] == status and answer[2]["error"] == code and answer[2]["detail"]


def test_a_request_with_the_token_is_answered(port):
    body = json.dumps({"text": "youth employment", "limit": 1}).encode()
    raw = request("/webhook", {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}",
                               "Content-Length": str(len(body)), "Connection": "close"}, body)
    status, _, answer = exchange(port, raw)
    assert status == 200 and answer["query"] == "youth employment"


def test_a_client_that_sends_its_whole_body_before_reading_still_gets_the_answer(port):
    # The connection lingers after the 401, reading and dropping the rest, instead of resetting.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROMPT * 2)
    try:
        connection.request("POST", "/webhook", body=b" " * 6_000_000, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 401 and json.load(response)["error"] == "missing_token"
    finally:
        connection.close()
