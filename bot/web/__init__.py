"""The HTTP doors on one Flask app: the web door (`views`, `http`), reload over HTTP (`admin`),
the operator's report page (`dashboard`, `session`, `templates/`), the OpenAPI description
(`openapi`), the search page (`static/`), and Slack's `POST /slack/events` when the composition
root (`bot.serve`) hands over a Slack app."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from knowledge import KnowledgeBase

from ..config import Secrets, Settings
from ..live import KnowledgeHolder, Reloader, Reloads, as_holder
from ..records import NOTHING_KEPT, Records
from .admin import register_admin
from .dashboard import register_dashboard
from .fastjson import OrjsonProvider
from .feedback import register_feedback
from .gate import Gate, register_gate
from .lessons import register_lessons
from .views import register_web

if TYPE_CHECKING:  # slack-bolt is only imported when Slack is on
    from slack_bolt import App

__all__ = ["Gate", "create_app"]


def create_app(
    settings: Settings,
    kb: KnowledgeBase | KnowledgeHolder,
    *,
    secrets: Secrets | None = None,
    reloader: Reloads | None = None,
    slack: App | None = None,
    records: Records = NOTHING_KEPT,
    gate: Gate | None = None,
) -> Flask:
    """Build the Flask app around a knowledge base (or a holder that a reload can swap).

    `secrets` default to none at all (an open webhook, reload over HTTP off); `lessons serve`
    passes the environment's. `reloader` defaults to reloading `settings.lessons.paths`. `slack`
    is the Slack app `bot.serve` built (None: Slack off); it is served at `POST /slack/events`
    when `secrets` hold the signing secret that verifies those requests. `records` is what the
    doors keep (`Records`: the state file the admin page and feedback read, and the question log).
    `gate` refuses what the headers alone condemn
    (size, token, rate cap) before any view runs; `bot.serve` passes the one it also hands to
    waitress (default: one from `settings` and `secrets`).
    """
    holder = as_holder(kb)
    secrets = secrets or Secrets()
    if reloader is None:
        reloader = Reloader(holder, settings.lessons.paths, options=settings.search,
                            max_file_bytes=settings.lessons.max_file_bytes)
    app = Flask("lessons", root_path=str(Path(__file__).parent), static_folder="static")
    app.json = OrjsonProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes
    # No redirect ever points elsewhere: Werkzeug would answer `//x` with a 308 to `http://<Host>/x`.
    app.url_map.merge_slashes = False

    register_gate(app, gate or Gate(settings.server.max_body_bytes, secrets, settings.rate_limit))
    register_web(app, holder, settings, records)  # /, /webhook, /api/..., /healthz, /openapi.json
    register_lessons(app, holder, settings)  # /lessons/<id>, /api/lessons/<id>/similar
    register_feedback(app, holder, settings, records.state)  # POST /api/feedback
    register_admin(app, reloader, secrets.admin_token)  # POST /admin/reload
    register_dashboard(app, holder, settings, secrets.admin_token, records.state)  # /admin, its sign-in and report
    if slack is not None and secrets.slack_signing_secret:
        from ..slack.http import mount_slack

        mount_slack(app, slack, signing_secret=secrets.slack_signing_secret)
    return app
