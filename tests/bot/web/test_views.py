"""The web door through Flask's test client: the webhook, the JSON API, the page and every error."""
from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from bot.config import Secrets, ServerSettings, Settings
from bot.live import KnowledgeHolder
from bot.web import create_app
from knowledge import KnowledgeBase

from ...conftest import lesson_page

HERDERS = "lessons on social insurance for herders"
TOKEN = "s3cret-token"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def app(bundled):
    return create_app(Settings(), bundled)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def locked(bundled):
    """A client of an app whose webhook needs the bearer token."""
    return create_app(Settings(), bundled, secrets=Secrets(webhook_token=TOKEN)).test_client()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "detail"} and body["error"] == code and body["detail"]
    assert "Traceback" not in body["detail"] and "<" not in body["detail"][:1]
    return body


# --- POST /webhook ------------------------------------------------------------------------------

def test_webhook_ranks_the_herders_lesson_in_the_top_three_with_a_markdown_text(client):
    response = client.post("/webhook", json={"text": HERDERS})
    assert response.status_code == 200
    answer = response.get_json()
    ids = [r["id"] for r in answer["results"]]
    assert "252474" in ids[:3]
    assert answer["query"] == HERDERS and answer["total"] >= len(ids)
    assert set(answer["results"][0]) >= {"id", "title", "url", "eval_url", "country", "region", "themes",
                                         "summary", "score"}
    text = answer["text"]
    assert "(https://webapps.ilo.org/ievaldiscovery/lessons/252474)" in text
    assert "**herders**" in text.lower() or "**herders**" in text


def test_webhook_and_search_json_give_the_same_answer(client, monkeypatch, tmp_path):
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert main(["search", HERDERS, "--limit", "4", "--json"], stdout=out, stderr=io.StringIO()) == 0
    cli_answer = json.loads(out.getvalue())
    web_answer = client.post("/webhook", json={"text": HERDERS, "limit": 4}).get_json()
    assert web_answer.pop("text")
    assert web_answer == cli_answer


def test_webhook_takes_form_encoded_fields_as_outgoing_webhooks_send_them(client):
    response = client.post("/webhook", data={"text": "herders", "limit": "2", "offset": "1", "token": "x"})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["offset"] == 1 and len(answer["results"]) == 2


def test_webhook_filters_work_as_in_the_cli(client):
    answer = client.post("/webhook", json={"text": "herders country:Mongolia"}).get_json()
    assert answer["filters"] == [{"name": "country", "value": "Mongolia"}]
    assert answer["results"] and all(r["country"] == "Mongolia" for r in answer["results"])


def test_webhook_paging_with_limit_and_offset(client):
    first = client.post("/webhook", json={"text": "herders", "limit": 1}).get_json()
    second = client.post("/webhook", json={"text": "herders", "limit": 1, "offset": 1}).get_json()
    assert len(first["results"]) == 1 and second["offset"] == 1
    assert first["results"][0]["id"] != second["results"][0]["id"]


def test_webhook_no_match_still_answers_with_a_text(client):
    answer = client.post("/webhook", json={"text": "qqqzzxv"}).get_json()
    assert answer["results"] == [] and answer["total"] == 0
    assert answer["text"].startswith("No lessons match")


def test_webhook_reads_the_holder_so_a_reload_is_seen(make_lessons):
    holder = KnowledgeHolder(KnowledgeBase.from_paths([make_lessons({"1": lesson_page("1", description="Herders.")})]))
    client = create_app(Settings(), holder).test_client()
    assert [r["id"] for r in client.post("/webhook", json={"text": "herders"}).get_json()["results"]] == ["1"]
    holder.swap(KnowledgeBase.from_paths([make_lessons({"2": lesson_page("2", description="Herders.")}, "v2")]))
    assert [r["id"] for r in client.post("/webhook", json={"text": "herders"}).get_json()["results"]] == ["2"]


@pytest.mark.parametrize("body, code", [
    ('{"text":', "invalid_json"),
    (b'{"text": "\xff\xfe"}', "invalid_json"),
    ('{"text": NaN}', "invalid_json"),
    ("[" * 5000 + "]" * 5000, "invalid_json"),
    ('{"a":' * 5000 + "1" + "}" * 5000, "invalid_json"),
    ("", "invalid_json"),
    ("[1, 2]", "invalid_payload"),
    ('"text"', "invalid_payload"),
    ("null", "invalid_payload"),
    ("{}", "invalid_payload"),
    ('{"text": 5}', "invalid_payload"),
    ('{"text": ["a"]}', "invalid_payload"),
    ('{"text": null}', "invalid_payload"),
    ('{"text": "herders", "limit": "ten"}', "invalid_payload"),
    ('{"text": "herders", "limit": 2.5}', "invalid_payload"),
    ('{"text": "herders", "limit": true}', "invalid_payload"),
    ('{"text": "herders", "limit": 0}', "invalid_query"),
    ('{"text": "herders", "limit": 51}', "invalid_query"),
    ('{"text": "herders", "offset": -1}', "invalid_query"),
    ('{"text": "   "}', "empty_query"),
    ('{"text": "herders", "offset": "' + "9" * 5000 + '"}', "invalid_payload"),
    ('{"text": "herders", "offset": 1000000000000000000000000000000}', "invalid_payload"),  # as a string: 400 too
    ('{"text": "herders", "limit": -1000000000000000000}', "invalid_payload"),
    ('{"text": "\\"a b\\" \\"c d\\" \\"e f\\" \\"g h\\" \\"i j\\" \\"k l\\""}', "too_many_phrases"),
])
def test_webhook_bad_bodies_are_400_json(client, body, code):
    response = client.post("/webhook", data=body, content_type="application/json")
    assert_error(response, 400, code)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_json_in_another_encoding_than_utf8_is_invalid_json(client, encoding):
    body = json.dumps({"text": "herders"}).encode(encoding)
    assert_error(client.post("/webhook", data=body, content_type="application/json"), 400, "invalid_json")


def test_json_with_a_utf8_byte_order_mark_is_read(client):
    body = b"\xef\xbb\xbf" + json.dumps({"text": "herders"}).encode()
    assert client.post("/webhook", data=body, content_type="application/json").status_code == 200


def test_a_json_limit_must_be_a_number_while_forms_and_query_strings_send_digits(client):
    """JSON has numbers, and the OpenAPI schema says integer: "3" there is refused, with the fix in the
    detail. A form or a query string has only text, so "3" is the number 3 there."""
    response = client.post("/webhook", json={"text": "herders", "limit": "3"})
    assert_error(response, 400, "invalid_payload")
    assert response.get_json()["detail"] == "'limit' must be a JSON number, not text: send \"limit\": 3"
    assert_error(client.post("/webhook", json={"text": "herders", "offset": "1"}), 400, "invalid_payload")
    assert len(client.post("/webhook", json={"text": "herders", "limit": 3}).get_json()["results"]) == 3
    assert len(client.post("/webhook", data={"text": "herders", "limit": "3"}).get_json()["results"]) == 3
    assert len(client.get("/api/search?q=herders&limit=3").get_json()["results"]) == 3


def test_the_icon_is_served_where_browsers_look(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").text
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"


def test_webhook_form_without_text_or_with_a_bad_limit_is_400(client):
    assert_error(client.post("/webhook", data={"query": "herders"}), 400, "invalid_payload")
    assert_error(client.post("/webhook", data={"text": "herders", "limit": "-"}), 400, "invalid_payload")


def test_webhook_too_long_query_is_400_query_too_long(client):
    body = assert_error(client.post("/webhook", json={"text": "x" * 501}), 400, "query_too_long")
    assert "the limit is 500" in body["detail"]


def test_webhook_body_over_the_limit_is_413_before_reading(client):
    assert_error(client.post("/webhook", data="x" * 2_000_000, content_type="application/json"), 413,
                 "body_too_large")
    assert_error(client.post("/webhook", data={"text": "x" * 70_000}), 413, "body_too_large")


def test_webhook_chunked_body_over_the_limit_is_413(client):
    # No Content-Length: the limit applies as the stream is read (the server marks it terminated).
    response = client.post("/webhook", input_stream=io.BytesIO(b'{"text": "' + b"a" * 100_000 + b'"}'),
                           content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert_error(response, 413, "body_too_large")


def test_webhook_chunked_body_at_the_limit_is_read_whole(bundled):
    client = create_app(Settings(server=ServerSettings(max_body_bytes=40)), bundled).test_client()
    body = b'{"text": "herders", "limit":       2}'.ljust(40)
    for data, content_type in ((body, "application/json"), (b"text=herders&limit=2".ljust(40), FORM)):
        response = client.post("/webhook", input_stream=io.BytesIO(data), content_type=content_type,
                               headers={"Transfer-Encoding": "chunked"},
                               environ_overrides={"wsgi.input_terminated": True})
        assert response.status_code == 200 and len(response.get_json()["results"]) == 2
        response = client.post("/webhook", input_stream=io.BytesIO(data + b" "), content_type=content_type,
                               headers={"Transfer-Encoding": "chunked"},
                               environ_overrides={"wsgi.input_terminated": True})
        assert_error(response, 413, "body_too_large")


def test_the_body_limit_follows_the_setting(bundled):
    client = create_app(Settings(server=ServerSettings(max_body_bytes=100)), bundled).test_client()
    assert client.post("/webhook", json={"text": "herders"}).status_code == 200
    assert_error(client.post("/webhook", json={"text": "herders " * 20}), 413, "body_too_large")


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/xml", None])
def test_webhook_unsupported_content_type_is_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/webhook", data=b'{"text": "herders"}', headers=headers)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_webhook_wrong_method_is_405_json(client, method):
    response = getattr(client, method)("/webhook")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


# --- the token ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers, code", [
    ({}, "missing_token"),
    ({"Authorization": "Bearer"}, "missing_token"),
    ({"Authorization": f"Basic {TOKEN}"}, "missing_token"),
    ({"Authorization": "Bearer wrong"}, "wrong_token"),
    ({"Authorization": f"Bearer {TOKEN}x"}, "wrong_token"),
])
def test_with_a_token_set_a_missing_or_wrong_token_is_401(locked, headers, code):
    response = locked.post("/webhook", json={"text": "herders"}, headers=headers)
    body = assert_error(response, 401, code)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in json.dumps(body)


def test_with_the_right_token_the_webhook_answers(locked):
    response = locked.post("/webhook", json={"text": "herders"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.get_json()["results"]


def test_the_token_is_checked_before_the_body_is_read(locked):
    # A stranger's oversized or malformed body is answered 401, never 413 or 400: nothing was read.
    assert_error(locked.post("/webhook", data="x" * 2_000_000, content_type="application/json"), 401,
                 "missing_token")
    assert_error(locked.post("/webhook", data="{", content_type="application/json",
                             headers={"Authorization": "Bearer nope"}), 401, "wrong_token")


# --- the JSON API, /healthz, /openapi.json, the page ------------------------------------------------

def test_api_lesson_gives_every_field(client):
    response = client.get("/api/lessons/252474")
    assert response.status_code == 200
    lesson = response.get_json()
    assert lesson["id"] == "252474" and lesson["country"] == "Mongolia"
    assert {"description", "challenges", "themes", "locations", "eval_url", "extra"} <= set(lesson)


def test_api_unknown_lesson_is_404_json(client):
    body = assert_error(client.get("/api/lessons/nope"), 404, "not_found")
    assert "nope" in body["detail"]
    long_id = "7" * 10_000
    body = assert_error(client.get("/api/lessons/" + long_id), 404, "not_found")
    assert "7" * 200 not in body["detail"] and "10,000 characters" in body["detail"]


def test_no_redirect_points_at_the_host_the_client_named(client):
    for path in ("/static//app.js", "/api//search?q=herders", "/api/lessons//252474", "/static/./app.js"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert "evil.example" not in response.headers.get("Location", ""), path
        assert response.status_code != 308


def test_api_search_is_the_cli_object(client):
    answer = client.get("/api/search", query_string={"q": HERDERS, "limit": 3}).get_json()
    assert "text" not in answer and "252474" in [r["id"] for r in answer["results"]]
    assert_error(client.get("/api/search"), 400, "invalid_payload")
    assert_error(client.get("/api/search?q=%20"), 400, "empty_query")
    assert_error(client.get("/api/search?q=herders&offset=x"), 400, "invalid_payload")


def test_healthz_counts_lessons_and_skipped(make_lessons):
    folder = make_lessons({"1": lesson_page("1"), "bad": ""})
    client = create_app(Settings(), KnowledgeBase.from_paths([folder])).test_client()
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["lessons"] == 1 and health["skipped"] == 1
    assert isinstance(health["loaded_at"], float)


def test_unknown_address_is_404_json_not_html(client):
    assert_error(client.get("/wp-admin.php"), 404, "not_found")
    assert_error(client.get("/static/nothing.js"), 404, "not_found")


def test_a_bug_is_500_json_without_traceback(bundled, caplog):
    class BrokenKB:
        options = bundled.options

        def ask(self, *args, **kwargs):
            raise RuntimeError("boom")

    holder = KnowledgeHolder(bundled)
    client = create_app(Settings(), holder).test_client()
    holder.swap(BrokenKB())
    body = assert_error(client.post("/webhook", json={"text": "herders"}), 500, "internal_server_error")
    assert "boom" not in body["detail"]
    assert "unhandled error on POST /webhook" in caplog.text


def test_page_is_served_with_its_assets_and_no_outside_resources(client):
    page = client.get("/?q=herders")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<label for="q">' in html and 'role="search"' in html and 'name="viewport"' in html
    assert "http://" not in html and "https://" not in html  # no CDN: works offline
    for asset in ("/static/app.js", "/static/app.css"):
        assert asset in html and client.get(asset).status_code == 200
    script = client.get("/static/app.js").get_data(as_text=True)
    assert "innerHTML" not in script and "textContent" in script
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_every_response_carries_the_security_headers(client):
    for response in (client.get("/healthz"), client.get("/nope"), client.post("/webhook", json={"text": "x"})):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
