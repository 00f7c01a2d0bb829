"""HTTP helpers of the web door: JSON errors for every status, the bearer token, reading a
request's fields (JSON or form) within the size limit, and the security headers."""
from __future__ import annotations

import hmac
import json
import logging
import urllib.parse
from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("lessons.web")

JSON_TYPES = ("application/json",)  # and any application/...+json
FORM_TYPES = ("application/x-www-form-urlencoded",)
MAX_FORM_FIELDS = 100

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


def require_bearer(expected: str, what: str) -> None:
    """Demand `Authorization: Bearer <expected>` (constant-time compare, header only, body unread)."""
    refusal = bearer_refusal(request.headers.get("Authorization", ""), expected, what)
    if refusal is not None:
        raise refusal


def bearer_refusal(authorization: str, expected: str, what: str) -> ApiError | None:
    """The 401 for an `Authorization` header that is not `Bearer <expected>` (compared in constant
    time), or None when it is."""
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return unauthorized("missing_token", f"{what} needs an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"), expected.encode("utf-8")):
        return unauthorized("wrong_token", "the bearer token is not the one this server expects")
    return None


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
    try:  # JSON is UTF-8 (RFC 8259): bytes would let json.loads guess UTF-16 or UTF-32
        fields = json.loads(body.decode("utf-8-sig"), parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "invalid_json", "the JSON is nested too deeply") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError alike
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {_first_line(error)}") from None
    if not isinstance(fields, dict):
        raise ApiError(400, "invalid_payload",
                       f"send a JSON object such as {{\"text\": \"...\"}}, not {json_kind(fields)}")
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


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]
