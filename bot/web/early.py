"""Under waitress: refuse on the headers, and answer waitress's own errors as JSON.

waitress reads a request's whole body before the app runs, so the app's checks (`bot.web.gate`)
came after the last byte: a stranger's 8 MB got its 401 once all 8 MB had arrived, and a body
shorter than its Content-Length was waited for. `refuse_early` gives a waitress server a request
parser that applies `Gate.early` as soon as the headers are in: a refused request's body is never
read, its answer goes out at once and the connection closes. It also gives the server an error
task that writes the errors waitress answers by itself (a malformed request line, headers too
large, a bad chunk, a transfer coding other than chunked) as the app's JSON `{"error", "detail"}`.

A client that sends its whole body before reading (Python's urllib, for one) would meet a reset
connection instead of the answer if the server closed with the body still coming, so after such
an answer the connection lingers: it stops writing and reads and drops what the client still
sends (up to `LINGER_BYTES`, and never longer than waitress's `channel_timeout`), then closes.
"""
from __future__ import annotations

import json
import socket
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask
from waitress.utilities import Error, RequestEntityTooLarge, ServerNotImplemented
from werkzeug.http import HTTP_STATUS_CODES

from .gate import Gate
from .http import SECURITY_HEADERS, ApiError, too_large

#: The most a refused client may still send, read and dropped, before the connection closes anyway.
LINGER_BYTES = 8 * 1024 * 1024
#: The `error` code of each status waitress answers by itself.
_CODES = {400: "bad_request", 413: "body_too_large", 431: "headers_too_large", 500: "internal_error"}
_DETAILS = {400: "the request is not valid HTTP/1.1", 431: "the request's headers are too large",
            500: "something went wrong on the server; it has been logged"}


class Refused(Error):
    """An `ApiError` as waitress's error type, so waitress answers it without running the app."""

    def __init__(self, refusal: ApiError) -> None:
        super().__init__(refusal.description)
        self.code, self.reason = refusal.code, HTTP_STATUS_CODES.get(refusal.code, "Error")
        self.error, self.headers = refusal.error, refusal.extra_headers


class GatedParser(HTTPRequestParser):
    """waitress's parser, with the gate applied once the headers are in (subclassed per server)."""

    gate: Gate

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.gated = False

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if isinstance(self.error, ServerNotImplemented):  # waitress's 501 for `gzip, chunked` and the like
            self.error = Refused(ApiError(415, "unsupported_transfer_encoding",
                                          "send the body as it is or chunked; no other transfer coding is read"))
        elif self.headers_finished and not self.gated and (self.error is None or self._too_large):
            self.gated = True  # once, as the headers end: the token comes before the size, as in the app
            refusal = self.gate.early(self.path, self.header)
            if refusal is not None:  # the body, if any, is never read
                self.error, self.completed, self.expect_continue = Refused(refusal), True, False
        if self._too_large:  # waitress's own cap (max_body_bytes + 1), declared or chunked
            self.error = Refused(too_large(self.gate.max_body_bytes))
        return consumed

    @property
    def _too_large(self) -> bool:
        return isinstance(self.error, RequestEntityTooLarge)

    def header(self, name: str) -> str | None:
        """A request header by its HTTP name, as waitress keeps them ("Content-Length" → CONTENT_LENGTH)."""
        return self.headers.get(name.upper().replace("-", "_"))


class JsonErrorTask(ErrorTask):
    """waitress's error answer, as the app's JSON error body (and its security headers)."""

    def execute(self) -> None:
        error = self.request.error
        code = getattr(error, "error", None) or _CODES.get(error.code, "error")
        detail = _DETAILS.get(error.code) if not isinstance(error, Refused) else error.body
        body = json.dumps({"error": code, "detail": detail or str(error.body)[:200]}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), *SECURITY_HEADERS.items(),
                                      *getattr(error, "headers", {}).items()])
        self.set_close_on_finish()
        self.channel.linger = True
        self.content_length = len(body)
        self.write(body)


class GatedChannel(HTTPChannel):
    """waitress's connection, lingering after an error answer (subclassed per server with the parser)."""

    linger = False  # set by the error task
    lingering = False
    dropped = 0

    def handle_close(self) -> None:
        if not self.linger or self.lingering or not self.connected:
            super().handle_close()
            return
        try:  # the answer is out: say so, and read until the client is done sending
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            super().handle_close()
            return
        self.lingering, self.will_close = True, False

    def readable(self) -> bool:
        return True if self.lingering else super().readable()

    def writable(self) -> bool:
        return self.will_close if self.lingering else super().writable()  # will_close: waitress's timeout

    def handle_read(self) -> None:
        if not self.lingering:
            super().handle_read()
            return
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        self.dropped += len(data)
        if not data or self.dropped > LINGER_BYTES:
            self.lingering = False
            super().handle_close()

    def handle_write(self) -> None:
        if self.lingering:  # only waitress's maintenance asks (will_close after channel_timeout)
            self.lingering = False
            super().handle_close()
            return
        super().handle_write()


def refuse_early(server: Any, gate: Gate) -> None:
    """Give a server made by `waitress.create_server` (one socket or several) the gated parser and
    the JSON error task."""
    parser = type("GatedParser", (GatedParser,), {"gate": gate})
    channel = type("GatedChannel", (GatedChannel,), {"parser_class": parser, "error_task_class": JsonErrorTask})
    sockets = getattr(server, "map", None) or getattr(server, "_map", {})
    for dispatcher in [server, *sockets.values()]:
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
