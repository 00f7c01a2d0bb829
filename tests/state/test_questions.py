"""The question log: what people ask and do not find, with no way to tell who asked."""
from __future__ import annotations

import inspect

import pytest

from bot.state import QuestionLog, Share, scrub
from bot.state.questions import DAY


def ask(log: QuestionLog, understood: str, *, door: str = "slack", total: int = 3, nothing: bool = False,
        filters: dict | None = None, at: float | None = None) -> None:
    log.record(door=door, typed=understood, understood=understood, filters=filters or {}, total=total,
               top_ids=["252474"] if total else [], nothing_found=nothing, latency_ms=12.5, at=at)


def test_recording_cannot_take_a_user_a_channel_or_a_token():
    names = set(inspect.signature(QuestionLog.record).parameters)
    assert names == {"self", "door", "typed", "understood", "filters", "total", "top_ids", "nothing_found",
                     "latency_ms", "at"}


def test_mentions_channels_addresses_and_tokens_are_scrubbed_from_the_text(store):
    log = QuestionLog(store)
    log.record(door="slack", typed="<@U024BE7LH> ask <#C02|general> mail ana@ilo.org xoxb-123-abc child labour",
               understood="child labour <@U024BE7LH>", filters={"country": "Ghana"}, total=1, top_ids=["1"],
               nothing_found=False, latency_ms=3)
    with store.read() as connection:
        typed, understood = connection.execute("SELECT typed, understood FROM questions").fetchone()
    assert typed == "ask mail [email] [token] child labour"
    assert understood == "child labour"
    assert scrub("<!here> <mailto:a@b.org|a@b.org> hi") == "[email] hi"


@pytest.mark.parametrize("door", ["", "Slack", "#general", "x" * 30])
def test_a_door_is_a_short_name(store, door):
    with pytest.raises(ValueError):
        ask(QuestionLog(store), "q", door=door)


def test_old_questions_are_purged_after_the_retention(store, clock):
    log = QuestionLog(store)
    ask(log, "old", at=clock.now - 91 * DAY)
    ask(log, "recent", at=clock.now - 89 * DAY)
    assert log.purge_older_than(90) == 1
    assert log.top_questions() == [("recent", 1)]


def test_questions_per_day_and_per_door(store, clock):
    log = QuestionLog(store)
    day = 1_746_000_000.0  # 2025-04-30 08:00 UTC
    ask(log, "a", door="web", at=day)
    ask(log, "b", door="slack", at=day + 3600)
    ask(log, "c", door="slack", at=day + DAY)
    ask(log, "too old", door="cli", at=day - 10 * DAY)
    assert log.per_day(since=day - DAY) == [("2025-04-30", 2), ("2025-05-01", 1)]
    assert log.per_door() == {"slack": 2, "cli": 1, "web": 1}
    assert log.per_door(since=day - DAY) == {"slack": 2, "web": 1}
    assert log.count() == 4 and log.count(since=day) == 3


def test_top_questions_group_the_same_question_whatever_its_case(store):
    log = QuestionLog(store)
    for question in ("child labour", "Child Labour", "herders", "CHILD  LABOUR"):
        ask(log, question)
    assert log.top_questions(1) == [("child labour", 3)]
    assert log.top_questions() == [("child labour", 3), ("herders", 1)]


def test_the_share_answered_nothing_found(store):
    log = QuestionLog(store)
    assert log.nothing_found_share() == Share(0, 0) and log.nothing_found_share().ratio is None
    ask(log, "a")
    ask(log, "b", total=0)
    ask(log, "c", total=4, nothing=True)  # only weak matches
    ask(log, "d")
    assert log.nothing_found_share() == Share(2, 4) and log.nothing_found_share().ratio == 0.5


def test_gaps_are_the_most_asked_questions_without_a_good_match(store, clock):
    log = QuestionLog(store)
    for _ in range(3):
        ask(log, "green jobs in the arctic", total=0, at=clock.now)
    ask(log, "Green jobs in the Arctic", total=2, nothing=True, at=clock.now + 5)
    ask(log, "platform workers", total=0)
    for _ in range(5):
        ask(log, "child labour")  # asked most, but answered
    gaps = log.gaps(5)
    assert [(g.question, g.asked) for g in gaps] == [("green jobs in the arctic", 4), ("platform workers", 1)]
    assert gaps[0].last_asked == clock.now + 5
    assert log.gaps(1, since=clock.now + 1)[0].asked == 1


def test_the_filters_people_use(store):
    log = QuestionLog(store)
    ask(log, "a", filters={"country": "Ghana", "theme": ["Child labour", "Gender"]})
    ask(log, "b", filters={"country": ["Ghana", "Mongolia"]})
    assert log.top_filters() == {"country": [("Ghana", 2), ("Mongolia", 1)],
                                 "theme": [("Child labour", 1), ("Gender", 1)]}
