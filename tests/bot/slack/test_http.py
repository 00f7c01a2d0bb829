"""`POST /slack/events`: what is refused before bolt (forged, stale, unsigned: 401; signed but
unreadable: 400), and that no request body, signed or not, gets a 500."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ...fakes.slack import HERDERS, SECRET, command_body, sign

# -- requests that must be refused ------------------------------------------------------------

def test_forged_request_gets_401_and_its_body_is_not_logged(door, fake, caplog):
    body = command_body("<!channel> secret-body-marker", fake.response_url())
    response = door.client.post("/slack/events", data=body, headers={
        **sign(body, secret="wrong-secret")})
    assert response.status_code == 401
    assert "secret-body-marker" not in caplog.text
    door.drain()
    assert fake.calls == []


def test_unsigned_request_gets_401(door):
    response = door.client.post("/slack/events", data="command=/lessons&text=x",
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 401


def test_stale_request_gets_401(door, fake):
    body = command_body(HERDERS, fake.response_url())
    response = door.client.post("/slack/events", data=body,
                                headers=sign(body, timestamp=int(time.time()) - 301))
    assert response.status_code == 401


@pytest.mark.parametrize("timestamp, signature", [
    ("abc", "v0=00"), ("", "v0=00"), ("1e9", "v0=00"), ("١٢٣", "v0=00"), (None, "v0=é"), (None, ""),
])
def test_bad_timestamp_or_signature_gets_401_not_500(door, timestamp, signature):
    response = door.client.post("/slack/events", data="{}", headers={
        "Content-Type": "application/json", "X-Slack-Signature": signature,
        "X-Slack-Request-Timestamp": str(int(time.time())) if timestamp is None else timestamp})
    assert response.status_code == 401


@pytest.mark.parametrize("body, content_type", [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    ("[" * 5000 + "]" * 5000, "application/json"),
    ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    ("payload=%5B%5D", "application/x-www-form-urlencoded"),
    ('{"type": "event_callback", "event": null}', "application/json"),  # bolt's parser: 500
    ('{"event": {"user": false}}', "application/json"),
    ('{"type": "block_actions", "actions": "x"}', "application/json"),
])
def test_malformed_signed_body_gets_400(door, body, content_type):
    response = door.send(body, content_type)
    assert response.status_code == 400
    assert response.is_json


def test_unsigned_malformed_body_gets_401_not_500(door):
    response = door.client.post("/slack/events", data="{not json", content_type="application/json")
    assert response.status_code == 401


def test_url_verification_answers_the_challenge(door):
    response = door.send(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}),
                         "application/json")
    assert response.status_code == 200 and response.get_json() == {"challenge": "c-123"}


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                           max_leaves=12)
slack_like = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["event_callback", "block_actions", "url_verification", "x"]) | st.text(max_size=5),
    "event": json_values | st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["message", "app_mention", "app_home_opened"]), "channel_type": st.just("im"),
        "text": json_values, "user": json_values, "channel": json_values, "ts": json_values}),
    "event_id": json_values, "actions": json_values, "user": json_values, "command": json_values,
    "challenge": json_values, "container": json_values, "response_url": json_values})


@pytest.mark.parametrize("payload", [{"type": "block_actions", "actions": [{}]},
                                     {"type": "block_actions", "actions": [{"action_id": 5}]}])
def test_signed_click_without_an_action_id_gets_400(door, payload):
    body = json.dumps(payload)
    response = door.send(body, "application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "malformed_request"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=300), slack_like.map(lambda d: json.dumps(d).encode())),
       signed=st.booleans())
def test_no_request_body_gets_a_500(door, body, signed):
    headers = {"Content-Type": "application/json"}
    if signed:
        ts = str(int(time.time()))
        digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        headers.update({"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest})
    response = door.client.post("/slack/events", data=body, headers=headers)
    assert response.status_code < 500
    assert response.status_code == 401 or signed


