"""Reading a Slack conversation: a message's text as a question, where a typed "more" continues,
and the bounded memory of what was already answered."""
from __future__ import annotations

import pytest

from bot.render.blocks import ACTION_MORE, encode_value
from bot.slack.conversation import RecentKeys, clean_text, continuation

from ...fakes.slack import BOT_ID, BOT_USER


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
    assert clean_text(text) == expected


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
