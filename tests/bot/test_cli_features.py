"""`lessons cite`, `similar`, `search --group`, `subscriptions` and `feedback` through main([...])."""
from __future__ import annotations

import json

import pytest
import yaml

from bot.features.access import today
from bot.state import Feedback, Scope, StateStore, Subscriptions
from knowledge.citation import FORMATS, cite

from ..conftest import lesson_page
from .conftest import run_cli as run


@pytest.fixture(autouse=True)
def no_ambient_config(monkeypatch, tmp_path):
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def state_file(tmp_path):
    """The state file a config in tmp_path names, and that config's path."""
    config = tmp_path / "c.yaml"
    config.write_text("state:\n  path: var/state.sqlite3\n")
    return tmp_path / "var" / "state.sqlite3", str(config)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cite_prints_the_reference_in_each_format(fmt, bundled):
    code, out, err = run("cite", "252474", "--format", fmt)
    assert code == 0, err
    assert out == cite(bundled.get("252474"), fmt, today()) + "\n"


def test_cite_defaults_to_the_reference_line_and_names_an_unknown_id():
    code, out, _ = run("cite", "252474")
    assert code == 0 and out.startswith("Lesson learned 252474, from the evaluation")
    code, _, err = run("cite", "999999999")
    assert code == 2 and "no lesson has the id '999999999'" in err
    assert run("cite", "252474", "--format", "mla")[0] == 2


def test_similar_in_text_and_json_lists_the_related_lessons(bundled):
    expected = [h.lesson.id for h in bundled.related("252474", limit=3)]
    code, out, err = run("similar", "252474", "--limit", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["id"] == "252474" and [r["id"] for r in data["results"]] == expected
    code, text, _ = run("similar", "252474", "--limit", "3")
    assert code == 0 and text.startswith("Lessons like 252474:")
    assert [line.rsplit("(lesson ", 1)[1].rstrip(")") for line in text.splitlines() if "(lesson " in line] == expected
    assert run("similar", "252474", "--limit", "0")[0] == 2


def test_search_group_shows_one_lesson_per_evaluation(make_lessons):
    root = make_lessons({str(n): lesson_page(str(n), eval_number="11" if n < 4 else "12",
                                             description=f"Cocoa cooperatives lesson {n}.") for n in range(1, 6)})
    plain = json.loads(run("search", "cocoa cooperatives", "--lessons", str(root), "--json")[1])
    grouped = json.loads(run("search", "cocoa cooperatives", "--lessons", str(root), "--json", "--group")[1])
    assert (plain["total"], plain["group_by_evaluation"]) == (5, False)
    assert (grouped["total"], grouped["group_by_evaluation"]) == (2, True)
    text = run("search", "cocoa cooperatives", "--lessons", str(root), "--group")[1]
    assert "2 of 2 lessons" in text and "Folded into this one: lesson" in text


def test_search_uses_the_votes_in_the_state_file_and_says_so(make_lessons, state_file):
    path, config = state_file
    root = make_lessons({"1": lesson_page("1", description="Cocoa cooperatives trained farmers in the north."),
                         "2": lesson_page("2", description="Cocoa cooperatives trained many farmers.")})
    args = ("search", "cocoa cooperatives farmers", "--lessons", str(root), "--json", "--config", config)
    before = [r["id"] for r in json.loads(run(*args)[1])["results"]]
    assert not path.exists()  # searching never creates the state file
    store = StateStore(path)
    for voter in ("a", "b"):
        Feedback(store).vote("cocoa cooperatives farmers", before[1], voter, +1)
    store.close()
    after = json.loads(run(*args)[1])["results"]
    assert [r["id"] for r in after] == [before[1], before[0]]
    assert after[0]["feedback"]["rank_without_feedback"] == 2
    text = run(*[a for a in args if a != "--json"])[1]
    assert "Moved by people's votes: 2 helpful, 0 not helpful (score ×1.2; #2 without them)" in text


def test_subscriptions_lists_every_scope_for_the_operator(state_file):
    path, config = state_file
    code, out, _ = run("subscriptions", "--config", config)
    assert code == 0 and "No subscriptions" in out and not path.exists()
    store = StateStore(path)
    subs = Subscriptions(store)
    subs.add(Scope("channel", "C1"), "child labour")
    subs.add(Scope("user", "U1"), "herders")
    subs.pause_scope(Scope("user", "U1"), "channel_not_found")
    store.close()
    code, out, _ = run("subscriptions", "--config", config)
    assert code == 0 and "2 subscriptions" in out
    assert "channel C1" in out and "child labour" in out and "paused: channel_not_found" in out
    listed = json.loads(run("subscriptions", "--config", config, "--json")[1])
    assert [(s["scope"], s["number"], s["question"], s["paused"]) for s in listed] == [
        ({"kind": "channel", "id": "C1"}, 1, "child labour", False), ({"kind": "user", "id": "U1"}, 1, "herders", True)]


def test_feedback_shows_the_votes_and_exports_a_judged_query_file(state_file, tmp_path):
    path, config = state_file
    assert "No feedback votes" in run("feedback", "--config", config)[1]
    store = StateStore(path)
    for voter in ("a", "b", "c"):
        Feedback(store).vote("social insurance herders", "252474", voter, +1)
    Feedback(store).vote("social insurance herders", "900101", "a", -1)
    store.close()
    table = run("feedback", "--config", config)[1]
    assert "252474" in table and "900101" in table
    assert json.loads(run("feedback", "--config", config, "--json")[1])["252474"]["helpful"] == 3
    target = tmp_path / "judged.yaml"
    code, out, _ = run("feedback", "--config", config, "--export", str(target))
    assert code == 0 and "wrote 1 judged question" in out
    assert yaml.safe_load(target.read_text())[0]["relevant"] == {252474: 2}
    code, _, err = run("feedback", "--config", config, "--export", str(tmp_path / "missing" / "x.yaml"))
    assert code == 1 and "cannot write" in err


def test_errors_of_the_new_commands_are_one_json_line_with_json(state_file, tmp_path):
    code, out, err = run("similar", "nope", "--json")
    assert code == 2 and out == "" and json.loads(err) == {"error": "not_found", "detail": json.loads(err)["detail"]}
    path, config = state_file
    path.parent.mkdir()
    path.write_bytes(b"not a database " * 100)
    code, out, err = run("subscriptions", "--config", config, "--json")
    assert code == 1 and out == "" and json.loads(err)["error"] == "state_unavailable"
    assert "damaged" in json.loads(err)["detail"]
    code, _, err = run("feedback", "--config", config)
    assert code == 1 and err.startswith("lessons: error: The bot's memory is damaged")
