"""Subscriptions as people see them (numbered per channel or person) and deliveries that never repeat."""
from __future__ import annotations

import pytest

from bot.state import Scope, StateStore, Subscriptions

CHANNEL, OTHER, PERSON = Scope("channel", "C1"), Scope("channel", "C2"), Scope("user", "U1")


def test_each_scope_numbers_its_subscriptions_from_one(store):
    subs = Subscriptions(store)
    assert subs.add(CHANNEL, "child labour").number == 1
    assert subs.add(CHANNEL, "herders  insurance").number == 2
    assert subs.add(PERSON, "cocoa").number == 1
    assert [(s.number, s.question) for s in subs.list(CHANNEL)] == [(1, "child labour"), (2, "herders insurance")]
    assert subs.list(OTHER) == []
    assert [(s.scope, s.number) for s in subs.list_all()] == [(CHANNEL, 1), (CHANNEL, 2), (PERSON, 1)]


def test_subscribing_twice_to_the_same_question_keeps_one(store):
    subs = Subscriptions(store)
    first = subs.add(CHANNEL, "child labour")
    assert subs.add(CHANNEL, " child   labour ") == first
    assert len(subs.list(CHANNEL)) == 1


def test_unsubscribe_by_the_number_shown_renumbers_the_rest(store):
    subs = Subscriptions(store)
    for question in ("a", "b", "c"):
        subs.add(CHANNEL, question)
    assert subs.remove(CHANNEL, 2).question == "b"
    assert [(s.number, s.question) for s in subs.list(CHANNEL)] == [(1, "a"), (2, "c")]
    assert subs.remove(CHANNEL, 7) is None
    assert subs.remove(OTHER, 1) is None


def test_a_remove_button_cannot_remove_someone_elses_subscription(store):
    subs = Subscriptions(store)
    theirs = subs.add(CHANNEL, "a")
    assert subs.remove_id(PERSON, theirs.id) is None
    assert subs.remove_id(CHANNEL, theirs.id).question == "a"
    assert subs.list(CHANNEL) == []


def test_a_paused_subscription_is_listed_with_its_reason_but_gets_no_posts(store):
    subs = Subscriptions(store)
    kept, left = subs.add(PERSON, "a"), subs.add(CHANNEL, "b")
    subs.add(CHANNEL, "c")
    assert subs.pause_scope(CHANNEL, "not_in_channel") == 2
    assert [s.id for s in subs.active()] == [kept.id]
    assert subs.list(CHANNEL)[0].pause_reason == "not_in_channel" and subs.list(CHANNEL)[0].paused
    assert subs.resume(left.id) and not subs.list(CHANNEL)[0].paused
    assert subs.pause(kept.id, "channel_not_found") and subs.list(PERSON)[0].paused
    assert not subs.pause(9999, "x") and not subs.resume(9999)


def test_a_lesson_is_never_sent_twice_even_after_a_restart(state_path, clock):
    store = StateStore(state_path, clock=clock)
    sub = Subscriptions(store).add(CHANNEL, "child labour")
    assert Subscriptions(store).undelivered(sub.id, ["3", "1", "2", "1"]) == ["3", "1", "2"]
    assert Subscriptions(store).mark_delivered(sub.id, ["1", "2"]) == 2
    store.close()
    restarted = StateStore(state_path, clock=clock)
    assert Subscriptions(restarted).undelivered(sub.id, ["3", "1", "2", "4"]) == ["3", "4"]
    assert Subscriptions(restarted).mark_delivered(sub.id, ["2", "3"]) == 1
    restarted.close()


def test_of_two_workers_reloading_together_only_one_gets_the_new_lessons(store, state_path, clock):
    other_worker = StateStore(state_path, clock=clock)
    sub = Subscriptions(store).add(CHANNEL, "child labour")
    assert Subscriptions(store).claim_undelivered(sub.id, ["1", "2"]) == ["1", "2"]
    assert Subscriptions(other_worker).claim_undelivered(sub.id, ["1", "2", "3"]) == ["3"]
    other_worker.close()


def test_a_failed_post_releases_its_lessons_for_the_next_reload(store):
    subs = Subscriptions(store)
    sub = subs.add(CHANNEL, "child labour")
    subs.claim_undelivered(sub.id, ["1", "2"])
    subs.release(sub.id, ["2"])
    assert subs.undelivered(sub.id, ["1", "2"]) == ["2"]


def test_a_new_subscription_does_not_inherit_the_deliveries_of_a_removed_one(store):
    subs = Subscriptions(store)
    old = subs.add(CHANNEL, "child labour")
    subs.mark_delivered(old.id, ["1"])
    subs.remove(CHANNEL, 1)
    new = subs.add(CHANNEL, "child labour")
    assert new.id != old.id
    assert subs.undelivered(new.id, ["1"]) == ["1"]
    assert subs.mark_delivered(old.id, ["1"]) == 0  # unknown subscriptions record nothing


def test_many_lessons_at_once(store):
    subs = Subscriptions(store)
    sub = subs.add(CHANNEL, "everything")
    ids = [str(n) for n in range(2500)]
    subs.mark_delivered(sub.id, ids[::2])
    assert subs.undelivered(sub.id, ids) == ids[1::2]


@pytest.mark.parametrize("kind, scope_id", [("group", "G1"), ("channel", "")])
def test_a_scope_is_a_channel_or_a_person(kind, scope_id):
    with pytest.raises(ValueError):
        Scope(kind, scope_id)


def test_an_empty_question_is_refused(store):
    with pytest.raises(ValueError):
        Subscriptions(store).add(CHANNEL, "   ")
