"""`lessons serve --workers N`: the app in N processes under gunicorn, the lessons loaded once.

- `arbiter`: the master process: reloads the lessons (merged, one at a time), forks the workers
  that share them, retires the old ones; watches the folders;
- `loader`: a reload's loading, in a child process of the master, so its memory stays level;
- `buffering`: the worker: gunicorn's threaded worker, reading each request in its event loop
  within a deadline, so idle and slow clients never hold a thread;
- `shared`: the memory master and workers share: generations and the last reload's outcome;
- `options`: gunicorn's settings from `server:` in config.yaml, and its log through ours.

gunicorn runs on Unix only; `bot.serve` falls back to waitress in one process elsewhere.
"""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from ..config import ServerSettings
from ..live import Reloader, Watcher
from .replies import EarlyGate
from .shared import RemoteReloader, SharedHolder, SharedStatus

__all__ = ["RemoteReloader", "SharedHolder", "SharedStatus", "serve_with_workers"]

log = logging.getLogger("lessons")

#: What runs in each worker once it is forked (e.g. a Socket Mode connection); returns its closer.
WorkerStart = Callable[[], Callable[[], None] | None]


def serve_with_workers(app: Any, holder: SharedHolder, reloader: Reloader, server: ServerSettings, workers: int,
                       listeners: list[socket.socket], *, watcher: Watcher | None = None,
                       in_each_worker: WorkerStart | None = None, early: EarlyGate | None = None,
                       when_listening: Callable[[], None] | None = None) -> int:
    """Run gunicorn's master with `workers` workers on the bound `listeners` until SIGTERM or
    SIGINT; returns the exit code (in the master: workers leave through SystemExit). `early`
    refuses requests on their headers, before their body is read (the web door's gate);
    `when_listening` runs once the master has said where it listens."""
    from gunicorn.sock import create_sockets

    from .arbiter import LessonsArbiter, share_with_workers
    from .options import LessonsApplication, gunicorn_settings

    status, closers = holder.status, {}

    def when_ready(arbiter: LessonsArbiter) -> None:
        for listener in arbiter.LISTENERS:
            host, port = listener.sock.getsockname()[:2]
            log.info("serving %d lessons on http://%s:%s/ (%d workers of %d threads)", len(holder.kb),
                     f"[{host}]" if ":" in host else host, port, workers, server.threads)
        if when_listening is not None:
            when_listening()

    def post_fork(arbiter: LessonsArbiter, worker: Any) -> None:
        status.enter(worker.age, os.getpid(), holder.generation)
        closers[os.getpid()] = in_each_worker() if in_each_worker else None

    def worker_exit(arbiter: LessonsArbiter, worker: Any) -> None:
        close = closers.pop(os.getpid(), None)
        if close is not None:
            close()
        status.clear_slot(worker.age, os.getpid())

    def child_exit(arbiter: LessonsArbiter, worker: Any) -> None:
        status.clear_slot(worker.age, worker.pid)

    def on_exit(arbiter: LessonsArbiter) -> None:
        log.info("stopped%s", f" on {arbiter.stopped_by}" if arbiter.stopped_by else "")

    hooks = {"when_ready": when_ready, "post_fork": post_fork, "worker_exit": worker_exit,
             "child_exit": child_exit, "on_exit": on_exit}
    application = LessonsApplication(app, gunicorn_settings(server, workers, hooks, early))
    arbiter = LessonsArbiter(application, holder=holder, reloader=reloader, status=status, watcher=watcher)
    master = os.getpid()
    arbiter.LISTENERS = create_sockets(arbiter.cfg, arbiter.log, [s.detach() for s in listeners])
    status.publish(holder.generation, None, -1.0)
    share_with_workers()
    if watcher is not None:
        log.info("watching the lesson folders every %.1fs", watcher.interval)
    log.info("SIGHUP reloads the lessons in every worker")
    try:
        arbiter.run()
    except SystemExit as leaving:
        if os.getpid() != master:
            raise  # a worker's own exit: it must not return into the master's code
        return int(leaving.code or 0)
    return 0
