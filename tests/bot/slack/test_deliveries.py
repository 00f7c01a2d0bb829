"""Deliveries of `POST /slack/events` beyond a plain question: replays, what the bot does not act
on, payloads of shapes Slack never sends, and the person's messages that carry a subtype."""
from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from bot.render.blocks import ACTION_MORE, encode_value

from ...fakes.slack import HERDERS, HERDERS_URL, TEAM, action_body, command_body, dm, sign


def test_a_replayed_slash_command_or_click_is_answered_once(door, fake):
    body = command_body(HERDERS, fake.response_url("command"))
    headers = sign(body, timestamp=int(time.time()))  # the very request, signature and all, twice
    for _ in range(2):
        assert door.client.post("/slack/events", data=body, headers=headers).status_code == 200
    click = action_body(ACTION_MORE, encode_value(HERDERS, 5), fake.response_url("click"))
    headers = sign(click, timestamp=int(time.time()))
    for _ in range(2):
        assert door.client.post("/slack/events", data=click, headers=headers).status_code == 200
    door.drain()
    assert len(fake.received("/response/command")) == 1 and len(fake.received("/response/click")) == 1


def test_the_same_question_signed_again_is_a_new_request(door, fake):
    body = command_body(HERDERS, fake.response_url("again"))
    now = int(time.time())  # once: read per post, a second turning between them made both timestamps equal
    for offset in (0, 1):  # Slack signs each delivery with its own timestamp
        door.client.post("/slack/events", data=body, headers=sign(body, timestamp=now - offset))
    door.drain()
    assert len(fake.received("/response/again")) == 2


UNHANDLED = {
    "app_rate_limited": ({"token": "legacy", "type": "app_rate_limited", "team_id": TEAM,
                          "minute_rate_limited": 1700000000, "api_app_id": "A0APP"}, "application/json"),
    "unknown action id": ({"payload": {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0USER"},
                                       "actions": [{"action_id": "not_ours", "value": "x"}],
                                       "response_url": "http://127.0.0.1:9/x"}}, "form"),
    "view_submission": ({"payload": {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0USER"},
                                     "view": {"id": "V1", "type": "modal", "callback_id": "a_modal",
                                              "state": {"values": {}}}}}, "form"),
}


def encoded(shape: dict, kind: str) -> tuple[str, str]:
    if kind == "form":
        return urlencode({"payload": json.dumps(shape["payload"])}), "application/x-www-form-urlencoded"
    return json.dumps(shape), kind


@pytest.mark.parametrize("name", UNHANDLED)
def test_a_delivery_the_bot_does_not_act_on_is_acknowledged_with_one_info_line(door, caplog, name):
    caplog.set_level(logging.INFO, logger="lessons.slack")
    response = door.send(*encoded(*UNHANDLED[name]))
    assert response.status_code == 200  # a 404 is a failed delivery to Slack, a failed click to the user
    lines = [r for r in caplog.records if r.name == "lessons.slack" and "does not act on" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


MALFORMED = [
    ({"payload": {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": 5, "value": "x"}]}},
     "form"),
    ({"payload": {"type": "view_submission", "view": {"callback_id": {"a": 1}}}}, "form"),
    ({"payload": {"type": "dialog_submission", "callback_id": {"x": 1}}}, "form"),
]


@pytest.mark.parametrize("shape, kind", MALFORMED)
def test_a_signed_payload_of_a_shape_slack_never_sends_is_400_with_one_line_and_no_traceback(door, caplog, shape,
                                                                                             kind):
    caplog.set_level(logging.INFO)
    response = door.send(*encoded(shape, kind))
    assert response.status_code == 400 and response.get_json()["error"] == "malformed_request"
    lines = [r for r in caplog.records if r.name == "lessons.slack" and "rejected" in r.getMessage()]
    assert len(lines) == 1 and not lines[0].exc_info


def test_a_message_whose_text_is_not_text_is_left_alone(door, fake, caplog):
    door.event(dm(["child", "labour"]))
    door.drain()
    assert fake.received("chat.postMessage") == [] and not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("extra", [
    {"subtype": "file_share", "files": [{"id": "F1", "name": "notes.txt"}]},
    {"subtype": "thread_broadcast", "thread_ts": "1700000000.000100", "root": {"ts": "1700000000.000100"}},
])
def test_a_question_with_a_file_or_sent_to_the_thread_and_the_channel_is_answered(door, fake, extra):
    door.event(dm(HERDERS, **extra))
    (posted,) = fake.wait_for("chat.postMessage")
    assert HERDERS_URL in posted.text
    assert posted.body.get("thread_ts") == extra.get("thread_ts")


def test_a_timestamp_python_will_not_convert_gets_401_not_500(door, caplog):
    response = door.client.post("/slack/events", data="{}", headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": "1" * 4301, "X-Slack-Signature": "v0=00"})
    assert response.status_code == 401
    assert "Traceback" not in caplog.text
