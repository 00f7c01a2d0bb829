"""The Slack door's features, end to end on the Flask app with a real state file: subscription
commands and App Home, Cite, Similar lessons, votes that move the ranking, the grouping button, and a
polite answer when the state file cannot be used (while searching goes on)."""
from __future__ import annotations

import json
import re

import pytest

from bot.render.blocks import ACTION_MORE, encode_value
from bot.render.buttons import (
    ACTION_CITE,
    ACTION_GROUP,
    ACTION_HELPFUL,
    ACTION_NOT_HELPFUL,
    ACTION_SIMILAR,
    ACTION_UNSUBSCRIBE,
    lesson_value,
    subscription_value,
    vote_value,
)
from bot.state import Feedback, Scope, StateStore, Subscriptions
from knowledge import KnowledgeBase
from knowledge.citation import cite

from ...conftest import lesson_page
from ...fakes.slack import HERDERS, Door, action_body, command_body, dm, event_body

CLOSE = "cocoa cooperatives farmers"


@pytest.fixture
def remembering(fake, bundled, state):
    """The Slack door over the bundled lessons, with a state file."""
    made = Door(fake, bundled, state=state)
    yield made
    made.executor.shutdown(wait=True)


def reply(door: Door, fake, body: str, name: str):
    door.send(body)
    return fake.wait_for(f"/response/{name}")[-1]


def slash(door: Door, fake, text: str, name: str, channel: str = "C0CHAN", user: str = "U0USER"):
    return reply(door, fake, command_body(text, fake.response_url(name), channel=channel, user=user), name)


def lesson_ids(call) -> list[str]:
    return re.findall(r"<https://[^|>]+/lessons/(\d+)\|", call.text)


# -- subscriptions -------------------------------------------------------------------------------

def test_subscribe_list_and_unsubscribe_in_a_channel_and_in_a_direct_message(remembering, fake, state):
    made = slash(remembering, fake, "subscribe child labour country:Ghana", "s1")
    assert made.body["response_type"] == "ephemeral"
    assert "Subscribed (number 1)" in made.text and "in this channel" in made.text and "/invite @lessons" in made.text
    slash(remembering, fake, "subscribe  TVET reform", "s2")
    listed = slash(remembering, fake, "subscriptions", "l1")
    assert "*1.* child labour country:Ghana" in listed.text and "*2.* TVET reform" in listed.text
    personal = slash(remembering, fake, "subscribe herders", "p1", channel="D0DM")  # a DM: the person's own
    assert "to you" in personal.text
    assert [s.question for s in Subscriptions(state).list(Scope("user", "U0USER"))] == ["herders"]
    gone = slash(remembering, fake, "unsubscribe 1", "u1")
    assert "Unsubscribed from “child labour country:Ghana”" in gone.text
    assert [s.question for s in Subscriptions(state).list(Scope("channel", "C0CHAN"))] == ["TVET reform"]
    assert "no subscription number 7" in slash(remembering, fake, "unsubscribe 7", "u2").text
    assert "Which one?" in slash(remembering, fake, "unsubscribe", "u3").text
    assert "subscribe child labour country:Ghana" in slash(remembering, fake, "subscribe", "h1").text  # help
    too_long = slash(remembering, fake, "subscribe " + "x" * 600, "t1")
    assert "Sorry, I could not search that" in too_long.text
    assert len(Subscriptions(state).list_all()) == 2


def test_a_typed_subscribe_in_a_direct_message_is_the_persons(remembering, fake, state):
    remembering.event(dm("subscribe social insurance"))
    (answer,) = fake.wait_for("chat.postMessage")
    assert answer.body["channel"] == "D0DM" and "Subscribed (number 1)" in answer.text
    assert [s.question for s in Subscriptions(state).list(Scope("user", "U0USER"))] == ["social insurance"]


def test_app_home_lists_the_persons_subscriptions_and_removes_only_their_own(remembering, fake, state):
    subs = Subscriptions(state)
    mine, theirs = subs.add(Scope("user", "U0USER"), "herders"), subs.add(Scope("user", "U0OTHER"), "cocoa")
    remembering.event({"type": "app_home_opened", "user": "U0USER", "tab": "home"}, "EvHome")
    (home,) = fake.wait_for("views.publish")
    view = json.dumps(home.body["view"])
    assert "Your subscriptions" in view and "herders" in view and "cocoa" not in view
    remove = next(b["accessory"] for b in home.body["view"]["blocks"] if b.get("accessory"))
    assert remove["action_id"] == ACTION_UNSUBSCRIBE and remove["value"] == subscription_value(mine.id)
    remembering.send(action_body(ACTION_UNSUBSCRIBE, subscription_value(theirs.id), fake.response_url("x")))
    fake.wait_for("views.publish", count=2)  # one click at a time: the last view published is the last click's
    remembering.send(action_body(ACTION_UNSUBSCRIBE, remove["value"], fake.response_url("y")))
    fake.wait_for("views.publish", count=3)
    assert subs.list(Scope("user", "U0USER")) == [] and [s.question for s in subs.list_all()] == ["cocoa"]
    assert "None yet" in json.dumps(fake.received("views.publish")[-1].body["view"])


# -- cite, similar, grouping ---------------------------------------------------------------------

def test_cite_answers_privately_with_the_reference_apa_and_bibtex(remembering, fake, bundled):
    first = slash(remembering, fake, HERDERS, "q")
    cite_button = next(e for b in first.body["blocks"] if b["type"] == "actions" for e in b["elements"]
                       if e["action_id"] == ACTION_CITE)
    lesson = bundled.get(json.loads(cite_button["value"])["l"])
    cited = reply(remembering, fake, action_body(ACTION_CITE, cite_button["value"], fake.response_url("c"),
                                                 ephemeral=False), "c")
    assert cited.body["response_type"] == "ephemeral" and cited.body["replace_original"] is False
    text = cited.text
    assert f"Lesson learned {lesson.id}" in text and "(n.d.)" in text and f"@misc{{lesson-{lesson.id}," in text
    today_line = cite(lesson, "text").split(" https://")[0]  # the accessed date is today's
    assert today_line.replace('"', '\\"') in text


def test_similar_lessons_lists_the_lessons_like_it(remembering, fake, bundled):
    similar = reply(remembering, fake, action_body(ACTION_SIMILAR, lesson_value("252474"), fake.response_url("s")),
                    "s")
    assert lesson_ids(similar) == [hit.lesson.id for hit in bundled.related("252474")]
    assert "Lessons like" in similar.text and similar.body["replace_original"] is False
    gone = reply(remembering, fake, action_body(ACTION_SIMILAR, lesson_value("nope"), fake.response_url("g")), "g")
    assert "no longer loaded" in gone.text


def test_the_grouping_button_turns_one_per_evaluation_on_and_off(fake, make_lessons):
    pages = {str(n): lesson_page(str(n), eval_number="11" if n < 4 else "12",
                                 description=f"Cocoa cooperatives lesson {n}.") for n in range(1, 6)}
    door = Door(fake, KnowledgeBase.from_paths([make_lessons(pages)]))
    first = slash(door, fake, "cocoa cooperatives", "a")
    toggle = next(e for b in first.body["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == ACTION_GROUP)
    assert toggle["text"]["text"] == "One per evaluation" and len(lesson_ids(first)) == 5
    grouped = reply(door, fake, action_body(ACTION_GROUP, toggle["value"], fake.response_url("b")), "b")
    assert grouped.body["replace_original"] is True and len(lesson_ids(grouped)) == 2
    assert "2 of 2 lessons" in grouped.text and "Show every lesson" in grouped.text
    door.executor.shutdown(wait=True)


# -- feedback --------------------------------------------------------------------------------------

def test_votes_from_two_people_move_a_lesson_within_its_bound_and_one_vote_changes_nothing(fake, make_lessons,
                                                                                           tmp_path):
    store = StateStore(tmp_path / "votes.sqlite3")
    kb = KnowledgeBase.from_paths([make_lessons({
        "1": lesson_page("1", description="Cocoa cooperatives trained farmers in the north."),
        "2": lesson_page("2", description="Cocoa cooperatives trained many farmers."),
        "3": lesson_page("3", description="Roads were repaired.")})])
    door = Door(fake, kb, state=store)
    before = lesson_ids(slash(door, fake, CLOSE, "before"))
    second = before[1]
    click = action_body(ACTION_HELPFUL, vote_value(CLOSE, second), fake.response_url("v1"), user="U0ANA")
    thanks = reply(door, fake, click, "v1")
    assert "noted that" in thanks.text and "*helpful*" in thanks.text and thanks.body["response_type"] == "ephemeral"
    assert lesson_ids(slash(door, fake, CLOSE, "one")) == before  # one voter alone moves nothing
    reply(door, fake, action_body(ACTION_HELPFUL, vote_value("Cocoa  cooperatives FARMERS", second),
                                  fake.response_url("v2"), user="U0BEN"), "v2")  # the same question, typed otherwise
    assert lesson_ids(slash(door, fake, CLOSE, "two")) == [second, before[0]]
    assert Feedback(store).tally(CLOSE)[second].distinct_voters == 2
    changed = reply(door, fake, action_body(ACTION_NOT_HELPFUL, vote_value(CLOSE, second), fake.response_url("v3"),
                                            user="U0BEN"), "v3")  # a vote can be changed
    assert "*not helpful*" in changed.text
    assert lesson_ids(slash(door, fake, CLOSE, "even")) == before  # +1 -1: no move
    door.executor.shutdown(wait=True)
    store.close()


# -- a state file that cannot be used ------------------------------------------------------------

def test_a_broken_state_file_gets_polite_answers_and_searching_goes_on(fake, bundled, tmp_path):
    (tmp_path / "state").write_text("a file where the folder should be")
    door = Door(fake, bundled, state=StateStore(tmp_path / "state" / "state.sqlite3"))
    sorry = slash(door, fake, "subscribe herders", "sub")
    assert "Sorry: The bot cannot open or write its memory" in sorry.text and "Searching works" in sorry.text
    vote = reply(door, fake, action_body(ACTION_HELPFUL, vote_value(HERDERS, "252474"), fake.response_url("v")), "v")
    assert "Sorry: The bot cannot open or write its memory" in vote.text
    answer = slash(door, fake, HERDERS, "search")
    assert "252474" in lesson_ids(answer)[:3]
    more = reply(door, fake, action_body(ACTION_MORE, encode_value(HERDERS, 5), fake.response_url("more")), "more")
    assert lesson_ids(more)
    door.event({"type": "app_home_opened", "user": "U0USER", "tab": "home"}, "EvHome2")
    assert "cannot open or write" in fake.wait_for("views.publish")[0].text
    door.executor.shutdown(wait=True)


def test_a_mention_in_a_channel_can_subscribe_the_channel(remembering, fake, state):
    event = {"type": "app_mention", "channel": "C0CHAN", "user": "U0USER", "text": "<@UBOT> subscribe cocoa",
             "ts": "1700000300.000300"}
    remembering.send(event_body(event, "EvMention"), "application/json")
    (answer,) = fake.wait_for("chat.postMessage")
    assert answer.body["thread_ts"] == "1700000300.000300" and "Subscribed" in answer.text
    assert [s.question for s in Subscriptions(state).list(Scope("channel", "C0CHAN"))] == ["cocoa"]
