"""Slack messages about lessons and subscriptions, and the values of their buttons: pure functions,
valid Block Kit within Slack's limits, lesson text never markup."""
from __future__ import annotations

import json
from datetime import date

import pytest
from slack_sdk.models.views import View

from bot.render import buttons
from bot.render.blocks import home_view
from bot.render.lesson_blocks import alert_message, citation_message, lessons_message, similar_message, vote_thanks
from bot.render.subscription_blocks import home_subscriptions, subscribed, subscriptions_list, unsubscribed
from bot.state import Scope, Subscription

from .test_blocks import assert_within_limits, hit, lesson, rendered

HOSTILE = "<!channel> <@U123> & <https://evil.example|click>"


def sub(number: int = 1, question: str = "child labour", paused: bool = False) -> Subscription:
    return Subscription(number * 10, number, Scope("channel", "C1"), question, 1_746_000_000.0,
                        1_746_000_100.0 if paused else None, "not_in_channel" if paused else "")


def assert_inert(message: dict) -> None:
    text = "\n".join(rendered(message))
    for live in ("<!channel>", "<@U123>", "<https://evil"):
        assert live not in text


def test_a_citation_gives_the_line_apa_and_bibtex_and_keeps_text_inert():
    message = citation_message(lesson(7, eval_title=HOSTILE), date(2025, 5, 2))
    assert_within_limits(message)
    assert_inert(message)
    text = json.dumps(message)
    assert "Lesson learned 7" in text and "(n.d.)" in text and "@misc{lesson-7," in text and "2 May 2025" in text
    assert "--format ris" in text


def test_similar_lessons_show_cards_with_cite_and_similar_but_no_votes():
    message = similar_message(lesson(1), [hit(2), hit(3, title=HOSTILE)])
    assert_within_limits(message)
    assert_inert(message)
    ids = {e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert ids == {buttons.ACTION_CITE, buttons.ACTION_SIMILAR}
    assert "No other lesson" in json.dumps(similar_message(lesson(1), []))


def test_an_alert_shows_five_lessons_with_votes_on_its_question_and_n_more():
    hits = [hit(n) for n in range(1, 9)]
    message = alert_message(HOSTILE, 3, hits, [], "/lessons")
    assert_within_limits(message)
    assert_inert(message)
    votes = [buttons.decode_vote(e["value"]) for b in message["blocks"] if b["type"] == "actions"
             for e in b["elements"] if e["action_id"] == buttons.ACTION_HELPFUL]
    assert votes == [(HOSTILE, str(n)) for n in range(1, 6)]
    more = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == buttons.ACTION_ALERT_MORE)
    assert more["text"]["text"] == "3 more" and buttons.decode_alert_more(more["value"]) == (HOSTILE, ["6", "7", "8"])
    assert "unsubscribe 3" in json.dumps(message)


def test_the_n_more_value_keeps_as_many_ids_as_fit():
    value = buttons.alert_more_value("q", [str(10**12 + n) for n in range(500)])
    question, ids = buttons.decode_alert_more(value)
    assert len(value) <= buttons.MAX_BUTTON_VALUE and 0 < len(ids) < 500


def test_plain_lesson_cards_and_vote_thanks():
    assert_within_limits(lessons_message("q", [lesson(1), lesson(2)]))
    assert "no longer loaded" in json.dumps(lessons_message("q", []))
    thanks = vote_thanks(-1, lesson(1, title=HOSTILE), HOSTILE)
    assert_within_limits(thanks)
    assert_inert(thanks)
    assert "*not helpful*" in thanks["text"]


@pytest.mark.parametrize("value", [None, "", "{", "[]", '{"l": 3}', '{"l": ""}', '{"q": "x"}', '{"s": true}',
                                   '{"s": -1}', '{"q": 1, "ids": []}', '{"q": "x", "ids": [1]}'])
def test_button_values_we_did_not_write_are_refused(value):
    assert buttons.decode_lesson(value) is None
    assert buttons.decode_vote(value) is None
    assert buttons.decode_subscription(value) is None
    assert buttons.decode_alert_more(value) is None


def test_a_vote_value_too_long_for_slack_leaves_the_vote_buttons_out():
    row = buttons.hit_actions("1", '"' * 1990)
    assert [e["action_id"] for e in row["elements"]] == [buttons.ACTION_CITE, buttons.ACTION_SIMILAR]
    assert buttons.hit_actions("1", None)["elements"][-1]["action_id"] == buttons.ACTION_SIMILAR


def test_subscription_replies_and_the_home_section(bundled):
    for message in (subscribed(sub(question=HOSTILE), 3, False), subscriptions_list([sub(), sub(2, paused=True)],
                    True), unsubscribed(sub(question=HOSTILE), "1"), unsubscribed(None, "9"), unsubscribed(None, "")):
        assert_within_limits(message)
        assert_inert(message)
    listed = json.dumps(subscriptions_list([sub(), sub(2, paused=True)], False))
    assert "*1.* child labour" in listed and "paused: not_in_channel" in listed
    section = home_subscriptions([sub(), sub(2, question=HOSTILE)])
    view = home_view(len(bundled), bundled.loaded_at, bundled.stats(), extra=section)
    View(**view).validate_json()
    assert_inert(view)
    removes = [b["accessory"] for b in view["blocks"] if b.get("accessory")]
    assert [buttons.decode_subscription(r["value"]) for r in removes] == [10, 20]
    assert "None yet" in json.dumps(home_subscriptions([]))
