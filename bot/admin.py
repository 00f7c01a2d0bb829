"""`POST /admin/reload`: reload the lessons over HTTP, for operators holding ADMIN_TOKEN."""
from __future__ import annotations

import hmac
import time

from flask import Flask, jsonify, request

from .reload import Reloader

#: The least time between two reloads over HTTP; more often gets 429.
MIN_INTERVAL_SECONDS = 1.0


def register_admin(app: Flask, reloader: Reloader, admin_token: str) -> None:
    """Mount the reload endpoint. Without an admin token it answers 403: reload over HTTP is off."""
    last = {"at": 0.0}

    @app.post("/admin/reload")
    def admin_reload():
        if not admin_token:
            return _error(403, "admin_disabled", "reload over HTTP is off: set ADMIN_TOKEN to enable it")
        given = request.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), admin_token.encode()):
            return _error(401, "unauthorized", "send Authorization: Bearer <ADMIN_TOKEN>")
        now = time.monotonic()
        if now - last["at"] < MIN_INTERVAL_SECONDS:
            return _error(429, "too_many_reloads", "one reload per second at most; try again shortly")
        last["at"] = now
        result = reloader.reload()
        return jsonify(result.to_dict()), (200 if result.ok else 503)


def _error(status: int, code: str, detail: str):
    return jsonify(error=code, detail=detail), status
