"""The web door's views: `POST /webhook`, the read-only JSON API, `/healthz`, the search page and
`/openapi.json`.

Each view reads `holder.kb` once and answers from that knowledge base to the end, so a reload
mid-request never mixes two of them. Answers are rendered by `bot.render`, the same functions
`lessons search --json` uses.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from knowledge import Answer, KnowledgeBase, QueryError

from ..config import Secrets, Settings
from ..live import KnowledgeHolder
from ..render.data import answer_to_dict
from ..render.text import answer_to_markdown
from .answer_cache import AnswerCache
from .fastjson import dumps
from .http import ApiError, add_security_headers, json_error, json_kind, read_fields, require_bearer, unexpected_error
from .openapi import openapi_spec

_INTEGER = re.compile(r"-?[0-9]+")


def register_web(app: Flask, holder: KnowledgeHolder, settings: Settings, secrets: Secrets) -> None:
    """Mount the web door's routes, its security headers and the JSON error pages on `app`."""
    door = WebDoor(holder, settings, secrets)
    app.add_url_rule("/", "page", door.page, methods=["GET"])
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

    def __init__(self, holder: KnowledgeHolder, settings: Settings, secrets: Secrets) -> None:
        self.holder, self.settings, self.secrets = holder, settings, secrets
        self.answers = AnswerCache(settings.cache.answers, settings.cache.answer_bytes)

    def page(self) -> Response:
        """The search page; `/?q=...` is read by its script, so a query URL is shareable."""
        return current_app.send_static_file("index.html")

    def healthz(self) -> Response:
        """Liveness plus what is loaded: `status`, `lessons`, `loaded_at`, `skipped`, the lessons
        `generation` this process serves and each worker's (`workers`), and the last reload's
        outcome (`reload`, null before the first), so a failed reload or a mixed state is visible."""
        kb = self.holder.kb
        return jsonify(status="ok", lessons=len(kb), loaded_at=kb.loaded_at, skipped=len(kb.report.skipped),
                       **self.holder.health())

    def webhook(self) -> Response:
        """Answer `text` (JSON or form-encoded) with the `--json` object plus a Markdown `text`."""
        self.check_token()  # before the body is touched: strangers cost nothing
        fields = read_fields(self.settings.server.max_body_bytes)
        return self.answer(_webhook_body, fields.get("text"), fields.get("limit"), fields.get("offset"), name="text")

    def search(self) -> Response:
        """`GET /api/search?q=...`: the same object as `lessons search --json` (the page uses it)."""
        args = request.args
        return self.answer(_search_body, args.get("q"), args.get("limit"), args.get("offset"), name="q")

    def answer(self, render: Callable[[Answer], bytes], text: Any, limit: Any, offset: Any, *, name: str) -> Response:
        """The answer to a checked question, rendered by `render`: from the cache when the same
        question and page were answered by the same lessons, else asked and kept."""
        question = checked_question(text, name)
        page_size, start = _whole_number(limit, "limit"), _whole_number(offset, "offset") or 0
        kb, generation = self.holder.serving()
        key = (render, question, page_size, start)
        body = self.answers.get(generation, key)
        if body is None:
            body = render(ask(kb, question, page_size, start, name=name))
            self.answers.put(generation, key, body)
        return Response(body, mimetype="application/json")

    def lesson(self, lesson_id: str) -> Response:
        """One lesson, every field; 404 for an unknown id."""
        found = self.holder.kb.get(lesson_id)
        if found is None:
            raise ApiError(404, "not_found", f"no lesson has the id {lesson_id!r}")
        return jsonify(found.to_dict())

    def openapi(self) -> Response:
        """The OpenAPI 3 description of the routes this app serves."""
        return jsonify(openapi_spec(current_app, self.settings))

    def check_token(self) -> None:
        """With WEBHOOK_TOKEN set, demand `Authorization: Bearer <token>`."""
        if self.secrets.webhook_token:
            require_bearer(self.secrets.webhook_token, "this webhook")


def _webhook_body(answer: Answer) -> bytes:
    """The webhook's answer: the `--json` object plus the same answer as Markdown (`text`)."""
    return dumps({**answer_to_dict(answer), "text": answer_to_markdown(answer)})


def _search_body(answer: Answer) -> bytes:
    """`/api/search`'s answer: the `--json` object (the page renders it; no Markdown)."""
    return dumps(answer_to_dict(answer))


def checked_question(text: Any, name: str) -> str:
    """The question a caller sent in field `name`; 400 with a clear detail when it is none."""
    if text is None:
        raise ApiError(400, "invalid_payload", f"'{name}' is missing: send the question as {name}")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_payload", f"'{name}' must be a string, not {json_kind(text)}")
    if not text.strip():
        raise ApiError(400, "empty_query",
                       f"'{name}' is empty: ask a question, for example 'social insurance for herders'")
    return text


def ask(kb: KnowledgeBase, text: Any, limit: Any, offset: Any, *, name: str) -> Answer:
    """Check the fields a caller sent and ask the knowledge base; 400 with a clear detail otherwise."""
    question = checked_question(text, name)
    page_size = _whole_number(limit, "limit")
    start = _whole_number(offset, "offset")
    try:
        return kb.ask(question, limit=page_size, offset=0 if start is None else start)
    except QueryError as error:
        raise ApiError(400, _query_error_code(error), str(error)) from None


def _query_error_code(error: QueryError) -> str:
    """The webhook's `error` code for a refused query: too long is its own, the rest `invalid_query`."""
    return "query_too_long" if error.code == "query_too_long" else "invalid_query"


def _whole_number(value: Any, name: str) -> int | None:
    """A JSON integer, or a form/query string of digits; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        if len(value.strip()) > 18:
            raise ApiError(400, "invalid_payload", f"'{name}' is far too large")
        return int(value)
    raise ApiError(400, "invalid_payload", f"'{name}' must be a whole number, not {json_kind(value)}")


