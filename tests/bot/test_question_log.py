"""Every door logs the questions it answers, and none can log who asked or where.

The web door (webhook and /api/search) and the Slack door (slash command, DM, mention) hand each
answer to one `QuestionRecorder`; button clicks (paging, narrowing, sharing) are not new questions,
and the command line logs nothing. The whole state file is searched for the asker's traces.
"""
from __future__ import annotations

import io
import json
import signal
import sqlite3

from bot.cli import main
from bot.config import Settings
from bot.recording import QuestionRecorder
from bot.records import Records
from bot.render.blocks import ACTION_MORE, ACTION_SHARE, encode_value
from bot.state import QuestionLog, StateStore
from bot.web import create_app

from ..fakes.slack import BOT_TOKEN, BOT_USER, HERDERS, SECRET, TEAM, Door, action_body, command_body, dm
from .test_serve import post, start_server


def logged(state: StateStore, recorder: QuestionRecorder) -> list[tuple[str, str]]:
    """(door, question as typed) of every logged question, oldest first."""
    assert recorder.flush()
    with state.read() as connection:
        return connection.execute("SELECT door, typed FROM questions ORDER BY id").fetchall()


def test_the_web_door_logs_webhook_and_api_questions(bundled, state, recorder):
    client = create_app(Settings(), bundled, records=Records(state, recorder)).test_client()
    assert client.post("/webhook", json={"text": "child labour"}).status_code == 200
    assert client.get("/api/search?q=herders").status_code == 200
    assert client.get("/api/search?q=herders&offset=5").status_code == 200  # a later page
    assert client.post("/webhook", json={"text": "   "}).status_code == 400  # refused: not answered
    assert logged(state, recorder) == [("webhook", "child labour"), ("api", "herders")]


def test_the_web_door_answers_when_the_store_is_broken(bundled, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    broken = StateStore(tmp_path / "file" / "state.sqlite3")
    recorder = QuestionRecorder(QuestionLog(broken), 90)
    client = create_app(Settings(), bundled, records=Records(broken, recorder)).test_client()
    response = client.post("/webhook", json={"text": HERDERS})
    assert response.status_code == 200 and response.get_json()["total"] > 0
    assert recorder.flush() and recorder.dropped == 1


def test_the_slack_door_logs_slash_dm_and_mention_but_not_clicks(fake, bundled, state, recorder):
    door = Door(fake, bundled, questions=recorder)
    door.send(command_body("child labour", fake.response_url("slash")))
    fake.wait_for("/response/slash")
    door.event(dm("herders"), event_id="Ev1")
    door.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER", "text": f"<@{BOT_USER}> TVET reform",
                "ts": "1700000300.000300"}, event_id="Ev2")
    fake.wait_for("chat.postMessage", count=2)
    door.send(action_body(ACTION_MORE, encode_value("child labour", 5), fake.response_url("more")))
    door.send(action_body(ACTION_SHARE, encode_value("child labour", 0), fake.response_url("share")))
    fake.wait_for("/response/more")
    fake.wait_for("/response/share", count=2)
    door.event(dm("help", ts="1700000500.000500"), event_id="Ev3")
    fake.wait_for("chat.postMessage", count=3)
    door.drain()
    assert sorted(logged(state, recorder)) == [("slack-dm", "herders"), ("slack-mention", "TVET reform"),
                                               ("slack-slash", "child labour")]


def test_nothing_in_the_state_file_tells_who_asked_or_where(fake, bundled, state, recorder, tmp_path):
    door = Door(fake, bundled, questions=recorder)
    door.send(command_body("child labour email ana@ilo.org", fake.response_url("x"), user="U0SECRETUSER",
                           channel="C0SECRETCHAN"))
    door.event({"type": "app_mention", "channel": "C0SECRETCHAN", "user": "U0SECRETUSER",
                "text": f"<@{BOT_USER}> herders <@U0OTHER> <#C0SECRETCHAN|secret-room>", "ts": "1700000300.000300"})
    fake.wait_for("/response/x")
    fake.wait_for("chat.postMessage")
    door.drain()
    assert len(logged(state, recorder)) == 2
    state.close()
    with sqlite3.connect(tmp_path / "state.sqlite3") as connection:
        everything = "\n".join(connection.iterdump())
    assert "herders" in everything and "child labour" in everything
    for trace in ("U0SECRETUSER", "U0OTHER", "C0SECRETCHAN", "secret-room", TEAM, "ana@ilo.org", BOT_TOKEN, SECRET,
                  "/response/"):
        assert trace not in everything, trace


def test_the_command_line_logs_nothing(tmp_path, monkeypatch):
    """`lessons search` is the operator trying things out: logging it would count the operator as users."""
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["search", HERDERS, "--json"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert not (tmp_path / Settings().state.path).exists()


def test_lessons_serve_writes_the_question_log_and_report_reads_it(tmp_path, monkeypatch):
    """End to end: `lessons serve` answers and logs (and writes what is queued when it stops);
    `lessons report --json`, run in the same folder, reads it."""
    started: list[str] = []
    process, base = start_server(tmp_path, seen=started)
    try:
        assert post(base + "webhook", {"text": "quantum blockchain"})[0] == 200
        assert post(base + "webhook", {"text": HERDERS})[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)
    assert any("logging questions to data/state.sqlite3, kept 90 days" in line for line in started)
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["report", "--json"], stdout=out, stderr=err) == 0, err.getvalue()
    report = json.loads(out.getvalue())
    assert report["questions"] == 2 and report["per_door"] == {"webhook": 2}
    assert [gap["question"] for gap in report["gaps"]] == ["quantum blockchain"]

