"""The hostile-input plan (H1–H28 of the reliability test plan) as one fixed list: every request
door answers bad input with a 4xx or a friendly reply, never a 5xx or a traceback, and bad lesson
files are skipped and named without blocking the rest. Cases already covered in depth elsewhere
(tests/bot/test_web.py, test_slack.py, test_load.py) are repeated here only as one row each, so
this file reads as the checklist. H16 (unsupported content types, 415) and H18 (wrong methods,
405) are in tests/bot/test_web.py; a charset parameter on application/json is ignored rather than
refused, because JSON is UTF-8 by definition (RFC 8259)."""
from __future__ import annotations

import json
import logging
import os
import re
import socket

import pytest

from bot.config import Settings
from bot.web import create_app
from knowledge import KnowledgeBase, load_lessons

from ..conftest import lesson_page
from ..fakes.slack import Door, FakeSlack, command_body, dm

LIMIT = Settings().search.max_query_chars


@pytest.fixture(scope="module")
def client(bundled):
    return create_app(Settings(), bundled).test_client()


def post_json(client, raw: bytes | str, content_type: str = "application/json"):
    return client.post("/webhook", data=raw, content_type=content_type)


# (id, body, expected statuses, expected error code or None)
WEBHOOK_CASES = [
    ("H1 empty", json.dumps({"text": ""}), {400}, "empty_query"),
    ("H2 whitespace", json.dumps({"text": "   \t\n  "}), {400}, "empty_query"),
    ("H3 100 KB query", json.dumps({"text": "a" * 100_000}), {413}, None),
    ("H4 at the cap", json.dumps({"text": ("herders " + "social protection " * LIMIT)[:LIMIT]}), {200}, None),
    ("H4 over the cap", json.dumps({"text": "a" * (LIMIT + 1)}), {400}, "query_too_long"),
    ("H5 control chars", json.dumps({"text": "herders\x00\x01\x1b[31m\x7f"}), {200, 400}, None),
    ("H6 broadcast mentions", json.dumps({"text": "<!channel> <!here> <!everyone> <!subteam^S1> herders"}),
     {200}, None),
    ("H7 user, channel, link", json.dumps({"text": "<@U123> <#C1|gen> <https://evil|click> herders"}), {200}, None),
    ("H8 pre-escaped", json.dumps({"text": "&lt;b&gt; &amp;amp; herders"}), {200}, None),
    ("H9 regex-like", json.dumps({"text": "(a+)+$ [ \\\\ .* (?i) " + "a!" * 30}), {200}, None),
    ("H10 lone surrogate", '{"text": "herders \\ud800"}', {200, 400}, None),
    ("H10 bidi, zero-width, combining", json.dumps({"text": "herd\u200bers \u202e" + "\u0301" * 400}),
     {200, 400}, None),
    ("H11 emoji", json.dumps({"text": "🐑" * 10_000}), {400, 413}, None),
    ("H11 CJK", json.dumps({"text": "社会保险牧民" * 20}), {200}, None),
    ("H12 malformed", '{"text":', {400}, "invalid_json"),
    ("H13 list", "[1, 2]", {400}, "invalid_payload"),
    ("H13 string", '"str"', {400}, "invalid_payload"),
    ("H13 null", "null", {400}, "invalid_payload"),
    ("H13 number text", '{"text": 5}', {400}, "invalid_payload"),
    ("H13 list text", '{"text": ["a"]}', {400}, "invalid_payload"),
    ("H13 empty object", "{}", {400}, "invalid_payload"),
    ("H14 deep list", "[" * 5000 + "]" * 5000, {400}, "invalid_json"),
    ("H14 deep object", '{"a":' * 5000 + "1" + "}" * 5000, {400}, "invalid_json"),
    ("H15 duplicate keys", '{"text": "x", "text": "herders"}', {200}, None),
    ("H15 unknown keys", '{"text": "herders", "colour": "blue"}', {200}, None),
    ("H15 NaN limit", '{"text": "herders", "limit": NaN}', {400}, None),
    ("H17 invalid UTF-8", b'{"text": "\xff\xfe"}', {400}, None),
    ("H19 over the body limit", json.dumps({"text": "x" * (64 * 1024)}), {413}, None),
]


@pytest.mark.parametrize("case, body, statuses, code", WEBHOOK_CASES, ids=[c[0] for c in WEBHOOK_CASES])
def test_webhook_hostile_bodies_get_a_json_4xx_or_an_answer(client, case, body, statuses, code):
    response = post_json(client, body)
    assert response.status_code in statuses, response.data[:300]
    payload = response.get_json()
    assert isinstance(payload, dict)
    if code:
        assert payload["error"] == code
    if response.status_code == 200:  # Markdown: a backslash-escaped "<" shows as text, links nothing
        for live in ("<!channel>", "<!here>", "<!everyone>", "<!subteam", "<@U123>", "<#C1", "<https://evil"):
            assert not re.search(r"(?<!\\)" + re.escape(live), payload["text"]), live
    else:
        assert "Traceback" not in payload["detail"] and "/work/" not in payload["detail"]


def test_h8_pre_escaped_input_is_not_escaped_twice(client):
    text = post_json(client, json.dumps({"text": "&amp; herders"})).get_json()["text"]
    assert "&amp;amp;" not in text


# -- lesson files (H20–H27): skipped and named, never blocking the rest -----------------------------

def skipped_reasons(report) -> dict[str, str]:
    return {os.path.basename(s.path): s.reason for s in report.skipped}


def test_h20_h22_h23_bad_and_odd_files_are_skipped_or_read(make_lessons):
    root = make_lessons({"good": lesson_page("1")})
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b"  \n\t\n")
    (root / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64))
    (root / "utf16.txt").write_bytes(lesson_page("2").encode("utf-16"))
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbf" + lesson_page("3").encode())
    (root / "crlf.txt").write_bytes(lesson_page("4").replace("\n", "\r\n").encode())
    (root / "longline.txt").write_text(lesson_page("5", description="x" * 10_000))
    lessons, report = load_lessons([root])
    assert sorted(lesson.id for lesson in lessons) == ["1", "2", "3", "4", "5"]
    assert skipped_reasons(report) == {"empty.txt": "empty file", "blank.txt": "empty file",
                                       "png.txt": "binary file, not text (contains NUL bytes)"}
    assert any("UTF-16" in w.message for w in report.warnings)


def test_h21_a_50_mb_file_is_skipped_unread(make_lessons):
    root = make_lessons({"good": lesson_page("1")})
    with open(root / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    lessons, report = load_lessons([root])
    assert [lesson.id for lesson in lessons] == ["1"]
    assert skipped_reasons(report) == {"huge.txt": "file is larger than the 1,048,576-byte limit"}


def test_h23_many_small_files_load(make_lessons):
    root = make_lessons({str(i): lesson_page(str(i)) for i in range(1500)})
    lessons, report = load_lessons([root])
    assert len(lessons) == 1500 and report.ok


def test_h25_pipes_sockets_folders_and_links_are_skipped_without_blocking(make_lessons, tmp_path):
    root = make_lessons({"good": lesson_page("1")})
    os.mkfifo(root / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.txt"))
    (root / "dir.txt").mkdir()
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text(lesson_page("99"))
    (root / "escape.txt").symlink_to(outside)
    (root / "inside.txt").symlink_to(root / "good.txt")
    try:
        lessons, report = load_lessons([root])
    finally:
        sock.close()
    reasons = skipped_reasons(report)
    assert [lesson.id for lesson in lessons] == ["1"]  # inside.txt is the same lesson: a duplicate, not a second hit
    assert reasons["pipe.txt"] == "not a regular file" and reasons["sock.txt"] == "not a regular file"
    assert reasons["escape.txt"] == "link points outside the lesson folder"
    assert reasons["dangling.txt"].startswith("cannot open") and reasons["loop.txt"].startswith("cannot open")
    assert "dir.txt" not in reasons
    assert [d.dropped.rsplit("/", 1)[-1] for d in report.duplicates] == ["inside.txt"]


def test_h26_editor_debris_and_hidden_files_are_ignored(make_lessons):
    root = make_lessons({"good": lesson_page("1")})
    for name in (".x.swp", "x.txt~", ".#x.txt", ".hidden.txt", "#x.txt#"):
        (root / name).write_text(lesson_page("2"))
    lessons, report = load_lessons([root])
    assert [lesson.id for lesson in lessons] == ["1"] and report.files == 1


def test_h27_duplicate_ids_are_reported(make_lessons):
    root = make_lessons({"a": lesson_page("7"), "b": lesson_page("7")})
    lessons, report = load_lessons([root])
    assert len(lessons) == 1 and len(report.duplicates) == 1


def test_h24_lesson_text_with_markup_is_disarmed_in_the_webhook_text(make_lessons):
    root = make_lessons({"1": lesson_page("1", "<!channel> *bold* ```code``` & co - Final evaluation",
                                         description="Herders <!here> & <@U1> insurance.")})
    client = create_app(Settings(), KnowledgeBase.from_paths([root])).test_client()
    text = post_json(client, json.dumps({"text": "herders insurance"})).get_json()["text"]
    assert "<!channel>" not in text and "<!here>" not in text and "<@U1>" not in text


# -- Slack (H28 and the query rows through /lessons) ------------------------------------------------

@pytest.fixture
def door(bundled):
    fake = FakeSlack()
    made = Door(fake, bundled)
    yield made
    made.executor.shutdown(wait=True)
    fake.close()


H28_EVENTS = [
    {"type": "message", "channel": "D0DM", "channel_type": "im", "user": "U0USER", "ts": "1.1"},
    dm(None), dm("herders", subtype="message_changed"), dm("herders", bot_id="B999"),
    {**dm(""), "files": [{"id": "F1"}]},
]


@pytest.mark.parametrize("event", H28_EVENTS, ids=["no text", "text null", "edited", "bot", "files only"])
def test_h28_slack_events_without_a_question_are_acked_and_not_answered(door, event):
    response = door.event(event, event_id=f"Ev{abs(hash(json.dumps(event)))}")
    assert response.status_code == 200
    door.drain()
    assert [c for c in door.fake.calls if c.path.startswith("/chat.")] == []


SLACK_QUERIES = ["", "   ", "a" * (LIMIT + 1), "herders\x00\x1b[31m", "<!channel> <!here> herders",
                 "<@U123> <#C1|gen> <https://evil|click>", "&lt;b&gt; &amp;amp;", "(a+)+$ [ .* (?i)",
                 "herd\u200bers \u202e", "🐑" * 300]


@pytest.mark.parametrize("query", SLACK_QUERIES, ids=[f"q{i}" for i in range(len(SLACK_QUERIES))])
def test_slack_hostile_questions_get_a_reply_and_nothing_goes_live(door, query, caplog):
    with caplog.at_level(logging.DEBUG):
        response = door.send(command_body(query, door.fake.response_url()))
        assert response.status_code == 200
        (posted,) = door.fake.wait_for("/response/")
    text = posted.text
    assert posted.body["text"].strip()
    for live in ("<!channel>", "<!here>", "<@U123>", "<#C1", "<https://evil"):
        assert live not in text
    assert not any(r.exc_info for r in caplog.records)
