"""The operator's report: what was asked per day and door, about which themes and countries, what found
nothing, and the gaps; built from the question log, printed by `lessons report` as text or JSON."""
from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from bot.recording import entry_of
from bot.report import build_report
from bot.state import Feedback, QuestionLog, StateStore
from bot.state.questions import DAY

from ..state.conftest import Clock

NOW = 1_746_000_000.0  # 2025-04-30 08:00 UTC


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def store(tmp_path, clock):
    opened = StateStore(tmp_path / "data" / "state.sqlite3", clock=clock)
    yield opened
    opened.close()


def ask(log: QuestionLog, kb, question: str, *, door: str = "webhook", days_ago: float = 0) -> None:
    """Log `question` as the recorder would, asked `days_ago` days before NOW."""
    log.record(**entry_of(door, kb.ask(question), 5.0, NOW - days_ago * DAY)._asdict())


@pytest.fixture
def seeded(store, bundled):
    log = QuestionLog(store)
    for days_ago in (0, 0, 1):
        ask(log, bundled, "lessons on social insurance for herders", days_ago=days_ago)
    ask(log, bundled, "socail insurance for herders", door="slack-dm")  # the same question, a typo
    ask(log, bundled, "child labour country:Philippines", door="api", days_ago=2)
    ask(log, bundled, "quantum blockchain", door="slack-mention")
    ask(log, bundled, "Quantum Blockchain?", door="api", days_ago=1)
    ask(log, bundled, "herders tvet", door="api")  # lessons found, none with both
    ask(log, bundled, "TVET reform in Bangladesh", days_ago=40)  # outside a 30-day report
    return log


def test_questions_per_day_and_per_door(seeded, bundled, clock):
    report = build_report(seeded, bundled, since_days=7, clock=clock)
    assert report.questions == 8 and (report.start_day, report.end_day) == ("2025-04-24", "2025-04-30")
    assert len(report.per_day) == 7 and report.per_day[0] == ("2025-04-24", 0)  # quiet days are there too
    assert report.per_day[-3:] == [("2025-04-28", 1), ("2025-04-29", 2), ("2025-04-30", 5)]
    assert report.per_door == {"webhook": 3, "api": 3, "slack-dm": 1, "slack-mention": 1}
    assert build_report(seeded, bundled, since_days=60, clock=clock).questions == 9


def test_top_questions_count_every_way_of_typing_one(seeded, bundled, clock):
    report = build_report(seeded, bundled, clock=clock)
    assert report.top_questions[:2] == [("social insurance herders", 4), ("quantum blockchain", 2)]


def test_themes_and_countries_asked_about_beside_the_lessons_available(seeded, bundled, clock):
    report = build_report(seeded, bundled, clock=clock)
    stats = bundled.stats()
    themes = {d.name: (d.asked, d.available) for d in report.themes}
    assert themes["Child labour"] == (1, stats["theme"]["Child labour"])  # named by the filter's question
    best = bundled.get(bundled.ask("lessons on social insurance for herders").hits[0].lesson.id)
    assert all(themes[name][0] >= 4 for name in best.theme_values)  # the best lesson's themes, once a question
    assert [(d.name, d.asked, d.available) for d in report.countries] == [
        ("Philippines", 1, stats["country"]["Philippines"])]


def test_nothing_found_weak_answers_and_gaps(seeded, bundled, clock):
    report = build_report(seeded, bundled, clock=clock)
    assert (report.nothing_found, report.weak) == (2, 1)
    assert report.to_dict()["nothing_found"] == {"questions": 2, "share": 0.25}
    first, second = report.gaps
    assert (first.question, first.asked, first.nothing, first.weak) == ("quantum blockchain", 2, 2, 0)
    assert set(first.typed) == {"quantum blockchain", "Quantum Blockchain?"}
    assert (second.question, second.asked, second.nothing, second.weak) == ("herders tvet", 1, 0, 1)
    assert first.last_asked == "2025-04-30 08:00 UTC"


def test_gaps_say_which_places_and_themes_they_named(store, bundled, clock):
    log = QuestionLog(store)
    ask(log, bundled, "quantum herding in Mongolia")
    (gap,) = build_report(log, bundled, clock=clock).gaps
    assert "country: Mongolia" in gap.named


def test_feedback_votes_show_with_the_lesson_titles(seeded, store, bundled, clock):
    votes = Feedback(store)
    votes.vote("herders", "252474", "U1", 1)
    votes.vote("herders", "252474", "U2", -1)
    votes.vote("herders", "252474", "U3", 1)
    (row,) = build_report(seeded, bundled, clock=clock, feedback=votes).feedback
    assert (row.lesson_id, row.helpful, row.not_helpful) == ("252474", 2, 1)
    assert row.title == bundled.get("252474").display_title


def test_an_empty_log_is_a_report_of_zeros(bundled, clock):
    report = build_report(None, bundled, since_days=3, clock=clock)
    assert report.questions == 0 and report.per_day == [("2025-04-28", 0), ("2025-04-29", 0), ("2025-04-30", 0)]
    assert report.to_dict()["nothing_found"]["share"] is None and report.gaps == []


# -- lessons report --------------------------------------------------------------------------------

@pytest.fixture
def in_folder(tmp_path, monkeypatch):
    """The commands run in tmp_path with no config: the state file is ./data/state.sqlite3."""
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def recent(store, bundled, *questions: str) -> None:
    """Log questions asked just now (a report's days end today)."""
    log = QuestionLog(StateStore(store.path))
    for question in questions:
        log.record(**{**entry_of("webhook", bundled.ask(question), 3.0, 0)._asdict(), "at": None})
    log.store.close()


def test_lessons_report_prints_the_report(in_folder, store, bundled):
    recent(store, bundled, "herders", "herders", "quantum blockchain")
    code, out, err = run("report", "--since", "7")
    assert code == 0, err
    assert out.startswith("Questions from ") and "(7 days): 3\n" in out
    assert "By door: webhook 3" in out
    assert "Nothing found: 1 (33.3%)" in out
    assert "\n      2  herders\n" in out  # a top question
    gaps = out.split("Gaps:")[1]
    assert "1  quantum blockchain  (nothing found 1;" in gaps


def test_lessons_report_json_is_the_admin_report(in_folder, store, bundled):
    recent(store, bundled, "quantum blockchain")
    code, out, _ = run("report", "--json", "--top", "1")
    data = json.loads(out)
    assert code == 0 and data["since_days"] == 30 and len(data["per_day"]) == 30
    assert data["questions"] == 1 and data["gaps"][0]["question"] == "quantum blockchain"
    assert data["nothing_found"] == {"questions": 1, "share": 1.0}


def test_lessons_report_without_a_log_says_so_and_creates_nothing(in_folder):
    code, out, _ = run("report")
    assert code == 0 and "note: no question log at data/state.sqlite3 yet" in out
    assert not (in_folder / "data").exists()


def test_lessons_report_reads_the_configured_file(in_folder, store, bundled):
    recent(store, bundled, "herders")
    elsewhere = in_folder / "cfg"
    elsewhere.mkdir()
    (elsewhere / "config.yaml").write_text(f"state:\n  path: {store.path}\nquestions:\n  enabled: false\n")
    code, out, _ = run("--config", str(elsewhere / "config.yaml"), "report")
    assert code == 0 and "(30 days): 1\n" in out and "note: questions.enabled is false" in out


def test_lessons_report_on_a_damaged_file_is_a_one_line_error(in_folder):
    (in_folder / "data").mkdir()
    (in_folder / "data" / "state.sqlite3").write_bytes(b"this is not a database" * 100)
    code, out, err = run("report", "--json")
    assert code == 1 and out == ""
    error = json.loads(err)
    assert error["error"] == "state_unavailable" and "damaged" in error["detail"]
