"""`create_app(settings, kb)`: the one Flask app every HTTP door mounts on."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from knowledge import KnowledgeBase

from .config import Secrets, Settings
from .holder import KnowledgeHolder, as_holder


def create_app(
    settings: Settings,
    kb: KnowledgeBase | KnowledgeHolder,
    *,
    secrets: Secrets | None = None,
    slack_app: Any = None,
) -> Flask:
    """Build the Flask app around a knowledge base (or a holder that a reload can swap).

    Slack's `POST /slack/events` is mounted when `secrets` carry the bot token and signing
    secret; `slack_app` passes a ready slack-bolt App instead (tests use it to pick the executor).
    """
    holder = as_holder(kb)
    app = Flask("lessons")
    app.extensions["lessons"] = holder
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes

    @app.get("/healthz")
    def healthz():
        current = holder.kb
        return jsonify(status="ok", lessons=len(current), loaded_at=current.loaded_at,
                       skipped=len(current.report.skipped))

    if secrets and secrets.slack_bot_token and secrets.slack_signing_secret:
        from .slack import build_slack_app, mount_slack  # slack-bolt is only imported when Slack is on

        if slack_app is None:
            slack_app = build_slack_app(settings, holder, secrets=secrets)
        mount_slack(app, slack_app, signing_secret=secrets.slack_signing_secret)

    return app
