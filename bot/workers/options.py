"""gunicorn configured from `server:` of config.yaml: the application object, the settings, and
gunicorn's own log lines sent through the app's log (scrubbed, one line, text or JSON)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from ..config import ServerSettings
from .buffering import BufferingWorker
from .replies import EarlyGate

#: gunicorn's cap on one request line or header line (its settings refuse more).
GUNICORN_MAX_LINE = 8190
#: Seconds a worker may be silent (its event loop stuck) before the master replaces it.
WORKER_SILENCE_TIMEOUT = 30


def gunicorn_settings(server: ServerSettings, workers: int, hooks: Mapping[str, Callable[..., Any]],
                      early: EarlyGate | None = None) -> dict[str, Any]:
    """The gunicorn settings for `workers` processes of `server.threads` threads each; `early`
    refuses requests on their headers (the web door's gate)."""
    return {
        "bind": [f"{server.host}:{server.port}"],
        "workers": workers,
        "worker_class": BufferingWorker.limited(server.request_timeout, server.max_header_bytes,
                                                server.max_body_bytes, early),
        "threads": server.threads,
        "worker_connections": server.worker_connections,
        "backlog": server.backlog,
        "keepalive": server.keepalive,
        "timeout": WORKER_SILENCE_TIMEOUT,
        "graceful_timeout": server.graceful_timeout,
        "limit_request_line": min(server.limit_request_line, GUNICORN_MAX_LINE),
        "limit_request_fields": server.limit_request_fields,
        "limit_request_field_size": min(server.max_header_bytes, GUNICORN_MAX_LINE),
        "preload_app": True,  # the lessons load once, in the master, and are shared copy-on-write
        "logger_class": ServerLog,
        "accesslog": None,
        "control_socket_disable": True,  # no control socket (a master thread, a file in $HOME)
        "proc_name": "lessons",
        **hooks,
    }


class ServerLog(glogging.Logger):
    """gunicorn's log lines go to the app's handler under `gunicorn.error`; no access log.
    Worker boots and exits are routine (every reload replaces the workers): DEBUG shows them."""

    def setup(self, cfg: Any) -> None:
        self.cfg = cfg
        self._access_log_enabled = False
        self.error_log.propagate = True
        self.error_log.handlers = []
        debugging = logging.getLogger().isEnabledFor(logging.DEBUG)
        self.error_log.setLevel(logging.DEBUG if debugging else logging.WARNING)

    def access(self, *args: Any, **kwargs: Any) -> None:
        """No access log: the app logs what matters about requests."""


class LessonsApplication(BaseApplication):
    """A gunicorn application around an already built WSGI app (no import by name)."""

    def __init__(self, wsgi: Callable[..., Any], settings: Mapping[str, Any]) -> None:
        self._wsgi, self._settings = wsgi, settings
        super().__init__(prog="lessons serve")

    def load_config(self) -> None:
        for key, value in self._settings.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        return self._wsgi
