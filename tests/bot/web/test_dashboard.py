"""The admin page behind ADMIN_TOKEN: the sign-in, the session cookie, the report as HTML and JSON."""
from __future__ import annotations

import re

import pytest

from bot.config import QuestionsSettings, Secrets, Settings
from bot.records import Records
from bot.state import Feedback, QuestionLog, StateStore
from bot.web import create_app
from bot.web.session import COOKIE, SESSION_SECONDS, session_valid, session_value

TOKEN = "a-long-admin-token-for-tests"


@pytest.fixture
def app(bundled, state, recorder):
    made = create_app(Settings(), bundled, secrets=Secrets(admin_token=TOKEN), records=Records(state, recorder))
    client = made.test_client()
    for question in ("lessons on social insurance for herders", "quantum blockchain", "quantum blockchain"):
        assert client.post("/webhook", json={"text": question}).status_code == 200
    assert recorder.flush()
    return made


def sign_in(client, token: str = TOKEN):
    return client.post("/admin/login", data={"token": token})


def session_cookie(client):
    return client.get_cookie(COOKIE, path="/admin")


def test_the_page_asks_for_the_token_and_shows_nothing_before(app):
    client = app.test_client()
    page = client.get("/admin")
    assert page.status_code == 200 and 'action="/admin/login"' in page.text and 'type="password"' in page.text
    assert "quantum" not in page.text and "<svg" not in page.text
    assert page.headers["Cache-Control"] == "no-store"
    report = client.get("/admin/report")
    assert report.status_code == 401 and report.get_json()["error"] == "missing_token"


def test_a_wrong_token_is_refused_and_sets_no_cookie(app):
    client = app.test_client()
    response = sign_in(client, "guess")
    assert response.status_code == 401 and "not the admin token" in response.text
    assert session_cookie(client) is None
    assert "quantum" not in client.get("/admin").text


def test_the_right_token_gives_an_http_only_strict_cookie_and_the_report(app):
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/admin" in header
    assert f"Max-Age={SESSION_SECONDS}" in header and "Secure" not in header  # plain HTTP here
    assert TOKEN not in header  # the cookie proves the token; it does not carry it
    page = client.get("/admin")
    assert page.status_code == 200
    assert re.search(r'id="questions">3<', page.text)
    assert "quantum blockchain" in page.text.split('id="gaps"')[1]  # a gap
    assert page.text.count("<svg") == 2 and 'class="bar-asked"' in page.text
    assert client.get("/admin/report").get_json()["questions"] == 3


def test_behind_an_https_proxy_the_cookie_is_secure(app):
    response = app.test_client().post("/admin/login", data={"token": TOKEN},
                                      headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]


def test_signing_out_forgets_the_session(app):
    client = app.test_client()
    sign_in(client)
    assert client.post("/admin/logout").status_code == 303
    assert session_cookie(client) is None
    assert "quantum" not in client.get("/admin").text


def test_forged_expired_and_other_token_cookies_are_refused(app):
    now = 1_800_000_000
    assert session_valid(TOKEN, session_value(TOKEN, now), now)
    assert not session_valid(TOKEN, session_value(TOKEN, now), now + SESSION_SECONDS + 1)  # expired
    assert not session_valid(TOKEN, session_value("another-token", now), now)
    expires, _, signature = session_value(TOKEN, now).partition(".")
    assert not session_valid(TOKEN, f"{int(expires) + 3600}.{signature}", now)  # a longer life, forged
    for junk in ("", ".", "x.y", "9" * 40 + ".0"):
        assert not session_valid(TOKEN, junk, now)
    client = app.test_client()
    client.set_cookie(COOKIE, f"{int(expires) + 3600}.{signature}", path="/admin")
    assert "quantum" not in client.get("/admin").text


def test_scripts_use_the_bearer_token(app):
    client = app.test_client()
    wrong = client.get("/admin/report", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "wrong_token"
    report = client.get("/admin/report?since=7", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert report["since_days"] == 7 and report["nothing_found"]["questions"] == 2
    bad = client.get("/admin/report?since=0", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_query"


def test_without_admin_token_the_page_is_off(bundled, state):
    client = create_app(Settings(), bundled, records=Records(state)).test_client()
    page = client.get("/admin")
    assert page.status_code == 403 and "ADMIN_TOKEN" in page.text and 'type="password"' not in page.text
    assert client.post("/admin/login", data={"token": ""}).status_code == 403
    assert client.get("/admin/report").get_json()["error"] == "admin_disabled"


def test_feedback_votes_show_when_there_are_some(app, state):
    client = app.test_client()
    sign_in(client)
    assert 'id="feedback"' not in client.get("/admin").text
    Feedback(state).vote("herders", "252474", "U1", -1)
    table = client.get("/admin").text.split('id="feedback"')[1]
    assert "Extending Social Protection to Herders" in table and "252474" in table


def test_a_broken_store_shows_why_and_the_json_says_503(bundled, tmp_path):
    (tmp_path / "file").write_text("x")
    broken = StateStore(tmp_path / "file" / "state.sqlite3")
    client = create_app(Settings(), bundled, secrets=Secrets(admin_token=TOKEN), records=Records(broken)).test_client()
    sign_in(client)
    page = client.get("/admin")
    assert page.status_code == 200 and "the question log cannot be read" in page.text
    assert client.get("/admin/report").status_code == 503


def test_the_page_says_when_the_log_is_off(bundled, state):
    settings = Settings(questions=QuestionsSettings(enabled=False))
    client = create_app(settings, bundled, secrets=Secrets(admin_token=TOKEN), records=Records(state)).test_client()
    sign_in(client)
    assert "questions.enabled is false" in client.get("/admin").text


def test_hostile_questions_are_shown_as_text(app, state):
    QuestionLog(state).record(door="api", typed="<script>alert(1)</script>", understood="<img src=x onerror=y>",
                              filters={}, total=0, top_ids=[], nothing_found=True, latency_ms=1)
    client = app.test_client()
    sign_in(client)
    page = client.get("/admin").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=y&gt;" in page
