"""The admin page, `/admin`: the question report (`bot.report`) for operators holding ADMIN_TOKEN.

`GET /admin` shows a sign-in form until the browser holds a session (see `session.py`), then the
report with its charts, drawn on the server as SVG (`bot.render.charts`): no script, no CDN.
`POST /admin/login` takes the token from the form, `POST /admin/logout` forgets the session, and
`GET /admin/report` gives the report as JSON (the object `lessons report --json` prints) to a
session or to `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN the page says it is off.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask, Response, jsonify, redirect, render_template, request
from markupsafe import Markup

from ..config import Settings
from ..live import KnowledgeHolder
from ..render.charts import day_bars, paired_bars
from ..render.report import percent
from ..report import DEFAULT_SINCE_DAYS, Report, build_report
from ..state import Feedback, QuestionLog, StateStore, StateUnavailable
from .http import ApiError
from .session import require_admin, sign_in, sign_out, signed_in, token_matches

log = logging.getLogger("lessons.web")

MAX_SINCE_DAYS = 3650
PERIODS = (1, 7, 30, 90, 365)


def register_dashboard(app: Flask, holder: KnowledgeHolder, settings: Settings, admin_token: str,
                       state: StateStore | None, *, clock: Callable[[], float] = time.time) -> None:
    """Mount `/admin`, `/admin/login`, `/admin/logout` and `/admin/report`."""
    board = Dashboard(holder, settings, admin_token, state, clock)
    app.add_url_rule("/admin", "admin", board.page, methods=["GET"])
    app.add_url_rule("/admin/login", "admin_login", board.login, methods=["POST"])
    app.add_url_rule("/admin/logout", "admin_logout", board.logout, methods=["POST"])
    app.add_url_rule("/admin/report", "admin_report", board.report_json, methods=["GET"])


class Dashboard:
    """The admin views over one holder and one state store."""

    def __init__(self, holder: KnowledgeHolder, settings: Settings, admin_token: str, state: StateStore | None,
                 clock: Callable[[], float]) -> None:
        self.holder, self.settings, self.token, self.state, self.clock = holder, settings, admin_token, state, clock

    def page(self) -> Response:
        """The report for a signed-in operator; the sign-in form otherwise."""
        if not self.token:
            return self.sign_in_page(403, off=True)
        if not signed_in(self.token, self.clock()):
            return self.sign_in_page(200)  # a form to fill in, not a failure
        since = self.since()
        try:
            report = self.report(since)
        except StateUnavailable as error:
            report = build_report(None, self.holder.kb, since_days=since, clock=self.clock,
                                  notes=[f"the question log cannot be read: {error.message}"])
        themes = [(d.name, d.asked, d.available) for d in report.themes]
        html = render_template(
            "admin.html", report=report, lessons=len(self.holder.kb), periods=PERIODS, since=since,
            percent=lambda n: percent(n, report),
            day_chart=Markup(day_bars(report.per_day, title=f"Questions per day, last {since} days")),
            theme_chart=Markup(paired_bars(themes, title="Questions asked and lessons available, by theme",
                                           names=("questions asked", "lessons available"))))
        return _private(Response(html, mimetype="text/html"))

    def login(self) -> Response:
        """Check the token typed into the form; on success, a session cookie and back to /admin."""
        if not self.token:
            return self.sign_in_page(403, off=True)
        if not token_matches(self.token, str(request.form.get("token", ""))):
            log.warning("admin sign-in refused: wrong token")
            return self.sign_in_page(401, wrong=True)
        return _private(sign_in(redirect("/admin", code=303), self.token, self.clock()))

    def logout(self) -> Response:
        """Forget the session."""
        return _private(sign_out(redirect("/admin", code=303)))

    def report_json(self) -> Response:
        """The report as JSON, for a session or a bearer token; 403 when the admin page is off."""
        if not self.token:
            raise ApiError(403, "admin_disabled", "the admin report is off: set ADMIN_TOKEN to enable it")
        require_admin(self.token, self.clock())
        try:
            report = self.report(self.since())
        except StateUnavailable as error:
            raise ApiError(503, "state_unavailable", f"the question log cannot be read: {error.message}") from None
        return _private(jsonify(report.to_dict()))

    # -- helpers ------------------------------------------------------------------------------

    def since(self) -> int:
        """`?since=DAYS` (default 30), a whole number from 1 to 3650; 400 otherwise."""
        given = request.args.get("since", "").strip()
        if not given:
            return DEFAULT_SINCE_DAYS
        if not given.isdigit() or not 1 <= int(given[:6]) <= MAX_SINCE_DAYS:
            raise ApiError(400, "invalid_query", f"since must be a whole number of days from 1 to {MAX_SINCE_DAYS}")
        return int(given)

    def report(self, since: int) -> Report:
        """The report over the last `since` days. Raises `StateUnavailable`."""
        kb = self.holder.kb
        notes = [] if self.settings.questions.enabled else ["questions.enabled is false: new questions are not logged"]
        if self.state is None:
            return build_report(None, kb, since_days=since, clock=self.clock,
                                notes=[*notes, "this server has no state store, so no question log"])
        return build_report(QuestionLog(self.state), kb, since_days=since, feedback=Feedback(self.state),
                            clock=self.clock, notes=notes)

    def sign_in_page(self, status: int, *, off: bool = False, wrong: bool = False) -> Response:
        html = render_template("admin_login.html", off=off, wrong=wrong)
        response = _private(Response(html, status=status, mimetype="text/html"))
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="lessons admin"'
        return response


def _private(response: Response) -> Response:
    """Reports and sessions are never cached, by the browser or by a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response
