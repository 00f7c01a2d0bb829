"""`BufferingWorker`: gunicorn's threaded worker, except that a connection reaches a thread only
once its request has arrived.

gunicorn's gthread worker gives each new connection to a thread, which then blocks reading it: 200
clients sending their headers a line a second hold 200 threads, and a thousand idle connections
queue ahead of real requests for seconds each. This worker reads every request's head, and a body
up to `server.max_body_bytes` sent with a Content-Length, in its event loop (non-blocking, like a
buffering proxy in front would), with one deadline for the whole request (`server.request_timeout`).
Idle and slow connections then cost a socket and a few kilobytes, never a thread. Larger bodies go
to the app unread (it answers 413 from the length alone); chunked bodies and `Expect: 100-continue`
are read by the thread, each read bounded by the same timeout.

As soon as the headers are in, the web door's gate (`early`: the token, the declared size) may
refuse the request: its answer goes out at once, its body is never read, and the connection reads
and drops what the client still sends (up to LINGER_BYTES, within the deadline) before it closes,
so a client that sends its whole body before reading gets the answer, not a reset. What gunicorn
answers by itself (a request it cannot parse) is JSON too (`replies`).
"""
from __future__ import annotations

import contextlib
import errno
import re
import selectors
import signal
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

from .replies import HEAD_TOO_LARGE, TIMEOUT, EarlyGate, gate_on_head, write_parse_error

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"\ncontent-length[ \t]*:[ \t]*([0-9]{1,18})[ \t]*\r?\n", re.IGNORECASE)
_READ_BY_APP = re.compile(rb"\n(?:transfer-encoding|expect)[ \t]*:", re.IGNORECASE)

#: Requests served on one kept-alive connection before it is closed (see `handle_request`).
REQUESTS_PER_CONNECTION = 100
#: The most a refused client may still send, read and dropped, before the connection closes anyway.
LINGER_BYTES = 8 * 1024 * 1024


@dataclass
class Arriving:
    """A request being read in the event loop: the bytes so far and when it must be complete."""

    conn: TConn
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    needed: int | None = None  # the whole request's length once the head is in
    dropped: int | None = None  # refused: the bytes read and dropped since


#: The signals that stop a worker: held back from before its fork until it has its own handlers.
STOPPING = {signal.SIGTERM, signal.SIGINT, signal.SIGQUIT}


class BufferingWorker(ThreadWorker):
    """gthread with requests read in the event loop, each within one deadline (see the module).
    Use `BufferingWorker.limited(...)`, which sets the limits below."""

    request_timeout = 10.0
    max_head = 32 * 1024
    max_body = 64 * 1024
    early: EarlyGate | None = None

    @classmethod
    def limited(cls, request_timeout: float, max_head: int, max_body: int,
                early: EarlyGate | None = None) -> type[BufferingWorker]:
        """This worker class with its limits and gate set (gunicorn builds the workers from a class)."""
        return type("LessonsWorker", (cls,), {"request_timeout": request_timeout, "max_head": max_head,
                                              "max_body": max_body, "early": staticmethod(early) if early else None})

    def init_process(self) -> None:
        self.arriving: OrderedDict[int, Arriving] = OrderedDict()  # oldest deadline first
        util.write_error = write_parse_error  # this process's gunicorn answers in JSON too
        super().init_process()

    def init_signals(self) -> None:
        """Ctrl-C in a terminal reaches the workers too: finish the requests in flight, as on SIGTERM."""
        super().init_signals()
        signal.signal(signal.SIGINT, self.handle_exit)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)  # held since the fork (see LessonsArbiter)

    # -- the event loop's side ----------------------------------------------------------------

    def accept(self, listener: socket.socket) -> None:
        """A new connection waits in the loop until its request has arrived."""
        try:
            sock, address = listener.accept()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE):  # no file left: hold what is open for now
                self.worker_connections = max(1, self.nr_conns)
                self.log.warning("out of open files at %d connections; taking no more until some close",
                                 self.nr_conns)
            elif error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._await_request(TConn(self.cfg, sock, address, listener.getsockname()))

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        """A kept-alive connection's next request is read in the loop too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_request(conn)

    def _await_request(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        arriving = Arriving(conn, time.monotonic() + self.request_timeout)
        self.arriving[id(conn)] = arriving
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, arriving))

    def _on_bytes(self, arriving: Arriving, sock: socket.socket) -> None:
        try:
            chunk = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            self._drop(arriving)
            return
        if arriving.dropped is not None:  # refused: read and drop until the client is done
            arriving.dropped += len(chunk)
            if arriving.dropped > LINGER_BYTES:
                self._drop(arriving)
            return
        arriving.data += chunk
        if arriving.needed is None:
            arriving.needed = self._request_length(arriving.data)
            if arriving.needed is None:
                if len(arriving.data) > self.max_head:
                    self._drop(arriving, HEAD_TOO_LARGE)
                return
            refusal = self._refusal(arriving.data)
            if refusal is not None:
                self._refuse(arriving, refusal)
                return
        if len(arriving.data) >= arriving.needed:
            self._hand_over(arriving)

    def _refusal(self, data: bytearray) -> bytes | None:
        if self.early is None:
            return None
        end = _HEAD_END.search(data)
        return gate_on_head(self.early, bytes(data[:end.start()]).replace(b"\r\n", b"\n")) if end else None

    def _refuse(self, arriving: Arriving, answer: bytes) -> None:
        """Answer at once and stop writing; the rest of what the client sends is read and dropped."""
        arriving.dropped, arriving.data = 0, bytearray()
        try:
            arriving.conn.sock.send(answer)  # non-blocking; an error answer fits any socket buffer
            arriving.conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._drop(arriving)

    def _request_length(self, data: bytearray) -> int | None:
        """Bytes to read before a thread takes the request: the head, plus a small body sent with
        a Content-Length. None while the head is incomplete."""
        end = _HEAD_END.search(data, 0, self.max_head + 4)
        if end is None:
            return None
        head = bytes(data[:end.end()])
        if _READ_BY_APP.search(head):
            return end.end()  # chunked or 100-continue: the thread reads the body
        length = _CONTENT_LENGTH.search(head)
        body = int(length.group(1)) if length else 0
        return end.end() + (body if body <= self.max_body else 0)  # larger: refused unread by the app

    def _hand_over(self, arriving: Arriving) -> None:
        self.arriving.pop(id(arriving.conn), None)
        self.poller.unregister(arriving.conn.sock)
        conn = arriving.conn
        conn.data_ready = True
        conn.arrived = bytes(arriving.data)
        self.enqueue_req(conn)

    def _drop(self, arriving: Arriving, reply: bytes = b"") -> None:
        """Close a connection whose request will not come (with a last word when it began one)."""
        self.arriving.pop(id(arriving.conn), None)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(arriving.conn.sock)
        if reply:
            with contextlib.suppress(OSError):
                arriving.conn.sock.send(reply)  # non-blocking, best effort: it fits any socket buffer
        self.nr_conns -= 1
        arriving.conn.close()

    def murder_pending(self) -> None:
        """Each pass of the loop: close requests past their deadline (408 when one had begun). On
        shutdown, connections that have not begun a request get STOP_KEEPALIVE_LINGER seconds at
        most: a client may be sending one already (it is then answered, with Connection: close)."""
        super().murder_pending()
        now = time.monotonic()
        if not self.alive:
            for arriving in self.arriving.values():
                if not arriving.data:
                    arriving.deadline = min(arriving.deadline, now + STOP_KEEPALIVE_LINGER)
        for arriving in sorted(self.arriving.values(), key=lambda a: a.deadline):
            if arriving.deadline > now:
                break
            self._drop(arriving, TIMEOUT if arriving.data else b"")

    def handle_request(self, req: Any, conn: TConn) -> Any:
        """Close a kept-alive connection every REQUESTS_PER_CONNECTION requests (the answer says
        so): the client reconnects to whichever worker is free, so a few busy clients do not stay
        on one worker while another idles."""
        if req.req_number % REQUESTS_PER_CONNECTION == 0:
            req.must_close = True
        return super().handle_request(req, conn)

    # -- the thread's side --------------------------------------------------------------------

    def handle(self, conn: TConn) -> Any:
        """Serve a connection whose request arrived: the parser starts from the bytes read."""
        arrived = getattr(conn, "arrived", b"")
        if arrived:
            conn.arrived = b""
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(arrived)
            if not isinstance(conn.parser.unreader.sock, TimedSocket):
                conn.parser.unreader.sock = TimedSocket(conn.sock, self.request_timeout)
        return super().handle(conn)


class TimedSocket:
    """The socket as the request parser reads it: every read (a chunked body's, say) waits at
    most `timeout` seconds, so a stalled client frees its thread. Writes use the socket itself."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock, self.timeout = sock, timeout

    def recv(self, size: int) -> bytes:
        self.sock.settimeout(self.timeout)
        return self.sock.recv(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)
