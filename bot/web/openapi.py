"""The OpenAPI 3 description served at `/openapi.json`; a test checks it against the live app."""
from __future__ import annotations

from typing import Any

from flask import Flask

from knowledge import PROSE_FIELDS

from .. import __version__
from ..config import Settings


def _string(description: str = "") -> dict[str, Any]:
    return {"type": "string", **({"description": description} if description else {})}


def _object(required: list[str], properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": properties}
    return {**schema, **({"description": description} if description else {})}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {400: "Bad request: see `error` and `detail`", 401: "Missing or wrong bearer token",
             403: "Forbidden: the feature is off on this server", 404: "Not found",
             405: "Method not allowed", 429: "Too many requests: try again shortly", 413: "Body over the size limit",
             415: "Unsupported content type", 500: "Server error (logged, no traceback sent)",
             503: "The state store cannot be used (see `detail`, and `state` in /healthz); searching goes on"}
    return {str(code): _json("Error", words[code]) for code in codes}


RESULT = _object(
    ["id", "title", "url", "eval_url", "eval_number", "eval_title", "country", "region", "themes",
     "summary", "summary_field", "highlights", "score", "matched_terms", "grouped", "citation"],
    {
        "id": _string("the lesson's id (the last part of its URL)"),
        "title": _string(), "url": _string("the lesson's page"), "eval_url": _string("the evaluation's page"),
        "eval_number": _string(), "eval_title": _string(),
        "country": _string("countries, comma-separated"), "region": _string("regions, comma-separated"),
        "themes": {"type": "array", "items": _string()},
        "summary": _string("the sentences of the lesson that best answer the query"),
        "summary_field": _string("the field the summary comes from"),
        "highlights": {"type": "array", "description": "[start, end) character spans of query words in summary, "
                       "sorted and merged (overlaps and words separated only by white space joined): wrap each "
                       "as it is", "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2,
                                             "maxItems": 2}},
        "score": {"type": "number"},
        "matched_terms": {"type": "array", "items": _string(),
                          "description": "the query's words or phrases this lesson matched, typos corrected"},
        "grouped": {"type": "array", "items": _string(),
                    "description": "ids of lessons folded into this result (near-duplicates, same evaluation)"},
        "citation": _string("the lesson's reference line, from its own fields, accessed today"),
        "feedback": _object(["helpful", "not_helpful", "voters", "factor", "rank_without_feedback"], {
            "helpful": {"type": "integer"}, "not_helpful": {"type": "integer"},
            "voters": {"type": "integer", "description": "distinct voters (at least 2 for any effect)"},
            "factor": {"type": "number", "description": "what the votes multiplied the score by (0.8-1.2)"},
            "rank_without_feedback": {"type": ["integer", "null"],
                                      "description": "its rank without the votes (null: below this page)"}},
            "present only when people's votes for this question moved this lesson's score"),
    },
)

ANSWER_PROPERTIES: dict[str, Any] = {
    "query": _string(),
    "headline": _string("one line saying how many lessons matched and what was understood; every door shows it"),
    "total": {"type": "integer", "description": "every matching lesson, not only this page"},
    "offset": {"type": "integer"},
    "group_by_evaluation": {"type": "boolean", "description": "one result per evaluation (see `grouped`)"},
    "results": {"type": "array", "items": _ref("Result")},
    "filters": {"type": "array", "items": _object(["name", "value"], {"name": _string(), "value": _string()})},
    "corrections": {"type": "array", "items": _object(["from", "to"], {"from": _string(), "to": _string()})},
    "suggestions": {"type": "array", "items": _string()},
    "facets": {"type": "object", "additionalProperties": {
        "type": "array", "items": _object(["value", "count", "query"], {
            "value": _string(), "count": {"type": "integer"},
            "query": {"type": ["string", "null"], "description": "the question narrowed to this value"}})}},
    "notice": _string(),
    "expanded": {"type": "array", "items": _string(),
                 "description": "words lent by the best lessons to find more when the first ones did not fill the "
                                "page; the lessons found only through them come last"},
}
ANSWER_REQUIRED = list(ANSWER_PROPERTIES)

CITATIONS = _object(["text", "apa", "bibtex", "ris"], {
    "text": _string("a reference line"), "apa": _string("APA 7"), "bibtex": _string("a BibTeX @misc entry"),
    "ris": _string("an RIS record (Zotero, EndNote)")}, "the lesson's reference in every format")
LESSON = _object(
    ["id", "url", "title", "eval_number", "eval_title", "eval_url", "themes", "locations", "country", "region",
     *PROSE_FIELDS, "extra", "citations"],
    {
        "id": _string(), "url": _string(), "title": _string(), "eval_number": _string(),
        "eval_title": _string(), "eval_url": _string(),
        "themes": {"type": "array",
                   "items": _object(["theme", "category"], {"theme": _string(), "category": _string()})},
        "locations": {"type": "array",
                      "items": _object(["country", "region"], {"country": _string(), "region": _string()})},
        "country": _string(), "region": _string(),
        **{name: _string() for name in PROSE_FIELDS},
        "extra": {"type": "object", "additionalProperties": _string()},
        "citations": CITATIONS,
    },
)

SIMILAR = _object(["id", "title", "results"], {
    "id": _string(), "title": _string(),
    "results": {"type": "array", "items": _ref("Result"),
                "description": "the lessons most like it, best first; score relative to the first (1.0)"}})
VOTE_BODY = _object(["question", "lesson_id", "vote", "voter"], {
    "question": _string("the question the lesson answered, as typed"), "lesson_id": _string(),
    "vote": {"enum": ["helpful", "not_helpful", 1, -1]},
    "voter": _string("a stable id of the voter (the page keeps a random one); stored only as a keyed hash")})
VOTE = _object(["ok", "question", "lesson_id", "vote"], {
    "ok": {"type": "boolean"}, "question": _string("the question as understood, which the vote is kept under"),
    "lesson_id": _string(), "vote": {"enum": ["helpful", "not_helpful"]}})
GROUP = {"name": "group", "in": "query", "required": False, "schema": {"type": "string", "enum": ["1", "0", "true",
         "false"]}, "description": "one lesson per evaluation (default search.group_by_evaluation)"}
HTML = {"description": "HTML", "content": {"text/html": {"schema": _string()}}}

LESSON_ID = {"name": "lesson_id", "in": "path", "required": True, "schema": {"type": "string"}}
_INT = {"type": "integer"}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_SHARE = _object(["questions", "share"], {"questions": _INT, "share": {
    "type": ["number", "null"], "description": "of all questions, 0 to 1 (null when there were none)"}})
_DEMAND = {"type": "array", "items": _object(["name", "asked", "available"], {
    "name": _string(), "asked": {"type": "integer", "description": "questions about it"},
    "available": {"type": "integer", "description": "lessons on it in the collection"}})}
REPORT = _object(
    ["since_days", "start_day", "end_day", "questions", "per_day", "per_door", "top_questions", "themes",
     "countries", "nothing_found", "weak", "gaps", "latency_ms", "feedback", "notes"],
    {
        "since_days": _INT, "start_day": _string("YYYY-MM-DD, UTC"), "end_day": _string("YYYY-MM-DD, UTC (today)"),
        "questions": _INT,
        "per_day": {"type": "array", "items": _object(["day", "questions"], {"day": _string(), "questions": _INT})},
        "per_door": {"type": "object", "additionalProperties": _INT,
                     "description": "webhook, api, slack-slash, slack-dm, slack-mention"},
        "top_questions": {"type": "array", "items": _object(["question", "asked"], {
            "question": _string("as understood: typos corrected, filler words dropped"), "asked": _INT})},
        "themes": _DEMAND, "countries": _DEMAND,
        "nothing_found": _SHARE,
        "weak": {**_SHARE, "description": "lessons found, but none answers the whole question"},
        "gaps": {"type": "array", "items": _object(
            ["question", "asked", "nothing", "weak", "last_asked", "named", "typed"],
            {"question": _string(), "asked": _INT, "nothing": _INT, "weak": _INT, "last_asked": _string(),
             "named": {"type": "array", "items": _string()}, "typed": {"type": "array", "items": _string()}})},
        "latency_ms": _object(["p50", "p95"], {"p50": _NUMBER_OR_NULL, "p95": _NUMBER_OR_NULL}),
        "feedback": {"type": "array", "items": _object(["lesson_id", "title", "helpful", "not_helpful"], {
            "lesson_id": _string(), "title": _string(), "helpful": _INT, "not_helpful": _INT})},
        "notes": {"type": "array", "items": _string()},
    },
)
_HTML = {"text/html": {"schema": _string()}}

PAGING = [
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
     "description": "lessons per answer (default search.default_limit, at most search.max_limit)"},
    {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0},
     "description": "skip the first N matches (paging)"},
]


def openapi_spec(app: Flask, settings: Settings) -> dict[str, Any]:
    """The OpenAPI 3.1 document for `app` (Slack's endpoint is listed only when it is mounted)."""
    limit = settings.server.max_body_bytes
    webhook_body = _object(["text"], {
        "text": _string("the question, in plain words; filters such as country:Mongolia work too"),
        "limit": {"type": "integer", "minimum": 1}, "offset": {"type": "integer", "minimum": 0},
        "group": {"type": ["boolean", "string"], "description": "one lesson per evaluation (true/false, 1/0)"},
    })
    paths: dict[str, Any] = {
        "/webhook": {"post": {
            "summary": "Ask a question; answer with the `lessons search --json` object plus Markdown `text`",
            "description": f"JSON or form-encoded. With WEBHOOK_TOKEN set on the server, send "
                           f"`Authorization: Bearer <token>`. Bodies over {limit:,} bytes get 413. More than "
                           f"the client's rate cap (config rate_limit) gets 429 with Retry-After.",
            "security": [{}, {"bearer": []}],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": webhook_body},
                "application/x-www-form-urlencoded": {"schema": webhook_body},
            }},
            "responses": {"200": _json("WebhookAnswer", "The answer"),
                          **_errors(400, 401, 405, 413, 415, 429, 500)},
        }},
        "/api/search": {"get": {
            "summary": "Search (the object `lessons search --json` prints); the web page uses this",
            "description": "With WEBHOOK_TOKEN set on the server, send `Authorization: Bearer <token>` "
                           "(the page asks for it). More than the client's rate cap gets 429 with Retry-After.",
            "security": [{}, {"bearer": []}],
            "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"},
                            "description": "the question"}, *PAGING, GROUP],
            "responses": {"200": _json("Answer", "The answer"), **_errors(400, 401, 405, 429, 500)},
        }},
        "/api/lessons/{lesson_id}": {"get": {
            "summary": "One lesson, every field, and its citations in every format",
            "parameters": [LESSON_ID],
            "responses": {"200": _json("Lesson", "The lesson"), **_errors(404, 405, 429, 500)},
        }},
        "/api/lessons/{lesson_id}/similar": {"get": {
            "summary": "The lessons most like one lesson (`lessons similar ID --json`)",
            "parameters": [LESSON_ID, {"name": "limit", "in": "query", "required": False,
                                       "schema": {"type": "integer", "minimum": 1}, "description": "default 5"}],
            "responses": {"200": _json("Similar", "The similar lessons"), **_errors(400, 404, 405, 500)},
        }},
        "/lessons/{lesson_id}": {"get": {
            "summary": "The readable view of one lesson: every field, both links, citations, similar lessons",
            "parameters": [LESSON_ID],
            "responses": {"200": HTML, "404": HTML, **_errors(405)},
        }},
        "/api/feedback": {"post": {
            "summary": "Vote a lesson helpful or not helpful for a question (one vote per voter, changeable)",
            "description": "The webhook's token rule: with WEBHOOK_TOKEN set, send `Authorization: Bearer "
                           "<token>`. 503 when the state store cannot be used.",
            "security": [{}, {"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": VOTE_BODY},
                                                          "application/x-www-form-urlencoded": {"schema": VOTE_BODY}}},
            "responses": {"200": _json("Vote", "Recorded"), **_errors(400, 401, 404, 405, 413, 415, 500, 503)},
        }},
        "/admin/reload": {"post": {
            "summary": "Reload the lessons now; a failed reload keeps the lessons that were serving",
            "description": "Needs `Authorization: Bearer <ADMIN_TOKEN>`; 403 when the server has no "
                           "ADMIN_TOKEN; at most one reload a second (429).",
            "security": [{"bearer": []}],
            "responses": {"200": _json("Reload", "Reloaded"), "503": _json("Reload", "Reload failed; still serving"),
                          **_errors(401, 403, 405, 429, 500)},
        }},
        "/admin": {"get": {
            "summary": "The operator's report page (questions, gaps, charts); a sign-in form until signed in",
            "parameters": [{"name": "since", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 3650},
                            "description": "the last DAYS days (default 30)"}],
            "responses": {"200": {"description": "The report, or the sign-in form", "content": _HTML},
                          "403": {"description": "Off: the server has no ADMIN_TOKEN", "content": _HTML},
                          **_errors(400, 405)},
        }},
        "/admin/login": {"post": {
            "summary": "Sign in with ADMIN_TOKEN (form field `token`): an HttpOnly, SameSite=Strict cookie",
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
                "schema": _object(["token"], {"token": _string("the value of ADMIN_TOKEN")})}}},
            "responses": {"303": {"description": "Signed in: to /admin, with the session cookie"},
                          "401": {"description": "Wrong token: the form again", "content": _HTML},
                          "403": {"description": "Off: the server has no ADMIN_TOKEN", "content": _HTML},
                          **_errors(405, 413)},
        }},
        "/admin/logout": {"post": {
            "summary": "Sign out (the session cookie is removed)",
            "responses": {"303": {"description": "Signed out: to /admin"}, **_errors(405)},
        }},
        "/admin/report": {"get": {
            "summary": "The report as JSON (what `lessons report --json` prints)",
            "description": "Needs the session cookie of /admin/login or `Authorization: Bearer <ADMIN_TOKEN>`.",
            "security": [{"bearer": []}],
            "parameters": [{"name": "since", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 3650}}],
            "responses": {"200": _json("Report", "The report"),
                          "503": _json("Error", "The question log cannot be read"), **_errors(400, 401, 403, 405)},
        }},
        "/favicon.ico": {"get": {
            "summary": "The icon",
            "responses": {"200": {"description": "An icon", "content": {"image/vnd.microsoft.icon": {}}},
                          **_errors(405)},
        }},
        "/healthz": {"get": {
            "summary": "Liveness, and how many lessons are loaded",
            "responses": {"200": _json("Health", "Serving"), **_errors(405, 500)},
        }},
        "/": {"get": {
            "summary": "The search page; `/?q=herders` opens with that search done",
            "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}],
            "responses": {"200": HTML, **_errors(405)},
        }},
        "/static/{filename}": {"get": {
            "summary": "The page's stylesheet and script",
            "parameters": [{"name": "filename", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The file"}, **_errors(404, 405)},
        }},
        "/openapi.json": {"get": {
            "summary": "This description",
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          **_errors(405)},
        }},
    }
    if any(rule.rule == "/slack/events" for rule in app.url_map.iter_rules()):
        paths["/slack/events"] = {"post": {
            "summary": "Slack's Events API, slash commands and interactivity (HTTP mode), signed by Slack",
            "responses": {"200": {"description": "Acknowledged"}, "401": {"description": "Bad signature"}},
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "lessons", "version": __version__,
                 "description": "Answers questions over evaluation lessons learned. Errors are "
                                "`{\"error\": code, \"detail\": text}` with the HTTP status."},
        "paths": paths,
        "components": {
            "schemas": {
                "Result": RESULT,
                "Answer": _object(ANSWER_REQUIRED, ANSWER_PROPERTIES),
                "WebhookAnswer": _object([*ANSWER_REQUIRED, "text"], {
                    **ANSWER_PROPERTIES, "text": _string("the answer as ready-to-post Markdown")}),
                "Lesson": LESSON,
                "Report": REPORT,
                "Similar": SIMILAR,
                "Vote": VOTE,
                "Health": _object(["status", "lessons", "loaded_at", "skipped", "reload", "state", "generation",
                                   "workers"], {
                    "status": {"type": "string", "enum": ["ok", "degraded"],
                               "description": "degraded: searching works, the state store does not"},
                    "lessons": {"type": "integer"},
                    "loaded_at": {"type": "number", "description": "Unix time of the last load"},
                    "skipped": {"type": "integer", "description": "files skipped at the last load"},
                    "reload": {"type": ["object", "null"], "description": "the last reload (null before any)"},
                    "state": {"type": ["object", "null"], "description": "the state store: ok, message (the "
                              "error when not ok), path, schema_version; null when the server keeps none"},
                    "generation": {"type": "integer", "description": "the lessons generation this process "
                                   "serves: 1 at start, one more after each successful reload"},
                    "serving_generation": {"type": "integer",
                                           "description": "with workers: the generation the master serves"},
                    "workers": {"type": "array", "description": "each worker process and the generation it serves "
                                "(old and new both listed while a reload replaces them)",
                                "items": _object(["pid", "generation"], {"pid": {"type": "integer"},
                                                                         "generation": {"type": "integer"}})}}),
                "Reload": _object(["ok", "lessons", "skipped", "error", "seconds", "at"], {
                    "ok": {"type": "boolean"}, "lessons": {"type": "integer", "description": "lessons serving now"},
                    "skipped": {"type": "integer"}, "error": _string("why the reload kept the old lessons"),
                    "seconds": {"type": "number"}, "at": {"type": "number", "description": "Unix time"}}),
                "Error": _object(["error", "detail"], {
                    "error": _string("a short machine-readable code, e.g. invalid_json"),
                    "detail": _string("what went wrong, in words")}),
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "WEBHOOK_TOKEN, when the server has one"}},
        },
    }
