"""`create_app(settings, kb)`: the one Flask app every HTTP door mounts on."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from knowledge import KnowledgeBase

from .config import Secrets, Settings
from .admin import register_admin
from .holder import KnowledgeHolder, as_holder
from .reload import Reloader
from .web import register_web


def create_app(
    settings: Settings,
    kb: KnowledgeBase | KnowledgeHolder,
    *,
    secrets: Secrets | None = None,
    reloader: Reloader | None = None,
    slack_app: Any = None,
) -> Flask:
    """Build the Flask app around a knowledge base (or a holder that a reload can swap).

    `secrets` default to none at all (an open webhook, reload over HTTP off, Slack off);
    `lessons serve` passes the environment's. `reloader` defaults to reloading
    `settings.lessons.paths`. Slack's `POST /slack/events` is mounted when `secrets` carry the
    bot token and signing secret; `slack_app` passes a ready slack-bolt App instead (tests use it
    to pick the executor).
    """
    holder = as_holder(kb)
    secrets = secrets or Secrets()
    if reloader is None:
        reloader = Reloader(holder, settings.lessons.paths, options=settings.search,
                            max_file_bytes=settings.lessons.max_file_bytes)
    app = Flask("lessons", root_path=str(Path(__file__).parent), static_folder="static")
    app.extensions["lessons"] = holder
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes

    register_web(app, holder, settings, secrets)  # /, /webhook, /api/..., /healthz, /openapi.json, errors
    register_admin(app, reloader, secrets.admin_token)  # POST /admin/reload

    if secrets and secrets.slack_bot_token and secrets.slack_signing_secret:
        from .slack import build_slack_app, mount_slack  # slack-bolt is only imported when Slack is on

        if slack_app is None:
            slack_app = build_slack_app(settings, holder, secrets=secrets)
        mount_slack(app, slack_app, signing_secret=secrets.slack_signing_secret)

    return app
