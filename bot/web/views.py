"""The web door's views: `POST /webhook`, the read-only JSON API, `/healthz`, the search page and
`/openapi.json`.

Each view reads `holder.kb` once and answers from that knowledge base to the end, so a reload
mid-request never mixes two of them. Answers are rendered by `bot.render`, the same functions
`lessons search --json` uses.
"""
from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from knowledge import Answer, KnowledgeBase, QueryError

from ..answer_cache import AnswerCache
from ..config import Settings
from ..features.access import today
from ..features.ranking import Explained, FeedbackRanking
from ..live import KnowledgeHolder
from ..records import NOTHING_KEPT, Records
from ..render.data import answer_to_dict, lesson_to_dict, query_error_code
from ..render.text import answer_to_markdown
from .http import FORM_TYPES, ApiError, add_security_headers, json_error, json_kind, read_fields, unexpected_error
from .openapi import openapi_spec

_INTEGER = re.compile(r"-?[0-9]+")
#: `limit` and `offset` at or beyond this (19 digits) are refused, whether sent as JSON or text.
MAX_WHOLE = 10**18
#: A lesson id longer than this is not repeated in a 404.
MAX_ECHOED_ID = 100


def register_web(app: Flask, holder: KnowledgeHolder, settings: Settings, records: Records = NOTHING_KEPT) -> None:
    """Mount the web door's routes, its security headers and the JSON error pages on `app`, with
    what it keeps in `records` (`Records`: the question log, and the votes that move the ranking,
    which `/healthz` reports on). The token is the gate's (`bot.web.gate`), checked before any view runs."""
    door = WebDoor(holder, settings, records)
    app.add_url_rule("/", "page", door.page, methods=["GET"])
    app.add_url_rule("/favicon.ico", "favicon", door.favicon, methods=["GET"])
    app.add_url_rule("/healthz", "healthz", door.healthz, methods=["GET"])
    app.add_url_rule("/webhook", "webhook", door.webhook, methods=["POST"])
    app.add_url_rule("/api/search", "search", door.search, methods=["GET"])
    app.add_url_rule("/api/lessons/<lesson_id>", "lesson", door.lesson, methods=["GET"])
    app.add_url_rule("/openapi.json", "openapi", door.openapi, methods=["GET"])
    app.register_error_handler(HTTPException, json_error)
    app.register_error_handler(Exception, unexpected_error)
    app.after_request(add_security_headers)


class WebDoor:
    """The views of the web door over one holder; each returns a response, nothing else."""

    def __init__(self, holder: KnowledgeHolder, settings: Settings, records: Records = NOTHING_KEPT) -> None:
        self.holder, self.settings = holder, settings
        self.questions, self.state = records.questions, records.state
        self.answers = AnswerCache(settings.cache.answers, settings.cache.answer_bytes)
        self.ranking = FeedbackRanking(records.state, settings.feedback.ranking, self.answers)

    def page(self) -> Response:
        """The search page; `/?q=...` is read by its script, so a query URL is shareable."""
        return current_app.send_static_file("index.html")

    def favicon(self) -> Response:
        """The icon browsers ask for at /favicon.ico (the pages also link the SVG one)."""
        return current_app.send_static_file("favicon.ico")

    def healthz(self) -> Response:
        """Liveness plus what is loaded: `status`, `lessons`, `loaded_at`, `skipped`, the lessons
        `generation` this process serves and each worker's (`workers`), the last reload's outcome
        (`reload`, null before the first), so a failed reload or a mixed state is visible, and the
        state file's (`state`; `status` is "degraded" when it cannot be used: searching still works)."""
        kb = self.holder.kb
        state = self.state.health() if self.state is not None else None
        return jsonify(status="ok" if state is None or state.ok else "degraded", lessons=len(kb),
                       loaded_at=kb.loaded_at, skipped=len(kb.report.skipped),
                       state=state.to_dict() if state is not None else None, **self.holder.health())

    def webhook(self) -> Response:
        """Answer `text` (JSON or form-encoded) with the `--json` object plus a Markdown `text`
        (the token was checked before: see `bot.web.gate`)."""
        fields = read_fields(self.settings.server.max_body_bytes)
        data, answer = self.answer("webhook", fields, "text", strings=request.mimetype in FORM_TYPES)
        return jsonify({**data, "text": self.answers.rendered(answer, "markdown", lambda: answer_to_markdown(answer))})

    def search(self) -> Response:
        """`GET /api/search?q=...`: the same object as `lessons search --json` (the page uses it)."""
        return jsonify(self.answer("api", request.args, "q", strings=True)[0])

    def answer(self, door: str, fields: Any, name: str, *, strings: bool) -> tuple[dict[str, Any], Answer]:
        """The JSON answer to the question in `fields[name]` (with `limit`, `offset`, `group`), moved by
        feedback and logged, and the answer itself (the same question and page asked of the same
        lessons comes from `self.answers`)."""
        started = time.perf_counter()
        group = flag(fields.get("group"), "group")
        explained = ask(self.ranking, self.holder.kb, fields.get(name), fields.get("limit"), fields.get("offset"),
                        name=name, strings=strings, group=group)
        self.logged(door, explained.answer, started)
        grouped = self.settings.search.group_by_evaluation if group is None else group
        answer, notes, accessed = explained.answer, explained.feedback, today()

        def data() -> dict[str, Any]:
            return answer_to_dict(answer, grouped=grouped, accessed=accessed, feedback=notes)

        return (data() if notes else self.answers.rendered(answer, ("json", grouped, accessed), data)), answer

    def lesson(self, lesson_id: str) -> Response:
        """One lesson, every field, and its citations in every format; 404 for an unknown id."""
        found = self.holder.kb.get(lesson_id)
        if found is None:
            shown = repr(lesson_id) if len(lesson_id) <= MAX_ECHOED_ID else f"of {len(lesson_id):,} characters"
            raise ApiError(404, "not_found", f"no lesson has the id {shown}")
        return jsonify(lesson_to_dict(found, today()))

    def openapi(self) -> Response:
        """The OpenAPI 3 description of the routes this app serves."""
        return jsonify(openapi_spec(current_app, self.settings))

    def logged(self, door: str, answer: Answer, started: float) -> None:
        """Hand the answer to the question log, when there is one."""
        if self.questions is not None:
            self.questions.answered(door, answer, (time.perf_counter() - started) * 1000)


def ask(ranking: FeedbackRanking, kb: KnowledgeBase, text: Any, limit: Any, offset: Any, *, name: str,
        strings: bool = True, group: bool | None = None) -> Explained:
    """Check the fields a caller sent and ask the knowledge base (moved by feedback); 400 with a clear
    detail otherwise.

    `strings`: `limit` and `offset` may be strings of digits (a form or a query string, where every
    value is text); a JSON body must send them as numbers, as its schema says.
    """
    if text is None:
        raise ApiError(400, "invalid_payload", f"'{name}' is missing: send the question as {name}")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_payload", f"'{name}' must be a string, not {json_kind(text)}")
    if not text.strip():
        raise ApiError(400, "empty_query",
                       f"'{name}' is empty: ask a question, for example 'social insurance for herders'")
    page_size = _whole_number(limit, "limit", strings)
    start = _whole_number(offset, "offset", strings)
    try:
        return ranking.ask(kb, text, limit=page_size, offset=0 if start is None else start, group=group)
    except QueryError as error:
        raise ApiError(400, query_error_code(error.code), str(error)) from None


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def flag(value: Any, name: str) -> bool | None:
    """A true/false field: JSON true/false, or 1/0, true/false, yes/no, on/off; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES + _NO:
        return value.strip().lower() in _YES
    raise ApiError(400, "invalid_payload", f"'{name}' must be true or false, not {json_kind(value)}")


def _whole_number(value: Any, name: str, strings: bool) -> int | None:
    """A JSON integer, or (when `strings`) a form/query string of digits; None when absent. Either
    way, one of 19 digits or more is refused (a string is never converted, a number never used)."""
    if value is None or (strings and value == ""):
        return None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()) and not strings:
        raise ApiError(400, "invalid_payload",
                       f"'{name}' must be a JSON number, not text: send \"{name}\": {value.strip()[:20]}")
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        if len(value.strip().lstrip("-")) > 18:
            raise ApiError(400, "invalid_payload", f"'{name}' is far too large")
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= MAX_WHOLE:
            raise ApiError(400, "invalid_payload", f"'{name}' is far too large")
        return value
    raise ApiError(400, "invalid_payload", f"'{name}' must be a whole number, not {json_kind(value)}")


