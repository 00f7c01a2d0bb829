"""The Slack door end to end: signed requests to POST /slack/events on the Flask app, answered
through the real slack_sdk clients against a fake Slack Web API on 127.0.0.1."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.render.blocks import ACTION_MORE, ACTION_SHARE, encode_value
from knowledge import KnowledgeBase

from ...conftest import lesson_page
from ...fakes.slack import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER,
    HERDERS,
    HERDERS_URL,
    Door,
    action_body,
    command_body,
    dm,
)

REPO = Path(__file__).resolve().parents[3]


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
    assert "Shared by ana" in posts[0].text and "<@" not in posts[0].text  # named, never notified
    assert not buttons(shared)
    assert removed.get("delete_original") is True


def test_more_results_replaces_the_answer_with_the_next_page(paged, fake):
    paged.send(command_body("herders insurance", fake.response_url("first")))
    (first,) = fake.wait_for("/response/first")
    more = buttons(first.body)[ACTION_MORE]
    assert json.loads(more["value"]) == {"q": "herders insurance", "o": 5, "g": 0}  # g: grouping kept
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
    assert json.loads(button["value"]) == {"q": 'herders insurance country:"Mongolia"', "o": 0, "g": 0}
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
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "connection_failed"}
    door.event(dm(HERDERS), event_id="EvLost", **retry)
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


def test_manifest_matches_what_the_bot_listens_to():
    manifest = yaml.safe_load((REPO / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [Settings().slack.command]
    assert features["app_home"] == {"home_tab_enabled": True, "messages_tab_enabled": True,
                                    "messages_tab_read_only_enabled": False}
    events = settings["event_subscriptions"]["bot_events"]
    assert set(events) == {"app_mention", "message.im", "app_home_opened"}  # no message.channels
    # Exactly what the bot uses: no channels:history (it never reads a channel, see below), no im:read.
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {"commands", "chat:write", "app_mentions:read",
                                                             "im:history"}
    assert settings["interactivity"]["is_enabled"] is True
    for url in (settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"],
                features["slash_commands"][0]["url"]):
        assert url.endswith("/slack/events")


def test_more_in_a_mention_thread_points_to_the_button_without_reading_the_channel(paged, fake):
    # Reading a channel's thread needs channels:history, which the manifest does not ask for.
    paged.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER",
                 "text": f"<@{BOT_USER}> herders insurance", "ts": "1700000600.000600"}, event_id="EvM1")
    (first,) = fake.wait_for("chat.postMessage")
    assert "lessons_more" in buttons(first.body)  # the way to page on
    paged.event({"type": "app_mention", "channel": "C0CHAN", "user": "U0USER", "text": f"<@{BOT_USER}> more",
                "ts": "1700000700.000700", "thread_ts": "1700000600.000600"}, event_id="EvM2")
    second = fake.wait_for("chat.postMessage", count=2)[1]
    assert second.body["thread_ts"] == "1700000600.000600"
    assert "*More results*" in second.text
    paged.drain()
    assert not [c for c in fake.calls if c.path.startswith("/api/conversations.")]


def test_rate_limited_post_is_retried_after_slacks_retry_after(door, fake):
    fake.retry_after = 0  # how long the retry waits is test_faults.py's; here, that it comes
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
