"""`lessons serve`, the one composition root: load the lessons, decide whether Slack is on and build
it once, build the app around both, and run it under a production WSGI server."""
from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import signal
import threading
from typing import TYPE_CHECKING, Any, TextIO

from knowledge import KnowledgeBase, warm_language

from .config import Secrets, ServerSettings, Settings
from .listen import allow_connections, bind, listen_error, url_host
from .live import KnowledgeHolder, Reloader, Reloads, Watcher, install_sighup, snapshot
from .loading import UsageError, load_kb, skipped_note
from .logs import setup_logging
from .net import is_loopback
from .recording import QuestionRecorder
from .records import NOTHING_KEPT, Records
from .state import QuestionLog, StateStore

if TYPE_CHECKING:
    from flask import Flask
    from slack_bolt import App

    from .web import Gate

log = logging.getLogger("lessons")
slack_log = logging.getLogger("lessons.slack")



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
    warm_language()  # the English word list, read once here rather than on the first question
    for problem in holder.kb.report.problems():
        log.warning("skipped %s", problem)
    note = skipped_note(holder.kb, paths)
    if note:
        log.warning("%s", note)
    reloader = Reloader(holder, paths, options=settings.search, max_file_bytes=settings.lessons.max_file_bytes)
    state = StateStore(settings.state.path)  # opened on first use: see check_state below
    questions = QuestionRecorder(QuestionLog(state), settings.questions.retention_days) \
        if settings.questions.enabled else None
    from .web import Gate

    gate = Gate(server.max_body_bytes, secrets, settings.rate_limit)
    asks = _remote(holder) if prefork else reloader  # with workers, POST /admin/reload asks the master
    records = Records(state, questions)
    app, slack = build_app(settings, holder, secrets, asks, records=records, gate=gate)
    post_subscriptions(reloader, state, slack, settings)
    warning = exposure_warning(server.host, secrets)
    if warning:
        log.warning(warning)
    if prefork:
        watcher = Watcher(reloader, settings.lessons.watch_interval, seen=before_load) if watch else None
        return _serve_workers(settings, server, secrets, (holder, reloader, records), (app, slack, gate),
                              workers, watcher)
    wsgi = _wsgi_server(app, server, gate)
    start_question_log(records, settings)
    socket_mode = start_slack(slack, settings, secrets)
    for host, port in _addresses(wsgi):
        log.info("serving %d lessons on http://%s:%s/ (one process of %d threads)", len(holder.kb),
                 url_host(host), port, server.threads)
    check_state(state)
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
    if questions is not None:
        questions.close()  # the questions still queued are written
    state.close()
    log.info("stopped%s", f" on {stopped[0]}" if stopped else "")
    return 0


def worker_count(asked: int | None, server: ServerSettings) -> int:
    """Worker processes to run: --workers, else `server.workers`, else (0) one per core."""
    count = asked if asked is not None else server.workers
    if count < 0:
        raise UsageError(f"--workers: must be 0 (one per core) or more, got {count}")
    if count:
        return count
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


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


def _holder(kb: KnowledgeBase, prefork: bool) -> KnowledgeHolder:
    if prefork:
        from .workers import SharedHolder, SharedStatus

        return SharedHolder(kb, SharedStatus())
    return KnowledgeHolder(kb)


def _remote(holder: KnowledgeHolder) -> Reloads:
    from .workers import RemoteReloader, SharedHolder

    assert isinstance(holder, SharedHolder)
    return RemoteReloader(holder.status)


def _serve_workers(settings: Settings, server: ServerSettings, secrets: Secrets, served: tuple[Any, ...],
                   apps: tuple[Flask, App | None, Gate], workers: int, watcher: Watcher | None) -> int:
    """Serve with `workers` processes under gunicorn (see `bot.workers`): the master binds, says
    whether Slack is on and checks the state file; each worker connects Socket Mode (when set)
    and writes its own question log."""
    from .workers import serve_with_workers

    holder, reloader, records = served
    state, questions = records
    app, slack, gate = apps
    listeners = bind(server)  # here, for a one-line error; gunicorn would retry, then exit
    start_slack(slack, settings, secrets, connect=False)
    _say_where_questions_go(records, settings)

    def in_each_worker() -> Any:
        connection = start_slack(slack, settings, secrets, quiet=True) if secrets.slack_app_token else None

        def leaving() -> None:
            if connection is not None:
                connection.close()
            if questions is not None:
                questions.close()  # the questions still queued are written

        return leaving

    try:
        return serve_with_workers(app, holder, reloader, server, workers, listeners, watcher=watcher,
                                  in_each_worker=in_each_worker, early=gate.early,
                                  when_listening=lambda: check_state(state))
    finally:
        state.close()


def build_app(settings: Settings, holder: KnowledgeHolder, secrets: Secrets, reloader: Reloads | None = None, *,
              records: Records = NOTHING_KEPT, gate: Gate | None = None) -> tuple[Flask, App | None]:
    """The Flask app, and the Slack app when the environment turns Slack on (else None).

    The one place that decides: Slack is on with SLACK_BOT_TOKEN plus SLACK_SIGNING_SECRET (HTTP
    mode, `POST /slack/events`) or SLACK_APP_TOKEN (Socket Mode). One Slack app serves both.
    Both doors get `records` (`Records`); its state file also keeps Slack's retry keys, shared by
    every worker.
    """
    from .web import create_app

    slack = None
    http_mode = bool(secrets.slack_bot_token and secrets.slack_signing_secret)
    if http_mode or (secrets.slack_bot_token and secrets.slack_app_token):
        from .slack import build_slack_app  # slack-bolt is only imported when Slack is on
        from .slack.dedup import SharedKeys

        slack = build_slack_app(settings, holder, secrets=secrets, records=records,
                                recent=SharedKeys(records.state) if records.state is not None else None)
    app = create_app(settings, holder, secrets=secrets, reloader=reloader, slack=slack, records=records, gate=gate)
    return app, slack


def start_question_log(records: Records, settings: Settings) -> None:
    """Start the question log's writer (it first deletes the questions past the retention), and say so."""
    if records.questions is not None:
        records.questions.start()
    _say_where_questions_go(records, settings)


def _say_where_questions_go(records: Records, settings: Settings) -> None:
    """Log where questions are kept and for how long, or that they are not."""
    if records.questions is None or records.state is None:
        log.info("the question log is off (questions.enabled: false)")
        return
    log.info("logging questions to %s, kept %d days, without user ids (lessons report, /admin)",
             records.state.path, settings.questions.retention_days)


def post_subscriptions(reloader: Reloader, state: StateStore, slack: App | None, settings: Settings) -> None:
    """With Slack on, post to the subscriptions the new lessons each reload by `reloader` brings (give it
    the reloader that really reloads: the one process that swaps in new lessons; with workers, the
    master's, whose loading process posts them)."""
    if slack is None:
        return
    from .slack.alerts import SubscriptionAlerts

    reloader.add_listener(SubscriptionAlerts(state, slack.client, settings.slack.command).on_reload)


def check_state(store: StateStore) -> None:
    """Open (create, migrate) the state file once at start-up, so a broken one is said in the log at
    once; the server starts anyway, searching as usual, and /healthz shows the problem."""
    health = store.health()
    if health.ok:
        log.info("state store %s (schema version %s)", store.path.resolve(), health.schema_version)
    else:
        log.error("the state store cannot be used (%s), so subscriptions and feedback answer that they are "
                  "unavailable until it is fixed; searching goes on (see /healthz)", health.message)


def start_slack(slack: App | None, settings: Settings, secrets: Secrets, *, retry_after: float = 30.0,
                connect: bool = True, quiet: bool = False) -> Any:
    """Say in one log line whether Slack is on (unless `quiet`); connect `slack` by Socket Mode when
    SLACK_APP_TOKEN is set (and `connect`). Returns the `SocketMode` connection (close it at
    shutdown) or None. With workers, the master says and each worker connects."""
    if slack is None:
        if not quiet:
            level, message = slack_off(secrets)
            slack_log.log(level, message)
        return None
    if secrets.slack_signing_secret and not quiet:
        from .slack import EVENTS_PATH

        slack_log.info("Slack is on: events, %s and buttons at POST %s", settings.slack.command, EVENTS_PATH)
    if not secrets.slack_app_token or not connect:
        return None
    from .slack import start_socket_mode

    return start_socket_mode(slack, secrets.slack_app_token, retry_after=retry_after)


def slack_off(secrets: Secrets) -> tuple[int, str]:
    """The log level and line for Slack being off: INFO when no Slack variable is set, a WARNING
    naming exactly what is missing when only some are (Slack was meant to be on)."""
    if secrets.slack_bot_token:
        return logging.WARNING, ("Slack is off: SLACK_BOT_TOKEN is set, but neither SLACK_SIGNING_SECRET "
                                 "(HTTP mode, POST /slack/events) nor SLACK_APP_TOKEN (Socket Mode)")
    given = [name for name, value in (("SLACK_SIGNING_SECRET", secrets.slack_signing_secret),
                                      ("SLACK_APP_TOKEN", secrets.slack_app_token)) if value]
    if given:
        return logging.WARNING, f"Slack is off: {' and '.join(given)} {'is' if len(given) == 1 else 'are'} set, " \
                                f"but SLACK_BOT_TOKEN is not"
    return logging.INFO, "Slack is off (no SLACK_BOT_TOKEN)"


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


def _wsgi_server(app: Flask, server: ServerSettings, gate: Gate) -> Any:
    """waitress listening where `server` says, refusing on the headers what `gate` refuses (waitress
    reads a whole body before the app runs) and never buffering more than `max_body_bytes`; a
    one-line `UsageError` when it cannot listen."""
    import waitress

    from .web.early import refuse_early

    try:
        wsgi = waitress.create_server(
            app, host=server.host, port=server.port, threads=server.threads, ident="lessons",
            max_request_body_size=server.max_body_bytes + 1, connection_limit=server.worker_connections,
            backlog=server.backlog, channel_timeout=max(server.request_timeout, server.keepalive),
            cleanup_interval=max(1, min(30, int(server.request_timeout / 2))),
            max_request_header_size=server.max_header_bytes,
            asyncore_use_poll=True,  # select() cannot watch more than 1,024 connections
        )
    except (OSError, ValueError) as error:  # waitress raises ValueError for a host it cannot resolve
        raise UsageError(listen_error(server.host, server.port, error)) from None
    refuse_early(wsgi, gate)
    return wsgi


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
