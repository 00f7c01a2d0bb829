"""`lessons serve`: load the lessons, build the app, run it under a production WSGI server."""
from __future__ import annotations

import argparse
import dataclasses
import errno
import ipaddress
import logging
import signal
import threading
from typing import Any, TextIO

from .config import Secrets, Settings

log = logging.getLogger("lessons")

#: waitress reads a whole request before the app sees it. Bodies up to this size reach the app,
#: which answers 413 as JSON from Content-Length alone; larger ones waitress refuses unread
#: (with its own plain-text 413), so no client can make it buffer more.
WAITRESS_BODY_CAP = 8 * 1024 * 1024


class Stop(SystemExit):
    """Raised by the signal handler; waitress's loop lets SystemExit through and shuts down."""


def serve(args: argparse.Namespace, settings: Settings, err: TextIO) -> int:
    """Serve until SIGTERM or SIGINT, then stop cleanly; returns the exit code."""
    import waitress

    from .app import create_app
    from .loading import UsageError, load_kb
    from .holder import KnowledgeHolder
    from .logs import setup_logging
    from .reload import Reloader, Watcher, install_sighup, snapshot
    from .slack import start_slack

    try:
        server = dataclasses.replace(
            settings.server,
            host=args.host or settings.server.host,
            port=settings.server.port if args.port is None else args.port,
        )
    except ValueError as error:  # the same range checks as config.yaml's server section
        raise UsageError(f"--{error}") from None
    secrets = Secrets.from_env()
    setup_logging(settings.logging.level, settings.logging.format, secrets.values(), stream=err)
    paths = list(args.lessons or settings.lessons.paths)
    watch = args.watch if getattr(args, "watch", None) is not None else settings.lessons.watch
    before_load = snapshot(paths) if watch else None  # a file written during the load is then seen
    holder = KnowledgeHolder(load_kb(paths, settings, err))
    for problem in holder.kb.report.problems():
        log.warning("skipped %s", problem)
    reloader = Reloader(holder, paths, options=settings.search, max_file_bytes=settings.lessons.max_file_bytes)
    app = create_app(settings, holder, secrets=secrets, reloader=reloader)
    warning = exposure_warning(server.host, secrets)
    if warning:
        log.warning(warning)
    try:
        wsgi = waitress.create_server(
            app, host=server.host, port=server.port, threads=server.threads, ident="lessons",
            max_request_body_size=max(WAITRESS_BODY_CAP, server.max_body_bytes + 1),
        )
    except (OSError, ValueError) as error:  # waitress raises ValueError for a host it cannot resolve
        raise UsageError(listen_error(server.host, server.port, error)) from None
    socket_mode = start_slack(app, settings, secrets)
    for host, port in _addresses(wsgi):
        log.info("serving %d lessons on http://%s:%s/ (%d threads)", len(holder.kb), _url_host(host), port,
                 server.threads)
    if install_sighup(reloader):
        log.info("SIGHUP reloads the lessons")
    watcher = None
    if watch:
        watcher = Watcher(reloader, settings.lessons.watch_interval, seen=before_load)
        watcher.start()
        log.info("watching the lesson folders every %.1fs", settings.lessons.watch_interval)
    with _stop_on_signals() as stopped:
        wsgi.run()  # returns after Stop/KeyboardInterrupt, once the worker threads have finished
    if watcher is not None:
        watcher.stop()
    if socket_mode is not None:
        socket_mode.close()
    wsgi.close()
    log.info("stopped%s", f" on {stopped[0]}" if stopped else "")
    return 0


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
