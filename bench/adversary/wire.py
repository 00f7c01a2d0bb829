"""A raw HTTP/1.1 client over a socket to 127.0.0.1: it sends exactly the bytes it is given (so it
can lie about Content-Length, send malformed request lines or stop half-way) and always gives up
after a deadline. Also Slack's request signing."""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"


@dataclass
class Reply:
    """What came back: `status` None when nothing did; `hung` when the deadline passed first."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    ms: float = 0.0
    hung: bool = False
    error: str = ""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def is_json(self) -> bool:
        return "json" in self.headers.get("content-type", "") and self.json() is not None


def build(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
          host: str = HOST, length: int | None = None) -> bytes:
    """A request with `Connection: close`; `length` overrides the declared Content-Length."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or length is not None or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def exchange(port: int, data: bytes | list[bytes], timeout: float = 10.0, pause: float = 0.0) -> Reply:
    """Send `data` (a list is sent piece by piece, `pause` seconds apart) and read one response."""
    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    reply = Reply()
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            for index, piece in enumerate(data if isinstance(data, list) else [data]):
                if index and pause:
                    time.sleep(pause)
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                sock.sendall(piece)
            _read_response(sock, deadline, reply)
    except TimeoutError:
        reply.hung = True
    except OSError as error:  # reset, refused, broken pipe: the server closed on us
        reply.error = type(error).__name__
    reply.ms = (time.perf_counter() - started) * 1000
    if reply.status is None and not reply.hung and not reply.error:
        reply.error = "closed without an answer"
    return reply


def _read_response(sock: socket.socket, deadline: float, reply: Reply) -> None:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = _recv(sock, deadline)
        if not chunk:
            return
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    reply.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        reply.headers[name.strip().lower()] = value.strip()
    length = reply.headers.get("content-length")
    chunked = "chunked" in reply.headers.get("transfer-encoding", "").lower()
    while True:
        if length is not None and len(rest) >= int(length):
            rest = rest[: int(length)]
            break
        if chunked and rest.endswith(b"0\r\n\r\n"):
            rest = _dechunk(rest)
            break
        chunk = _recv(sock, deadline)
        if not chunk:
            break
        rest += chunk
    reply.body = rest


def _recv(sock: socket.socket, deadline: float) -> bytes:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    sock.settimeout(remaining)
    return sock.recv(65536)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if not size:
            break
        out, data = out + data[:size], data[size + 2:]
    return out


def sign(secret: str, body: bytes, timestamp: str | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for `body`, timestamped now unless told otherwise."""
    stamp = timestamp or str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}
