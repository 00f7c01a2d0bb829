"""`lessons serve`, the one composition root: load the lessons, decide whether Slack is on and build
it once, build the app around both, and run it under a production WSGI server."""
from __future__ import annotations

import argparse
import dataclasses
import errno
import ipaddress
import logging
import os
import signal
import socket
import threading
from typing import TYPE_CHECKING, Any, TextIO

from knowledge import KnowledgeBase

from .config import Secrets, ServerSettings, Settings
from .live import KnowledgeHolder, Reloader, Reloads, Watcher, install_sighup, snapshot
from .loading import UsageError, load_kb
from .logs import setup_logging
from .state import StateStore

if TYPE_CHECKING:
    from flask import Flask
    from slack_bolt import App

log = logging.getLogger("lessons")
slack_log = logging.getLogger("lessons.slack")

#: waitress reads a whole request before the app sees it. Bodies up to this size reach the app,
#: which answers 413 as JSON from Content-Length alone; larger ones waitress refuses unread
#: (with its own plain-text 413), so no client can make it buffer more.
WAITRESS_BODY_CAP = 8 * 1024 * 1024


#: Open files a worker needs besides its connections (listeners, pipes, logs, the state file...).
FILES_BESIDE_CONNECTIONS = 64


class Stop(SystemExit):
    """Raised by the signal handler; waitress's loop lets SystemExit through and shuts down."""


def serve(args: argparse.Namespace, settings: Settings, err: TextIO) -> int:
    """Serve until SIGTERM or SIGINT, then stop cleanly; returns the exit code."""
    server = _server_settings(args, settings)
    secrets = Secrets.from_env()
    setup_logging(settings.logging.level, settings.logging.format, secrets.values(), stream=err)
    paths = list(args.lessons or settings.lessons.paths)
    watch = args.watch if getattr(args, "watch", None) is not None else settings.lessons.watch
    before_load = snapshot(paths) if watch else None  # a file written during the load is then seen
    workers = worker_count(getattr(args, "workers", None), server)
    prefork = gunicorn_runs()
    server = allow_connections(server)
    holder = _holder(load_kb(paths, settings, err), prefork)  # the holder's reference only: a reload frees it
    for problem in holder.kb.report.problems():
        log.warning("skipped %s", problem)
    reloader = Reloader(holder, paths, options=settings.search, max_file_bytes=settings.lessons.max_file_bytes)
    if prefork:
        return _serve_workers(settings, server, secrets, holder, reloader, workers,
                              Watcher(reloader, settings.lessons.watch_interval, seen=before_load) if watch else None)
    app, slack = build_app(settings, holder, secrets, reloader, StateStore(settings.state.path))
    warning = exposure_warning(server.host, secrets)
    if warning:
        log.warning(warning)
    wsgi = _wsgi_server(app, server)
    socket_mode = start_slack(slack, settings, secrets)
    for host, port in _addresses(wsgi):
        log.info("serving %d lessons on http://%s:%s/ (one process of %d threads)", len(holder.kb), _url_host(host),
                 port, server.threads)
    if install_sighup(reloader):
        log.info("SIGHUP reloads the lessons")
    watcher = _watch(reloader, settings, before_load) if watch else None
    with _stop_on_signals() as stopped:
        wsgi.run()  # returns after Stop/KeyboardInterrupt, once the worker threads have finished
    if watcher is not None:
        watcher.stop()
    if socket_mode is not None:
        socket_mode.close()
    wsgi.close()
    log.info("stopped%s", f" on {stopped[0]}" if stopped else "")
    return 0


def worker_count(asked: int | None, server: ServerSettings) -> int:
    """Worker processes to run: --workers, else `server.workers`, else (0) one per core."""
    count = asked if asked is not None else server.workers
    if count < 0:
        raise UsageError(f"--workers: must be 0 (one per core) or more, got {count}")
    return count or _cores()


def allow_connections(server: ServerSettings) -> ServerSettings:
    """Raise this process's limit of open files to what `server.worker_connections` needs (up to
    the system's hard limit; workers inherit it), or lower the connections to what it allows."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return server
    wanted = server.worker_connections + FILES_BESIDE_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return server
    allowed = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (allowed, hard))
    except (ValueError, OSError):
        allowed = soft
    if allowed < wanted:
        fewer = max(1, allowed - FILES_BESIDE_CONNECTIONS)
        log.warning("server.worker_connections lowered from %d to %d: the system allows %d open files a "
                    "process (raise it with ulimit -n, or LimitNOFILE under systemd)", server.worker_connections,
                    fewer, allowed)
        return dataclasses.replace(server, worker_connections=fewer)
    return server


def gunicorn_runs() -> bool:
    """Whether gunicorn can serve here (it needs fork: Unix, not Windows). Where it cannot, one
    waitress process serves, with `server.threads` threads, whatever --workers says."""
    if not hasattr(os, "fork"):
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _holder(kb: KnowledgeBase, prefork: bool) -> KnowledgeHolder:
    if prefork:
        from .workers import SharedHolder, SharedStatus

        return SharedHolder(kb, SharedStatus())
    return KnowledgeHolder(kb)


def _serve_workers(settings: Settings, server: ServerSettings, secrets: Secrets, holder: KnowledgeHolder,
                   reloader: Reloader, workers: int, watcher: Watcher | None) -> int:
    """Serve with `workers` processes under gunicorn (see `bot.workers`)."""
    from .workers import RemoteReloader, SharedHolder, serve_with_workers

    assert isinstance(holder, SharedHolder)
    listeners = bind(server)  # here, for a one-line error; gunicorn would retry, then exit
    app, slack = build_app(settings, holder, secrets, RemoteReloader(holder.status), StateStore(settings.state.path))
    warning = exposure_warning(server.host, secrets)
    if warning:
        log.warning(warning)
    start_slack(slack, settings, secrets, connect=False)

    def socket_mode() -> Any:
        connection = start_slack(slack, settings, secrets, quiet=True)
        return connection.close if connection is not None else None

    return serve_with_workers(app, holder, reloader, server, workers, listeners, watcher=watcher,
                              in_each_worker=socket_mode if secrets.slack_app_token else None)


def bind(server: ServerSettings) -> list[socket.socket]:
    """Listening sockets on every address of `server.host` (one port for all when 0 picks one);
    a one-line `UsageError` when that fails."""
    try:
        found = socket.getaddrinfo(server.host, server.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(listen_error(server.host, server.port, ValueError(str(error)))) from None
    listeners: list[socket.socket] = []
    port = server.port
    try:
        for family, _, _, _, address in dict.fromkeys((f[0], f[1], f[2], f[3], f[4]) for f in found):
            listener = socket.socket(family, socket.SOCK_STREAM)
            listeners.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.bind((address[0], port, *address[2:]))
            listener.listen(server.backlog)
            port = listener.getsockname()[1]
    except OSError as error:
        for listener in listeners:
            listener.close()
        raise UsageError(listen_error(server.host, server.port, error)) from None
    return listeners


def build_app(settings: Settings, holder: KnowledgeHolder, secrets: Secrets,
              reloader: Reloads | None = None, state: StateStore | None = None) -> tuple[Flask, App | None]:
    """The Flask app, and the Slack app when the environment turns Slack on (else None).

    The one place that decides: Slack is on with SLACK_BOT_TOKEN plus SLACK_SIGNING_SECRET (HTTP
    mode, `POST /slack/events`) or SLACK_APP_TOKEN (Socket Mode). One Slack app serves both.
    With a `state` store, Slack's retries are de-duplicated across every process that shares it;
    without, within this process.
    """
    from .web import create_app

    slack = None
    http_mode = bool(secrets.slack_bot_token and secrets.slack_signing_secret)
    if http_mode or (secrets.slack_bot_token and secrets.slack_app_token):
        from .slack import build_slack_app  # slack-bolt is only imported when Slack is on
        from .slack.dedup import SharedKeys

        slack = build_slack_app(settings, holder, secrets=secrets,
                                recent=SharedKeys(state) if state is not None else None)
    return create_app(settings, holder, secrets=secrets, reloader=reloader, slack=slack), slack


def start_slack(slack: App | None, settings: Settings, secrets: Secrets, *, retry_after: float = 30.0,
                connect: bool = True, quiet: bool = False) -> Any:
    """Say in one log line whether Slack is on (unless `quiet`); connect `slack` by Socket Mode when
    SLACK_APP_TOKEN is set (and `connect`). Returns the `SocketMode` connection (close it at
    shutdown) or None. With workers, the master says and each worker connects."""
    if slack is None:
        if not quiet:
            slack_log.info("Slack is off (SLACK_BOT_TOKEN/SLACK_SIGNING_SECRET not set)")
        return None
    if secrets.slack_signing_secret and not quiet:
        from .slack import EVENTS_PATH

        slack_log.info("Slack is on: events, %s and buttons at POST %s", settings.slack.command, EVENTS_PATH)
    if not secrets.slack_app_token or not connect:
        return None
    from .slack import start_socket_mode

    return start_socket_mode(slack, secrets.slack_app_token, retry_after=retry_after)


def _server_settings(args: argparse.Namespace, settings: Settings) -> ServerSettings:
    """`server:` of the config with --host and --port applied (the same range checks)."""
    try:
        return dataclasses.replace(
            settings.server,
            host=args.host or settings.server.host,
            port=settings.server.port if args.port is None else args.port,
        )
    except ValueError as error:
        raise UsageError(f"--{error}") from None


def _wsgi_server(app: Flask, server: ServerSettings) -> Any:
    """waitress listening where `server` says; a one-line `UsageError` when it cannot. waitress
    reads whole requests before a thread sees them; its limits come from `server:` too."""
    import waitress

    try:
        return waitress.create_server(
            app, host=server.host, port=server.port, threads=server.threads, ident="lessons",
            max_request_body_size=max(WAITRESS_BODY_CAP, server.max_body_bytes + 1),
            connection_limit=server.worker_connections, backlog=server.backlog,
            channel_timeout=max(server.request_timeout, server.keepalive),
            cleanup_interval=max(1, min(30, int(server.request_timeout / 2))),
            max_request_header_size=server.max_header_bytes,
            asyncore_use_poll=True,  # select() cannot watch more than 1,024 connections
        )
    except (OSError, ValueError) as error:  # waitress raises ValueError for a host it cannot resolve
        raise UsageError(listen_error(server.host, server.port, error)) from None


def _watch(reloader: Reloader, settings: Settings, seen: frozenset[tuple[str, int, int]] | None) -> Watcher:
    """Start the polling watcher of the lesson folders."""
    watcher = Watcher(reloader, settings.lessons.watch_interval, seen=seen)
    watcher.start()
    log.info("watching the lesson folders every %.1fs", settings.lessons.watch_interval)
    return watcher


def exposure_warning(host: str, secrets: Secrets) -> str:
    """A warning when the webhook would be open beyond this machine (no WEBHOOK_TOKEN), else ""."""
    if secrets.webhook_token or is_loopback(host):
        return ""
    return (f"listening on {host} without WEBHOOK_TOKEN: anyone who can reach this port can use "
            f"/webhook; set WEBHOOK_TOKEN or listen on 127.0.0.1")


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen_error(host: str, port: int, error: OSError | ValueError) -> str:
    """One line saying why the server cannot listen, and what to do."""
    where = f"{_url_host(host)}:{port}"
    if isinstance(error, ValueError):
        return f"cannot listen on {where}: no such address here; use an IP address of this machine or localhost"
    if error.errno == errno.EADDRINUSE:
        return f"cannot listen on {where}: the port is already in use (another server?); choose one with --port"
    if error.errno == errno.EACCES:
        return f"cannot listen on {where}: permission denied (ports below 1024 need privileges); choose one with --port"
    return f"cannot listen on {where}: {error.strerror or error}"


class _stop_on_signals:
    """Turn SIGTERM and SIGINT into `Stop` while serving (main thread only), then restore them."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __enter__(self) -> list[str]:
        self.received: list[str] = []
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for number in self.SIGNALS:
                self.previous[number] = signal.signal(number, self._handle)
        return self.received

    def _handle(self, number: int, frame: Any) -> None:
        self.received.append(signal.Signals(number).name)
        raise Stop(0)

    def __exit__(self, *exc: Any) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)


def _addresses(wsgi: Any) -> list[tuple[str, Any]]:
    if hasattr(wsgi, "effective_listen"):  # waitress's MultiSocketServer (e.g. "localhost")
        return list(wsgi.effective_listen)
    return [(wsgi.effective_host, wsgi.effective_port)]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
