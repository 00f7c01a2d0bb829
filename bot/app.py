"""`create_app(settings, kb)`: the one Flask app every HTTP door mounts on."""
from __future__ import annotations

from flask import Flask, jsonify

from knowledge import KnowledgeBase

from .config import Secrets, Settings
from .holder import KnowledgeHolder, as_holder


def create_app(
    settings: Settings,
    kb: KnowledgeBase | KnowledgeHolder,
    *,
    secrets: Secrets | None = None,
) -> Flask:
    """Build the Flask app around a knowledge base (or a holder that a reload can swap)."""
    holder = as_holder(kb)
    app = Flask("lessons")
    app.extensions["lessons"] = holder
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes

    @app.get("/healthz")
    def healthz():
        current = holder.kb
        return jsonify(status="ok", lessons=len(current), loaded_at=current.loaded_at,
                       skipped=len(current.report.skipped))

    return app
