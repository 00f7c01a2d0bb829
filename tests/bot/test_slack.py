"""The Slack door end to end: signed requests to POST /slack/events on the Flask app, answered
through the real slack_sdk clients against a fake Slack Web API on 127.0.0.1."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import create_app
from bot.blocks import ACTION_MORE, ACTION_SHARE, encode_value
from bot.config import Secrets, Settings
from bot.holder import KnowledgeHolder
from bot.slack import BotIdentity, RecentKeys, build_slack_app, clean_text, continuation, start_slack, web_client
from knowledge import KnowledgeBase

from ..conftest import lesson_page
from .fake_slack import (BOT_ID, BOT_TOKEN, BOT_USER, SECRET, FakeSlack, action_body, command_body, event_body,
                         sign)

REPO = Path(__file__).resolve().parents[2]
HERDERS = "lessons on social insurance for herders"
HERDERS_URL = "https://webapps.ilo.org/ievaldiscovery/lessons/252474"


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
                 "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def bundled():
    return KnowledgeBase.from_paths([])


@pytest.fixture
def fake():
    server = FakeSlack()
    yield server
    server.close()


class Door:
    """The Flask app with Slack mounted, plus helpers to send signed requests and to wait."""

    def __init__(self, fake: FakeSlack | None, kb: KnowledgeBase, settings: Settings | None = None, *,
                 api_url: str | None = None, auth_retry_after: float = 30.0) -> None:
        settings = settings or Settings()
        secrets = Secrets(slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET,
                          slack_api_url=api_url or fake.api_url)
        self.executor = ThreadPoolExecutor(max_workers=4)
        self.holder = holder = KnowledgeHolder(kb)
        api = web_client(secrets)
        self.identity = BotIdentity(api, retry_after=auth_retry_after)
        self.bolt = build_slack_app(settings, holder, secrets=secrets, client=api, identity=self.identity,
                                    listener_executor=self.executor)
        self.flask = create_app(settings, holder, secrets=secrets, slack_app=self.bolt)
        self.client = self.flask.test_client()
        self.fake = fake

    def send(self, body: str, content_type: str = "application/x-www-form-urlencoded", **headers: str):
        return self.client.post("/slack/events", data=body,
                                headers={**sign(body, content_type=content_type), **headers})

    def event(self, event: dict, event_id: str = "Ev0001", **headers: str):
        response = self.send(event_body(event, event_id), "application/json", **headers)
        assert response.status_code == 200, response.data
        return response

    def drain(self) -> None:
        """Wait until every listener already started has finished (then nothing more can post)."""
        self.executor.shutdown(wait=True)


@pytest.fixture
def door(fake, bundled):
    made = Door(fake, bundled)
    yield made
    made.executor.shutdown(wait=True)


COUNTRIES = ["Mongolia"] * 3 + ["Peru", "Kenya", "Nepal", "Chile", "Ghana"]


@pytest.fixture
def paged(fake, make_lessons):
    """Eight lessons about herders' insurance (three in Mongolia): two pages of five."""
    root = make_lessons({str(i): lesson_page(str(i), f"Herders insurance study {i} - Final evaluation",
                                             locations=((country, "Somewhere"),),
                                             description=f"Herders need insurance, lesson {i}.")
                         for i, country in enumerate(COUNTRIES, 1)})
    made = Door(fake, KnowledgeBase.from_paths([root]))
    yield made
    made.executor.shutdown(wait=True)


def lesson_links(call) -> set[str]:
    return set(re.findall(r"<(https://[^|>]+/lessons/\d+)\|", call.text))


def dm(text: str, ts: str = "1700000100.000100", **extra) -> dict:
    return {"type": "message", "channel": "D0DM", "channel_type": "im", "user": "U0USER",
            "text": text, "ts": ts, "event_ts": ts, **extra}


def buttons(message: dict) -> dict[str, dict]:
    """The message's buttons by action_id."""
    return {e["action_id"]: e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]}


# -- the slash command ---------------------------------------------------------------------------

def test_slash_command_answers_privately_with_the_herders_lesson_linked(door, fake):
    response = door.send(command_body(HERDERS, fake.response_url()))
    assert response.status_code == 200
    (posted,) = fake.wait_for("/response/")
    message = posted.body
    assert message["response_type"] == "ephemeral"
    assert f"<{HERDERS_URL}|" in posted.text
    assert HERDERS in json.dumps(message["blocks"][0])  # the question is restated
    assert message["text"].strip()
    assert ACTION_SHARE in buttons(message)
    assert len(message["blocks"]) <= 50


@pytest.mark.parametrize("text", ["", "help", "  HELP "])
def test_slash_command_help_shows_examples_with_filters(door, fake, text):
    door.send(command_body(text, fake.response_url()))
    (posted,) = fake.wait_for("/response/")
    assert posted.body["response_type"] == "ephemeral"
    assert "country:Philippines" in posted.text and "region:" in posted.text and "/lessons" in posted.text


def test_configured_command_name_is_the_one_answered(fake, bundled):
    door = Door(fake, bundled, Settings(slack=type(Settings().slack)(command="/ask")))
    door.send(command_body("herders", fake.response_url(), command="/ask"))
    (posted,) = fake.wait_for("/response/")
    assert HERDERS_URL in posted.text
    door.drain()


def test_share_posts_the_answer_in_channel_and_removes_the_private_copy(door, fake):
    door.send(action_body(ACTION_SHARE, encode_value(HERDERS, 0), fake.response_url("share")))
    posts = fake.wait_for("/response/share", count=2)
    shared, removed = posts[0].body, posts[1].body
    assert shared["response_type"] == "in_channel"
    assert f"<{HERDERS_URL}|" in posts[0].text
    assert "<@U0USER> shared" in posts[0].text
    assert not buttons(shared)
    assert removed.get("delete_original") is True


def test_more_results_replaces_the_answer_with_the_next_page(paged, fake):
    paged.send(command_body("herders insurance", fake.response_url("first")))
    (first,) = fake.wait_for("/response/first")
    more = buttons(first.body)[ACTION_MORE]
    assert json.loads(more["value"]) == {"q": "herders insurance", "o": 5}
    paged.send(action_body(ACTION_MORE, more["value"], fake.response_url("second")))
    (second,) = fake.wait_for("/response/second")
    assert second.body["replace_original"] is True
    assert "*6. " in second.text and ACTION_SHARE in buttons(second.body)
    assert len(lesson_links(first)) == 5 and len(lesson_links(second)) == 3
    assert not lesson_links(first) & lesson_links(second)
    assert ACTION_MORE not in buttons(second.body)  # the last page


def test_narrowing_button_adds_the_country_filter(paged, fake):
    paged.send(command_body("herders insurance", fake.response_url("first")))
    (first,) = fake.wait_for("/response/first")
    button = buttons(first.body)["lessons_narrow_0"]
    assert button["text"]["text"] == "Mongolia (3)"
    assert json.loads(button["value"]) == {"q": 'herders insurance country:"Mongolia"', "o": 0}
    paged.send(action_body(button["action_id"], button["value"], fake.response_url("narrow")))
    (narrowed,) = fake.wait_for("/response/narrow")
    assert narrowed.body["replace_original"] is True
    assert "3 of 3 lessons · country: Mongolia" in narrowed.text
    assert len(lesson_links(narrowed)) == 3


def test_button_with_a_broken_value_gets_a_polite_error(door, fake):
    door.send(action_body(ACTION_MORE, "{not json", fake.response_url("bad")))
    (posted,) = fake.wait_for("/response/bad")
    assert "no longer works" in posted.text


def test_too_long_question_gets_the_reason_not_a_crash(door, fake):
    door.send(command_body("herders " * 200, fake.response_url()))
    (posted,) = fake.wait_for("/response/")
    assert "limit is 500" in posted.text


# -- direct messages and mentions ---------------------------------------------------------------

def test_dm_question_is_answered_by_chat_post_message(door, fake):
    door.event(dm(HERDERS))
    (posted,) = fake.wait_for("chat.postMessage")
    assert posted.body["channel"] == "D0DM"
    assert f"<{HERDERS_URL}|" in posted.text
    assert posted.headers.get("Authorization") == f"Bearer {BOT_TOKEN}"
    assert posted.body["metadata"]["event_type"] == "lessons_answer"


def test_dm_more_continues_the_last_answer_from_the_conversation(paged, fake):
    paged.event(dm("herders insurance", ts="1700000100.000100"), event_id="Ev1")
    fake.wait_for("chat.postMessage")
    paged.event(dm("more", ts="1700000200.000200"), event_id="Ev2")
    second = fake.wait_for("chat.postMessage", count=2)[1]
    assert "*6. " in second.text and "*1. " not in second.text
    assert fake.received("conversations.history")


def test_dm_more_with_nothing_to_continue_says_so(door, fake):
    door.event(dm("more"))
    (posted,) = fake.wait_for("chat.postMessage")
    assert "ask me a question first" in posted.text


def test_dm_help(door, fake):
    door.event(dm("help"))
    (posted,) = fake.wait_for("chat.postMessage")
    assert "country:" in posted.text


def test_mention_is_answered_in_a_thread_under_it(door, fake):
    door.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER",
                "text": f"<@{BOT_USER}> {HERDERS}", "ts": "1700000300.000300"})
    (posted,) = fake.wait_for("chat.postMessage")
    assert posted.body["channel"] == "C0CHAN"
    assert posted.body["thread_ts"] == "1700000300.000300"
    assert HERDERS_URL in posted.text


def test_mention_and_its_message_event_are_answered_once(door, fake):
    ts = "1700000400.000400"
    door.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER",
                "text": f"<@{BOT_USER}> herders", "ts": ts}, event_id="EvA")
    door.event({"type": "message", "channel": "C0CHAN", "channel_type": "channel", "user": "U0USER",
                "text": f"<@{BOT_USER}> herders", "ts": ts}, event_id="EvB")
    door.drain()
    assert len(fake.received("chat.postMessage")) == 1


@pytest.mark.parametrize("extra", [
    {"bot_id": "B0OTHER"},
    {"bot_id": BOT_ID, "user": BOT_USER},
    {"subtype": "message_changed"},
    {"subtype": "channel_join"},
    {"user": "USLACKBOT"},
])
def test_bot_and_subtype_messages_are_ignored(door, fake, extra):
    door.event(dm("herders", **extra))
    door.drain()
    assert fake.received("chat.postMessage") == []


def test_retried_event_is_answered_once(door, fake):
    door.event(dm(HERDERS), event_id="EvRetry")
    door.event(dm(HERDERS), event_id="EvRetry", **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    door.event(dm(HERDERS), event_id="EvRetry", **{"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"})
    door.drain()
    assert len(fake.received("chat.postMessage")) == 1


def test_timeout_retry_seen_first_by_this_process_is_dropped(door, fake):
    door.event(dm(HERDERS), event_id="EvElsewhere",
               **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    door.drain()
    assert fake.received("chat.postMessage") == []


def test_retry_after_a_failed_delivery_is_answered(door, fake):
    """A connection failure means the first copy never arrived: the retry is the only chance."""
    door.event(dm(HERDERS), event_id="EvLost", **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "connection_failed"})
    fake.wait_for("chat.postMessage")


def test_app_home_is_published(door, fake, bundled):
    door.event({"type": "app_home_opened", "user": "U0USER", "channel": "D0DM", "tab": "home",
                "event_ts": "1700000500.000500"})
    (published,) = fake.wait_for("views.publish")
    assert published.body["user_id"] == "U0USER"
    view = published.body["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    text = json.dumps(view)
    assert f"{len(bundled)} lessons" in text and "Asia and the Pacific" in text and "Top themes" in text


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


# -- wiring -------------------------------------------------------------------------------------

def test_without_tokens_there_is_no_slack_route(bundled):
    app = create_app(Settings(), bundled, secrets=Secrets())
    response = app.test_client().post("/slack/events", data="{}")
    assert response.status_code in (404, 405)
    assert "slack" not in app.extensions


def test_tokens_in_secrets_mount_slack_with_the_client_on_slack_api_url(fake, bundled):
    secrets = Secrets.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                                "SLACK_API_URL": fake.api_url.rstrip("/")})
    app = create_app(Settings(), bundled, secrets=secrets)
    body = event_body(dm(HERDERS))
    response = app.test_client().post("/slack/events", data=body, headers=sign(body, content_type="application/json"))
    assert response.status_code == 200
    (posted,) = fake.wait_for("chat.postMessage")
    assert HERDERS_URL in posted.text
    assert fake.received("auth.test")


def test_hostile_lesson_text_is_escaped_in_what_the_bot_posts(fake, make_lessons):
    root = make_lessons({"1": lesson_page("1", "<!channel> Herders & <b>co</b> - Final evaluation",
                                          description="Herders <!here> need insurance & care. " * 5000,
                                          locations=(("<@U999>", "Asia"),))})
    door = Door(fake, KnowledgeBase.from_paths([root]))
    door.send(command_body("<!channel> herders &amp; insurance", fake.response_url()))
    (posted,) = fake.wait_for("/response/")
    text = json.dumps(posted.body["blocks"]) + posted.body["text"]
    assert "<!channel>" not in text and "<!here>" not in text and "<@U999>" not in text
    assert "&lt;!channel&gt;" in text
    assert len(posted.body["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in posted.body["blocks"] if b["type"] == "section")
    door.drain()


def test_dm_more_after_the_last_page_says_that_was_everything(paged, fake):
    paged.event(dm("herders insurance country:Mongolia", ts="1700000100.000100"), event_id="Ev1")
    fake.wait_for("chat.postMessage")
    paged.event(dm("more", ts="1700000200.000200"), event_id="Ev2")
    second = fake.wait_for("chat.postMessage", count=2)[1]
    assert "That was everything" in second.text


def test_recent_keys_forget_after_the_ttl_and_stay_bounded():
    now = [0.0]
    recent = RecentKeys(max_size=3, ttl=10, clock=lambda: now[0])
    assert recent.claim("a") and not recent.claim("a")
    now[0] = 11
    assert recent.claim("a")
    for key in "bcde":
        recent.claim(key)
    assert len(recent._seen) <= 3


@pytest.mark.parametrize("text, expected", [
    (f"<@{BOT_USER}> herders &amp; insurance", "herders & insurance"),
    ("see <https://x.org|this> in <#C1|general> <!here> &lt;b&gt;", "see this in general <b>"),
    ("<@U2|ana> TVET", "TVET"),
])
def test_clean_text(text, expected):
    assert clean_text(text, BOT_USER) == expected


def test_start_slack_logs_off_on_and_survives_a_socket_mode_failure(fake, bundled, caplog):
    caplog.set_level(logging.INFO, logger="lessons.slack")
    off = create_app(Settings(), bundled, secrets=Secrets())
    assert start_slack(off, Settings(), Secrets()) is None
    assert "Slack is off (SLACK_BOT_TOKEN/SLACK_SIGNING_SECRET not set)" in caplog.text
    secrets = Secrets(slack_bot_token=BOT_TOKEN, slack_app_token="xapp-test", slack_api_url=fake.api_url)
    app = create_app(Settings(), bundled, secrets=secrets)  # no signing secret: Socket Mode only
    connection = start_slack(app, Settings(), secrets, retry_after=0.05)  # the fake refuses apps.connections.open
    try:
        assert "Socket Mode could not connect" in caplog.text
        fake.wait_for("apps.connections.open", count=3)  # and it keeps trying
        assert not connection.connected.is_set()
    finally:
        connection.close()
    assert caplog.text.count("Socket Mode could not connect") == 1


def test_manifest_matches_what_the_bot_listens_to():
    manifest = yaml.safe_load((REPO / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [Settings().slack.command]
    assert features["app_home"] == {"home_tab_enabled": True, "messages_tab_enabled": True,
                                    "messages_tab_read_only_enabled": False}
    events = settings["event_subscriptions"]["bot_events"]
    assert set(events) == {"app_mention", "message.im", "app_home_opened"}  # no message.channels
    assert {"commands", "chat:write", "app_mentions:read", "im:history"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert settings["interactivity"]["is_enabled"] is True
    for url in (settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"],
                features["slash_commands"][0]["url"]):
        assert url.endswith("/slack/events")


def test_more_in_a_mention_thread_continues_the_answer_there(paged, fake):
    paged.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER",
                 "text": f"<@{BOT_USER}> herders insurance", "ts": "1700000600.000600"}, event_id="EvM1")
    fake.wait_for("chat.postMessage")
    paged.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER", "text": f"<@{BOT_USER}> more",
                "ts": "1700000700.000700", "thread_ts": "1700000600.000600"}, event_id="EvM2")
    second = fake.wait_for("chat.postMessage", count=2)[1]
    assert second.body["thread_ts"] == "1700000600.000600"
    assert "*6. " in second.text
    assert fake.received("conversations.replies")


def test_continuation_prefers_the_button_then_metadata_of_the_bot_s_latest_answer():
    more = {"type": "actions", "elements": [{"action_id": ACTION_MORE, "value": encode_value("q", 10)}]}
    answered = {"bot_id": BOT_ID, "metadata": {"event_type": "lessons_answer",
                                               "event_payload": {"q": "q", "o": 5, "total": 20}}}
    done = {"bot_id": BOT_ID, "metadata": {"event_type": "lessons_answer",
                                           "event_payload": {"q": "q", "o": 5, "total": 5}}}
    person = {"user": "U0USER", "blocks": [more]}
    ours = {BOT_ID, BOT_USER}
    assert continuation([person, {"bot_id": BOT_ID, "blocks": [more]}, answered], ours) == ("q", 10)
    assert continuation([answered], ours) == ("q", 5)
    assert continuation([done, answered], ours) is False
    assert continuation([person, {"bot_id": "B0OTHER", "blocks": [more]}], ours) is None


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
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


def test_rate_limited_post_is_retried_after_slacks_retry_after(door, fake):
    fake.rate_limit_once.add("D0DM")
    door.event(dm(HERDERS))
    posts = fake.wait_for("chat.postMessage", count=2)
    assert HERDERS_URL in posts[1].text


def test_a_reload_is_seen_by_the_next_slack_request(door, fake, make_lessons):
    root = make_lessons({"77": lesson_page("77", "Camel herders cooperative - Final evaluation",
                                           description="Camel herders pooled their insurance.")})
    door.holder.swap(KnowledgeBase.from_paths([root]))
    door.send(command_body("camel herders", fake.response_url()))
    (posted,) = fake.wait_for("/response/")
    assert "lessons/77|" in posted.text and HERDERS_URL not in posted.text
