"""`/openapi.json` stays true: every route of the app is described, and real responses of every
described operation have a declared status and the declared shape."""
from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from bot.config import Secrets, Settings
from bot.records import Records
from bot.state import StateStore
from bot.web import create_app

#: One or more real requests per operation: (method, path, keyword arguments of the test client).
AUTH = {"Authorization": "Bearer t"}
CALLS = [
    ("post", "/webhook", {"json": {"text": "lessons on social insurance for herders"}, "headers": AUTH}),
    ("post", "/webhook", {"data": {"text": "herders", "limit": "2"}, "headers": AUTH}),
    ("post", "/webhook", {"data": "{", "content_type": "application/json", "headers": AUTH}),
    ("post", "/webhook", {"json": {"text": "herders"}, "headers": {"Authorization": "Bearer wrong"}}),
    ("post", "/webhook", {"data": "x" * 70_000, "content_type": "application/json", "headers": AUTH}),
    ("post", "/webhook", {"data": "text=x", "content_type": "text/plain", "headers": AUTH}),
    ("get", "/webhook", {}),
    ("get", "/api/search?q=herders&limit=2", {"headers": AUTH}),
    ("get", "/api/search?q=herders&limit=0", {"headers": AUTH}),
    ("get", "/api/search?q=herders", {}),
    ("delete", "/api/search", {}),
    ("get", "/api/search?q=cocoa&group=1", {}),
    ("get", "/api/search?q=cocoa&group=maybe", {}),
    ("get", "/api/lessons/252474", {}),
    ("get", "/api/lessons/nope", {}),
    ("post", "/api/lessons/252474", {}),
    ("get", "/api/lessons/252474/similar?limit=3", {}),
    ("get", "/api/lessons/252474/similar?limit=0", {}),
    ("get", "/api/lessons/nope/similar", {}),
    ("post", "/api/lessons/252474/similar", {}),
    ("get", "/lessons/252474", {}),
    ("get", "/lessons/nope", {}),
    ("post", "/lessons/252474", {}),
    ("post", "/api/feedback", {"json": {"question": "herders", "lesson_id": "252474", "vote": "helpful",
                                        "voter": "v1"}, "headers": AUTH}),
    ("post", "/api/feedback", {"data": {"question": "herders", "lesson_id": "252474", "vote": "-1", "voter": "v2"},
                               "headers": AUTH}),
    ("post", "/api/feedback", {"json": {"question": "herders", "lesson_id": "nope", "vote": "helpful",
                                        "voter": "v1"}, "headers": AUTH}),
    ("post", "/api/feedback", {"json": {"question": "herders", "lesson_id": "252474", "vote": "meh",
                                        "voter": "v1"}, "headers": AUTH}),
    ("post", "/api/feedback", {"json": {"question": "herders"}, "headers": {"Authorization": "Bearer wrong"}}),
    ("get", "/api/feedback", {}),
    ("get", "/healthz", {}),
    ("post", "/healthz", {}),
    ("get", "/", {}),
    ("get", "/?q=herders", {}),
    ("post", "/", {}),
    ("get", "/static/app.js", {}),
    ("get", "/static/missing.css", {}),
    ("get", "/openapi.json", {}),
    ("post", "/admin/reload", {"headers": {"Authorization": "Bearer admin"}}),
    ("post", "/admin/reload", {"headers": {"Authorization": "Bearer wrong"}}),
    ("get", "/admin/reload", {}),
    ("put", "/openapi.json", {}),
    ("get", "/favicon.ico", {}),
    ("get", "/admin", {}),
    ("get", "/admin?since=0", {}),
    ("post", "/admin/login", {"data": {"token": "wrong"}}),
    ("post", "/admin/login", {"data": {"token": "admin"}}),
    ("post", "/admin/logout", {}),
    ("get", "/admin/report", {}),
    ("get", "/admin/report?since=7", {"headers": {"Authorization": "Bearer admin"}}),
    ("get", "/admin/report?since=x", {"headers": {"Authorization": "Bearer admin"}}),
]


@pytest.fixture(scope="module")
def app(bundled, tmp_path_factory):
    state = StateStore(tmp_path_factory.mktemp("state") / "state.sqlite3")
    secrets = Secrets(webhook_token="t", admin_token="admin")
    yield create_app(Settings(), bundled, secrets=secrets, records=Records(state))
    state.close()


def test_a_state_store_that_cannot_be_used_answers_503_as_described(bundled, spec, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    broken = create_app(Settings(), bundled, records=Records(StateStore(tmp_path / "file" / "state.sqlite3")))
    response = broken.test_client().post("/api/feedback", json={"question": "herders", "lesson_id": "252474",
                                                                 "vote": "helpful", "voter": "v1"})
    assert response.status_code == 503 and response.get_json()["error"] == "state_unavailable"
    assert_matches(spec, response.get_json(), {"$ref": "#/components/schemas/Error"})
    health = broken.test_client().get("/healthz").get_json()
    assert health["status"] == "degraded" and not health["state"]["ok"]
    assert_matches(spec, health, {"$ref": "#/components/schemas/Health"})


@pytest.fixture(scope="module")
def spec(app):
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_route_of_the_app_is_described(app, spec):
    for rule in app.url_map.iter_rules():
        path = openapi_path(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is served but not in /openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], f"{method} {rule.rule} is not in /openapi.json"


def test_every_described_operation_exists_and_is_exercised_here(app, spec):
    served = {(openapi_path(r.rule), m.lower()) for r in app.url_map.iter_rules() for m in r.methods}
    called = {(operation_path(spec, path), method) for method, path, _ in CALLS}
    for path, operations in spec["paths"].items():
        for method in operations:
            assert (path, method) in served, f"{method} {path} is described but not served"
            assert (path, method) in called, f"{method} {path} has no call in CALLS"


def test_the_slack_endpoint_is_described_once_it_is_mounted(app, spec, bundled):
    assert "/slack/events" not in spec["paths"]
    slack_app = create_app(Settings(), bundled)
    slack_app.add_url_rule("/slack/events", "slack_events", lambda: "", methods=["POST"])
    assert "/slack/events" in slack_app.test_client().get("/openapi.json").get_json()["paths"]


@pytest.mark.parametrize("method, path, kwargs", CALLS, ids=[f"{m} {p}"[:40] for m, p, _ in CALLS])
def test_responses_match_the_description(app, spec, method, path, kwargs):
    response = getattr(app.test_client(), method)(path, **kwargs)
    operations = spec["paths"][operation_path(spec, path)]
    if method not in operations:  # a wrong method: every path declares 405 on its own operations
        assert response.status_code == 405
        assert all("405" in op["responses"] for op in operations.values())
        assert_matches(spec, response.get_json(), {"$ref": "#/components/schemas/Error"})
        return
    declared = operations[method]["responses"]
    assert str(response.status_code) in declared, f"{method} {path} answered {response.status_code}"
    content = declared[str(response.status_code)].get("content", {})
    if "application/json" in content:
        assert response.mimetype == "application/json"
        assert_matches(spec, response.get_json(), content["application/json"]["schema"])
    elif content:
        assert response.mimetype in content


def operation_path(spec: dict, path: str) -> str:
    """The spec's templated path that a concrete request path falls under."""
    bare = path.split("?")[0]
    for candidate in spec["paths"]:
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(candidate)) + "$"
        if re.match(pattern, bare):
            return candidate
    raise AssertionError(f"{bare} is not described")


def closed(schema):
    """`schema` with every object that lists its properties closed to others, so a key the app
    sends but the description lacks (as `matched_terms` once was) fails the check."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value) for key, value in schema.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def assert_matches(spec: dict, value, schema: dict) -> None:
    """`value` is valid under `schema` (JSON Schema 2020-12, as OpenAPI 3.1 uses), refs into the spec resolved."""
    validator = Draft202012Validator(closed({**schema, "components": spec["components"]}))
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}" for e in validator.iter_errors(value)]
    assert not problems, problems


def test_every_schema_of_the_description_is_valid_json_schema(spec):
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises SchemaError naming the problem
