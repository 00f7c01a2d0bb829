"""Subscription posts after a reload, in-process against the fake Slack: the new lessons that match a
subscription honestly, one message per subscription, never twice (across processes too), a failed
post retried at the next reload, a channel the bot left paused."""
from __future__ import annotations

import json
import logging
import threading

import pytest

from bot.config import Secrets
from bot.live import KnowledgeHolder, Reloader
from bot.render.buttons import ACTION_ALERT_MORE, decode_alert_more
from bot.slack.alerts import SubscriptionAlerts
from bot.slack.client import web_client
from bot.state import Scope, StateStore, Subscriptions
from knowledge import KnowledgeBase

from ...conftest import lesson_page
from ...fakes.slack import BOT_TOKEN, FAST_RETRIES

TOPIC = "child labour cocoa"
CHANNEL, OTHER, GONE, PERSON = Scope("channel", "C1"), Scope("channel", "C2"), Scope("channel", "CGONE"), \
    Scope("user", "U1")
OLD = {"1": lesson_page("1", description="Roads were repaired in the dry season."),
       "2": lesson_page("2", description="Child labour in cocoa farms fell where schools opened.")}


def cocoa(lesson_id: str) -> str:
    return lesson_page(lesson_id, eval_number=f"8{lesson_id}",
                       description=f"Cocoa cooperatives {lesson_id} reported child labour to the labour office.")


@pytest.fixture
def client(fake):
    return web_client(Secrets(slack_bot_token=BOT_TOKEN, slack_api_url=fake.api_url), retry_interval=FAST_RETRIES)


@pytest.fixture
def kbs(make_lessons):
    """(old, new) knowledge bases: the new one adds pages to the old."""

    def build(new_pages: dict[str, str], old_pages: dict[str, str] = OLD):
        old = KnowledgeBase.from_paths([make_lessons(old_pages, "old")])
        new = KnowledgeBase.from_paths([make_lessons({**old_pages, **new_pages}, "new")])
        return old, new

    return build


def posts(fake, channel: str | None = None) -> list:
    return [c for c in fake.received("chat.postMessage") if channel is None or c.body.get("channel") == channel]


def reload(alerts: SubscriptionAlerts, old: KnowledgeBase, new: KnowledgeBase):
    future = alerts.on_reload(old, new)
    return future.result(timeout=30) if future is not None else None


def test_each_subscription_gets_one_post_with_the_new_lessons_that_match_it_and_never_again(
        fake, client, state, kbs):
    subs = Subscriptions(state)
    subs.add(CHANNEL, TOPIC)
    subs.add(PERSON, TOPIC)
    subs.add(OTHER, "green jobs in construction")
    old, new = kbs({"3": cocoa("3"), "4": lesson_page("4", description="Cocoa prices rose.")})
    alerts = SubscriptionAlerts(state, client, "/lessons")
    outcome = reload(alerts, old, new)
    assert (outcome.new, outcome.posted, outcome.paused, outcome.failed) == (2, 2, 0, 0)
    (to_channel,), (to_person,) = posts(fake, "C1"), posts(fake, "U1")  # a DM subscription posts to the person
    for post in (to_channel, to_person):
        assert "ievaldiscovery/lessons/3|" in post.text
        assert "lessons/4|" not in post.text and "lessons/2|" not in post.text  # only cocoa + child labour, only new
        assert "1 new lesson for “child labour cocoa”" in post.text and "unsubscribe 1" in post.text
    assert not posts(fake, "C2")
    assert reload(alerts, old, new).posted == 0  # the same lessons again (a second reload, or another worker)
    assert len(posts(fake)) == 2
    assert reload(alerts, new, new) is None  # nothing new: nothing to do


def test_of_two_processes_reloading_together_only_one_posts(fake, client, state, kbs, tmp_path):
    Subscriptions(state).add(CHANNEL, TOPIC)
    other_process = StateStore(state.path)  # another worker: its own connections to the same file
    old, new = kbs({"3": cocoa("3")})
    workers = [SubscriptionAlerts(state, client), SubscriptionAlerts(other_process, client)]
    start = threading.Barrier(2)
    outcomes = []

    def run(alerts):
        start.wait()
        outcomes.append(reload(alerts, old, new))

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(o.posted for o in outcomes) == [0, 1] and len(posts(fake, "C1")) == 1
    other_process.close()


def test_a_channel_the_bot_left_is_paused_logged_and_not_retried(fake, client, state, kbs, caplog):
    subs = Subscriptions(state)
    subs.add(GONE, TOPIC)
    subs.add(GONE, "cocoa cooperatives")
    subs.add(CHANNEL, TOPIC)
    fake.channel_errors["CGONE"] = "not_in_channel"
    caplog.set_level(logging.INFO, logger="lessons.subscriptions")
    old, new = kbs({"3": cocoa("3")})
    alerts = SubscriptionAlerts(state, client)
    outcome = reload(alerts, old, new)
    assert (outcome.posted, outcome.paused) == (1, 1) and len(posts(fake, "CGONE")) == 1  # tried once
    assert "paused 2 subscription(s) of channel CGONE: Slack says not_in_channel" in caplog.text
    assert [(s.paused, s.pause_reason) for s in subs.list(GONE)] == [(True, "not_in_channel")] * 2
    _, newer = kbs({"3": cocoa("3"), "5": cocoa("5")})
    assert reload(alerts, new, newer).posted == 1 and len(posts(fake, "CGONE")) == 1  # paused: not tried again


def test_a_failed_post_gives_its_lessons_back_for_the_next_reload(fake, client, state, kbs):
    Subscriptions(state).add(CHANNEL, TOPIC)
    fake.fail_next["chat.postMessage"] = [500, 500]  # the first try and its one retry
    old, new = kbs({"3": cocoa("3")})
    alerts = SubscriptionAlerts(state, client)
    assert reload(alerts, old, new).failed == 1
    assert reload(alerts, old, new).posted == 1  # the same lessons, offered again
    assert "lessons/3|" in posts(fake, "C1")[-1].text


def test_a_lesson_matching_only_part_of_the_question_is_not_posted(fake, client, state, kbs):
    Subscriptions(state).add(CHANNEL, TOPIC)
    partial = lesson_page("6", description="Cocoa cooperatives kept their accounts well.")  # no child labour
    old, new = kbs({"6": partial})
    assert reload(SubscriptionAlerts(state, client), old, new).posted == 0 and not posts(fake)


def test_more_than_five_new_lessons_show_five_and_an_n_more_button(fake, client, state, kbs):
    Subscriptions(state).add(CHANNEL, TOPIC)
    old, new = kbs({str(n): cocoa(str(n)) for n in range(10, 17)})
    assert reload(SubscriptionAlerts(state, client), old, new).posted == 1
    (post,) = posts(fake, "C1")
    shown = {n for n in range(10, 17) if f"ievaldiscovery/lessons/{n}|" in post.text}
    assert len(shown) == 5 and "7 new lessons" in post.text
    (more,) = [e for b in post.body["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ACTION_ALERT_MORE]
    assert more["text"]["text"] == "2 more"
    question, rest = decode_alert_more(more["value"])
    assert question == TOPIC and set(rest) == {str(n) for n in range(10, 17)} - {str(n) for n in shown}
    assert len(json.dumps(post.body["blocks"])) < 13000


def test_every_reload_of_the_reloader_tells_its_listeners_and_a_failing_one_is_only_logged(
        fake, client, state, make_lessons, caplog):
    root = make_lessons(OLD)
    holder = KnowledgeHolder(KnowledgeBase.from_paths([root]))
    reloader = Reloader(holder, [root])
    seen = []

    def broken(old, new):
        raise RuntimeError("a bug in a listener")

    Subscriptions(state).add(CHANNEL, TOPIC)
    alerts = SubscriptionAlerts(state, client)
    for listener in (broken, lambda old, new: seen.append(alerts.on_reload(old, new)), alerts.on_reload):
        reloader.add_listener(listener)
    (root / "3.txt").write_text(cocoa("3"))
    assert reloader.reload().ok and len(holder.kb) == 3  # SIGHUP, POST /admin/reload and --watch all call this
    assert seen[0].result(timeout=30).posted == 1  # the first listener's round posts; the second finds it sent
    alerts.close()
    assert len(posts(fake, "C1")) == 1
    assert "a reload listener failed" in caplog.text
