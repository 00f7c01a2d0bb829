"""POST /admin/reload: only with the admin token, at most once a second, and honest about failure."""
from __future__ import annotations

import shutil

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from bot.live import KnowledgeHolder, Reloader
from bot.web.admin import register_admin
from bot.web.http import json_error
from knowledge import KnowledgeBase

from ...conftest import lesson_page

TOKEN = "admin-token-for-tests"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def setup(make_lessons, clock):
    root = make_lessons({"1": lesson_page("1")})
    holder = KnowledgeHolder(KnowledgeBase.from_paths([root]))
    app = Flask("test")
    app.register_error_handler(HTTPException, json_error)
    register_admin(app, Reloader(holder, [root]), TOKEN, clock=clock)
    return root, holder, app.test_client()


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x",
                                    f"Bearer {TOKEN[:-1]}"])
def test_reload_without_the_right_token_is_401(setup, header):
    _, _, client = setup
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/admin/reload", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] in ("missing_token", "wrong_token")


def test_token_in_the_query_string_is_not_accepted(setup):
    _, _, client = setup
    assert client.post(f"/admin/reload?token={TOKEN}").status_code == 401


def test_reload_with_the_token_picks_up_new_lessons(setup):
    root, holder, client = setup
    (root / "2.txt").write_text(lesson_page("2"))
    response = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.get_json()["lessons"] == 2 and len(holder.kb) == 2


def test_failed_reload_is_503_and_keeps_serving(setup):
    root, holder, client = setup
    shutil.rmtree(root)
    response = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 503
    assert response.get_json()["ok"] is False and len(holder.kb) == 1


def test_second_reload_within_a_second_is_429_and_allowed_after(setup, clock):
    _, _, client = setup
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/admin/reload", headers=auth).status_code == 200
    clock.now += 0.5
    response = client.post("/admin/reload", headers=auth)
    assert response.status_code == 429 and response.get_json()["error"] == "too_many_reloads"
    clock.now += 0.6
    assert client.post("/admin/reload", headers=auth).status_code == 200


def test_without_an_admin_token_reload_over_http_is_off(make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    app = Flask("test")
    app.register_error_handler(HTTPException, json_error)
    register_admin(app, Reloader(KnowledgeHolder(KnowledgeBase.from_paths([root])), [root]), "")
    response = app.test_client().post("/admin/reload", headers={"Authorization": "Bearer "})
    assert response.status_code == 403 and response.get_json()["error"] == "admin_disabled"
