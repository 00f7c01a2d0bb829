"""What a worker answers by itself, before (or instead of) the app: whole HTTP/1.1 answers in the
app's JSON shape `{"error", "detail"}`, and the head of a request read just enough to ask the
web door's gate (`bot.web.gate`) whether to refuse it on its headers."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from gunicorn import util

Lookup = Callable[[str], "str | None"]
#: `gate(path, header)`: a refusal (with `code`, `error`, `description`, `extra_headers`) or None.
EarlyGate = Callable[[str, Lookup], Any]

#: The `error` code and detail of each status gunicorn answers by itself (it could not parse the request).
_PARSE_ERRORS = {
    400: ("bad_request", "the request is not valid HTTP/1.1"),
    403: ("forbidden", "the request is not allowed"),
    414: ("request_line_too_long", "the request line is too long"),
    417: ("expectation_failed", "the Expect header cannot be met"),
    431: ("headers_too_large", "the request's headers are too large"),
    501: ("unsupported_transfer_encoding", "send the body as it is or chunked; no other transfer coding is read"),
}


def reply(status: int, error: str, detail: str, headers: Iterable[tuple[str, str]] = ()) -> bytes:
    """A whole HTTP/1.1 answer that closes the connection, its body the app's JSON error."""
    body = json.dumps({"error": error, "detail": detail}).encode("utf-8") + b"\n"
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Connection: close",
             "Content-Type: application/json", "X-Content-Type-Options: nosniff",
             f"Content-Length: {len(body)}", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


TIMEOUT = reply(408, "request_timeout", "the request did not arrive in time")
HEAD_TOO_LARGE = reply(431, "headers_too_large", "the request line and headers are too long")


def write_parse_error(sock: Any, status: int, reason: str, message: str) -> None:
    """gunicorn's `util.write_error`, in JSON (gunicorn's own is an HTML page echoing the input).
    A transfer coding gunicorn does not read (its 501) is the client's to change: 415."""
    error, detail = _PARSE_ERRORS.get(status, ("error", reason))
    util.write_nonblock(sock, reply(415 if status == 501 else status, error, detail))


def gate_on_head(gate: EarlyGate, head: bytes) -> bytes | None:
    """The whole answer when `gate` refuses the request whose line and headers are `head`; None
    when it lets it through, or when the head cannot be read (gunicorn then answers 400)."""
    try:
        line, *fields = head.decode("latin-1").split("\n")
        method, target, _version = line.split(" ")
    except ValueError:
        return None
    headers: dict[str, str] = {}
    for field in fields:
        name, colon, value = field.partition(":")
        if colon and name.strip():
            headers.setdefault(name.strip().lower(), value.strip())
    refusal = gate(target.split("?", 1)[0], lambda name: headers.get(name.lower()))
    if refusal is None:
        return None
    return reply(refusal.code, refusal.error, refusal.description, refusal.extra_headers.items())
