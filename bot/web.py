"""The web door: `POST /webhook`, the read-only JSON API, `/healthz`, the search page and
`/openapi.json`, plus JSON error pages for every HTTP error of the app.

Each view reads `holder.kb` once and answers from that knowledge base to the end, so a reload
mid-request never mixes two of them. Answers are rendered by `bot.render`, the same functions
`lessons search --json` uses.
"""
from __future__ import annotations

import hmac
import json
import logging
import re
import urllib.parse
from typing import Any, Mapping

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from knowledge import KnowledgeBase, QueryError

from .config import Secrets, Settings
from .holder import KnowledgeHolder
from .openapi import openapi_spec
from .render import answer_to_dict, answer_to_markdown

log = logging.getLogger("lessons.web")

JSON_TYPES = ("application/json",)  # and any application/...+json
FORM_TYPES = ("application/x-www-form-urlencoded",)
MAX_FORM_FIELDS = 100
_INTEGER = re.compile(r"-?[0-9]+")

#: Sent with every response: the page loads nothing from elsewhere and runs no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class ApiError(HTTPException):
    """An HTTP error with the machine-readable `error` code of our JSON error body."""

    def __init__(self, status: int, error: str, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(description=detail)
        self.code, self.error, self.extra_headers = status, error, dict(headers or {})


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

    def page(self) -> Response:
        """The search page; `/?q=...` is read by its script, so a query URL is shareable."""
        return current_app.send_static_file("index.html")

    def healthz(self) -> Response:
        """Liveness plus what is loaded: `status`, `lessons`, `loaded_at`, `skipped`, and the last
        reload's outcome (`reload`, null before the first), so a failed reload is visible."""
        kb, last = self.holder.kb, self.holder.last_reload
        return jsonify(status="ok", lessons=len(kb), loaded_at=kb.loaded_at, skipped=len(kb.report.skipped),
                       reload=last.to_dict() if last is not None else None)

    def webhook(self) -> Response:
        """Answer `text` (JSON or form-encoded) with the `--json` object plus a Markdown `text`."""
        self.check_token()  # before the body is touched: strangers cost nothing
        fields = read_fields(self.settings.server.max_body_bytes)
        kb = self.holder.kb
        answer = ask(kb, fields.get("text"), fields.get("limit"), fields.get("offset"), name="text")
        return jsonify({**answer_to_dict(answer), "text": answer_to_markdown(answer)})

    def search(self) -> Response:
        """`GET /api/search?q=...`: the same object as `lessons search --json` (the page uses it)."""
        kb = self.holder.kb
        args = request.args
        answer = ask(kb, args.get("q"), args.get("limit"), args.get("offset"), name="q")
        return jsonify(answer_to_dict(answer))

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


def require_bearer(expected: str, what: str) -> None:
    """Demand `Authorization: Bearer <expected>` (constant-time compare, header only, body unread)."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise unauthorized("missing_token", f"{what} needs an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise unauthorized("wrong_token", "the bearer token is not the one this server expects")


def unauthorized(error: str, detail: str) -> ApiError:
    """A 401 that tells the client which scheme to use."""
    return ApiError(401, error, detail, {"WWW-Authenticate": 'Bearer realm="lessons"'})


def read_fields(max_body_bytes: int) -> Mapping[str, Any]:
    """The request's fields, from a JSON object or a form; 413, 415 or 400 when that fails."""
    length = request.content_length
    if length is not None and length > max_body_bytes:  # refused before a byte is read
        raise too_large(max_body_bytes)
    mimetype = request.mimetype
    is_form = mimetype in FORM_TYPES
    if not is_form and mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
        shown = mimetype or "none"
        raise ApiError(415, "unsupported_media_type",
                       f"send application/json or application/x-www-form-urlencoded, not {shown}")
    body = read_body(max_body_bytes)
    if is_form:
        try:
            pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                                           max_num_fields=MAX_FORM_FIELDS)
        except ValueError:
            raise ApiError(400, "invalid_payload", f"the form has more than {MAX_FORM_FIELDS} fields") from None
        return {name: value for name, value in reversed(pairs)}  # the first of repeated fields wins
    try:
        fields = json.loads(body, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "invalid_json", "the JSON is nested too deeply") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError alike
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {_first_line(error)}") from None
    if not isinstance(fields, dict):
        raise ApiError(400, "invalid_payload", f"send a JSON object such as {{\"text\": \"...\"}}, not {_json_kind(fields)}")
    return fields


def read_body(max_body_bytes: int) -> bytes:
    """The raw body, at most `max_body_bytes` (413 beyond), with or without a Content-Length."""
    if request.content_length is not None:
        return request.get_data(cache=False)  # exactly Content-Length bytes, checked above
    if "wsgi.input_terminated" not in request.environ:
        return b""  # a chunked body on a server that cannot end it safely: read nothing (Werkzeug's rule)
    stream, chunks, size = request.input_stream, [], 0
    while size <= max_body_bytes:
        chunk = stream.read(min(65536, max_body_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_body_bytes:
        raise too_large(max_body_bytes)
    return b"".join(chunks)


def ask(kb: KnowledgeBase, text: Any, limit: Any, offset: Any, *, name: str):
    """Check the fields a caller sent and ask the knowledge base; 400 with a clear detail otherwise."""
    if text is None:
        raise ApiError(400, "invalid_payload", f"'{name}' is missing: send the question as {name}")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_payload", f"'{name}' must be a string, not {_json_kind(text)}")
    if not text.strip():
        raise ApiError(400, "empty_query", f"'{name}' is empty: ask a question, for example 'social insurance for herders'")
    page_size = _whole_number(limit, "limit")
    start = _whole_number(offset, "offset")
    try:
        return kb.ask(text, limit=page_size, offset=0 if start is None else start)
    except QueryError as error:
        code = "query_too_long" if len(text) > kb.options.max_query_chars else "invalid_query"
        raise ApiError(400, code, str(error)) from None


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
    raise ApiError(400, "invalid_payload", f"'{name}' must be a whole number, not {_json_kind(value)}")


def too_large(max_body_bytes: int) -> ApiError:
    return ApiError(413, "body_too_large", f"the request body is over the limit of {max_body_bytes:,} bytes")


def json_error(error: HTTPException) -> Response:
    """Every HTTP error as `{"error": code, "detail": text}` with its status; never an HTML page."""
    if error.code == 413 and not isinstance(error, ApiError):  # Werkzeug's, from a streamed body
        error = too_large(request.max_content_length or 0)
    if isinstance(error, ApiError):
        code, detail = error.error, error.description
    else:
        code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
        detail = _DETAILS.get(error.code or 500) or error.description or error.name
    response = jsonify(error=code, detail=detail)
    response.status_code = error.code or 500
    for header, value in error.get_headers():  # e.g. Allow on a 405
        if header.lower() != "content-type":
            response.headers[header] = value
    response.headers.update(getattr(error, "extra_headers", {}))
    return response


def unexpected_error(error: Exception) -> Response:
    """A bug answers 500 as JSON; the traceback goes to the log, never to the client."""
    if isinstance(error, HTTPException):  # pragma: no cover - routed to json_error by Flask
        return json_error(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return json_error(InternalServerError())


def add_security_headers(response: Response) -> Response:
    """Add the security headers (CSP, nosniff, no referrer) to every response."""
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    return response


_DETAILS = {
    404: "there is nothing at this address; see /openapi.json for what this server offers",
    405: "this address does not take that method; see the Allow header",
    500: "something went wrong on the server; it has been logged",
}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]
