"""The web door's features through Flask's test client: citations on every hit and lesson, similar
lessons, the lesson view, grouping, feedback votes (token rule, bounded and explained ranking) and a
state file that cannot be used."""
from __future__ import annotations

import re

import pytest

from bot.config import FeedbackSettings, Secrets, Settings
from bot.features.access import today
from bot.records import Records
from bot.state import Feedback, StateStore
from bot.web import create_app
from knowledge import FIELD_LABELS, KnowledgeBase
from knowledge.citation import FORMATS, cite

from ...conftest import lesson_page

HERDERS = "lessons on social insurance for herders"
CLOSE = "cocoa cooperatives farmers"


@pytest.fixture
def client(bundled, state):
    return create_app(Settings(), bundled, records=Records(state)).test_client()


@pytest.fixture
def close_pair(make_lessons) -> KnowledgeBase:
    return KnowledgeBase.from_paths([make_lessons({
        "1": lesson_page("1", description="Cocoa cooperatives trained farmers in the north."),
        "2": lesson_page("2", description="Cocoa cooperatives trained many farmers."),
        "3": lesson_page("3", description="Roads were repaired.")})])


def vote(client, lesson_id: str, voter: str, value: str = "helpful", question: str = CLOSE, **headers):
    return client.post("/api/feedback", json={"question": question, "lesson_id": lesson_id, "vote": value,
                                              "voter": voter}, headers=headers)


def ids(client, query: str = CLOSE, **params) -> list[str]:
    return [r["id"] for r in client.get("/api/search", query_string={"q": query, **params}).get_json()["results"]]


# -- citations ---------------------------------------------------------------------------------------

def test_every_hit_carries_its_citation_and_every_lesson_all_four(client, bundled):
    answer = client.get("/api/search", query_string={"q": HERDERS}).get_json()
    for result in answer["results"]:
        assert result["citation"] == cite(bundled.get(result["id"]), "text", today())
    lesson = client.get("/api/lessons/252474").get_json()
    assert lesson["citations"] == {fmt: cite(bundled.get("252474"), fmt, today()) for fmt in FORMATS}
    webhook = client.post("/webhook", json={"text": HERDERS}).get_json()
    assert [r["citation"] for r in webhook["results"]] == [r["citation"] for r in answer["results"]]


# -- similar lessons and the lesson view ------------------------------------------------------------

def test_similar_lessons_over_the_api(client, bundled):
    similar = client.get("/api/lessons/252474/similar?limit=3").get_json()
    assert similar["id"] == "252474" and [r["id"] for r in similar["results"]] == [
        h.lesson.id for h in bundled.related("252474", limit=3)]
    assert similar["results"][0]["score"] == 1.0 and similar["results"][0]["citation"]
    assert client.get("/api/lessons/nope/similar").status_code == 404
    assert client.get("/api/lessons/252474/similar?limit=0").get_json()["error"] == "invalid_query"


def test_the_lesson_view_shows_every_field_both_links_the_citations_and_similar_lessons(client, bundled):
    response = client.get("/lessons/252474")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    lesson = bundled.get("252474")
    for label, text in lesson.prose().items():
        assert f"<h2>{FIELD_LABELS[label].capitalize()}</h2>" in page
        assert text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")[:200] in page
    assert f'href="{lesson.url}"' in page and f'href="{lesson.eval_url}"' in page
    assert "@misc{lesson-252474," in page and "TY  - ELEC" in page and "(n.d.)" in page
    for hit in bundled.related("252474"):
        assert f'href="/lessons/{hit.lesson.id}"' in page
    assert 'src="/static/lesson.js"' in page and "<script>" not in page  # the CSP forbids inline scripts


def test_the_lesson_view_of_a_hostile_lesson_is_text_and_an_unknown_one_a_404_page(make_lessons, state):
    hostile = '<img src=x onerror="alert(1)">Herders'
    page = lesson_page("7", title=hostile, description="<script>alert(2)</script> insurance.")
    page = page.replace("https://webapps.ilo.org/ievaldiscovery/eval/99999", "javascript:alert(3)")
    kb = KnowledgeBase.from_paths([make_lessons({"7": page})])
    client = create_app(Settings(), kb, records=Records(state)).test_client()
    html = client.get("/lessons/7").get_data(as_text=True)
    assert "<img" not in html and "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and "eval-link" not in html
    missing = client.get("/lessons/%3Cb%3E")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "No lesson has the id “&lt;b&gt;”" in missing.get_data(as_text=True)


# -- grouping -----------------------------------------------------------------------------------------

def test_grouping_by_evaluation_is_a_choice_per_request(fake_free_kb_of_evaluations):
    client = create_app(Settings(), fake_free_kb_of_evaluations).test_client()
    plain = client.get("/api/search?q=cocoa+cooperatives").get_json()
    grouped = client.get("/api/search?q=cocoa+cooperatives&group=1").get_json()
    assert plain["group_by_evaluation"] is False and plain["total"] == 5
    assert grouped["group_by_evaluation"] is True and grouped["total"] == 2
    assert sorted(len(r["grouped"]) for r in grouped["results"]) == [1, 2]
    webhook = client.post("/webhook", json={"text": "cocoa cooperatives", "group": True}).get_json()
    assert webhook["total"] == 2
    assert client.get("/api/search?q=cocoa&group=perhaps").get_json()["error"] == "invalid_payload"


@pytest.fixture
def fake_free_kb_of_evaluations(make_lessons) -> KnowledgeBase:
    pages = {str(n): lesson_page(str(n), eval_number="11" if n < 4 else "12",
                                 description=f"Cocoa cooperatives lesson {n}.") for n in range(1, 6)}
    return KnowledgeBase.from_paths([make_lessons(pages)])


# -- facets as filters -----------------------------------------------------------------------------

def test_each_facet_carries_the_question_narrowed_to_it(client):
    answer = client.get("/api/search", query_string={"q": "child labour"}).get_json()
    country = answer["facets"]["country"][0]
    narrowed = client.get("/api/search", query_string={"q": country["query"]}).get_json()
    assert narrowed["total"] == country["count"]
    assert [f["name"] for f in narrowed["filters"]] == ["country"] and narrowed["total"] < answer["total"]


# -- feedback -----------------------------------------------------------------------------------------

def test_votes_are_stored_hashed_and_two_voters_move_a_hit_with_the_reason_in_the_json(close_pair, state):
    client = create_app(Settings(), close_pair, records=Records(state)).test_client()
    before = ids(client)
    second = before[1]
    recorded = vote(client, second, "voter-one").get_json()
    assert recorded == {"ok": True, "question": CLOSE, "lesson_id": second, "vote": "helpful"}
    assert ids(client) == before  # one voter alone moves nothing
    vote(client, second, "voter-two", question="Cocoa cooperatives for farmers")  # the same question, understood
    answer = client.get("/api/search", query_string={"q": CLOSE}).get_json()
    assert [r["id"] for r in answer["results"]][:2] == [second, before[0]]
    moved = answer["results"][0]
    assert moved["feedback"] == {"helpful": 2, "not_helpful": 0, "voters": 2, "factor": 1.2,
                                 "rank_without_feedback": 2}
    assert "feedback" not in answer["results"][1]
    with state.read() as connection:
        voters = [row[0] for row in connection.execute("SELECT voter FROM votes")]
    assert len(voters) == 2 and not any("voter-" in v for v in voters)


def test_feedback_ranking_can_be_switched_off_and_votes_are_still_kept(close_pair, state):
    settings = Settings(feedback=FeedbackSettings(ranking=False))
    client = create_app(settings, close_pair, records=Records(state)).test_client()
    before = ids(client)
    for voter in ("a", "b", "c"):
        assert vote(client, before[1], voter).status_code == 200
    assert ids(client) == before
    assert Feedback(state).tally(CLOSE)[before[1]].helpful == 3


def test_feedback_follows_the_webhook_token_rule_and_refuses_bad_votes(bundled, state):
    client = create_app(Settings(), bundled, secrets=Secrets(webhook_token="t0k"), records=Records(state)).test_client()
    assert vote(client, "252474", "v", question=HERDERS).get_json()["error"] == "missing_token"
    assert vote(client, "252474", "v", question=HERDERS, Authorization="Bearer nope").status_code == 401
    ok = vote(client, "252474", "v", question=HERDERS, Authorization="Bearer t0k")
    assert ok.status_code == 200 and ok.get_json()["question"] == "social insurance herders"
    bad = vote(client, "252474", "v", value="meh", Authorization="Bearer t0k")
    assert bad.status_code == 400 and "helpful" in bad.get_json()["detail"]
    assert vote(client, "nope", "v", Authorization="Bearer t0k").status_code == 404
    assert vote(client, "252474", "v" * 300, Authorization="Bearer t0k").status_code == 400
    assert client.post("/api/feedback", json={"lesson_id": "252474"},
                       headers={"Authorization": "Bearer t0k"}).get_json()["error"] == "invalid_payload"


def test_a_broken_state_file_is_a_503_and_degraded_health_while_searching_goes_on(bundled, tmp_path, caplog):
    (tmp_path / "state.sqlite3").write_bytes(b"this is not a database, but it is not empty either" * 100)
    store = StateStore(tmp_path / "state.sqlite3")
    client = create_app(Settings(), bundled, records=Records(store)).test_client()
    refused = vote(client, "252474", "v", question=HERDERS)
    assert refused.status_code == 503
    assert refused.get_json() == {"error": "state_unavailable", "detail": "The bot's memory is damaged, so this is "
                                  "unavailable; the operator has been told."}
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and not health["state"]["ok"]
    assert re.search(r"not a database", health["state"]["message"])
    assert "252474" in ids(client, HERDERS)[:3]  # searching never stops
    assert "file is not a database" in caplog.text  # the store logged it
    assert (tmp_path / "state.sqlite3").read_bytes().startswith(b"this is not a database")  # nothing destroyed


def test_a_locked_state_file_answers_busy_politely_and_health_says_so(bundled, tmp_path):
    import sqlite3

    store = StateStore(tmp_path / "state.sqlite3", timeout=0.1)
    client = create_app(Settings(), bundled, records=Records(store)).test_client()
    assert client.get("/healthz").get_json()["state"]["ok"]
    holder = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        refused = vote(client, "252474", "v", question=HERDERS)
        assert refused.status_code == 503 and "busy" in refused.get_json()["detail"]
        health = client.get("/healthz").get_json()
        assert health["status"] == "degraded" and "locked" in health["state"]["message"]
        assert "252474" in ids(client, HERDERS)[:3]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert vote(client, "252474", "v", question=HERDERS).status_code == 200  # works again once released
    store.close()
