"""`POST /admin/reload`: reload the lessons over HTTP, for operators holding ADMIN_TOKEN."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask, jsonify

from ..live import Reloads
from .http import ApiError, require_bearer

#: The least time between two reloads over HTTP; more often gets 429.
MIN_INTERVAL_SECONDS = 1.0


class _OncePer:
    """Lets one caller through per `interval` seconds of `clock`, whatever the threads."""

    def __init__(self, interval: float, clock: Callable[[], float]) -> None:
        self.interval, self.clock = interval, clock
        self.last: float | None = None
        self.lock = threading.Lock()

    def allow(self) -> bool:
        with self.lock:
            now = self.clock()
            if self.last is not None and now - self.last < self.interval:
                return False
            self.last = now
            return True


def register_admin(app: Flask, reloader: Reloads, admin_token: str, *,
                   clock: Callable[[], float] = time.monotonic) -> None:
    """Mount the reload endpoint. Without an admin token it answers 403: reload over HTTP is off."""
    limit = _OncePer(MIN_INTERVAL_SECONDS, clock)

    @app.post("/admin/reload")
    def admin_reload():
        if not admin_token:
            raise ApiError(403, "admin_disabled", "reload over HTTP is off: set ADMIN_TOKEN to enable it")
        require_bearer(admin_token, "reloading")
        if not limit.allow():
            raise ApiError(429, "too_many_reloads", "one reload per second at most; try again shortly")
        result = reloader.reload()
        return jsonify(result.to_dict()), (200 if result.ok else 503)
