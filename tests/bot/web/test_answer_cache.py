"""The exact answer cache: the same question and page answered again from memory, byte for byte,
never from lessons a reload replaced, and bounded whatever the questions."""
from __future__ import annotations

import dataclasses

from bot.config import CacheSettings, Settings
from bot.live import KnowledgeHolder, Reloader
from bot.web import create_app
from bot.web.answer_cache import AnswerCache
from knowledge import KnowledgeBase

from ...conftest import lesson_page


def served(make_lessons, **cache):
    root = make_lessons({"1": lesson_page("1", description="Herders and social insurance."),
                         "3": lesson_page("3", description="Insurance for herders after a dzud."),
                         "4": lesson_page("4", description="Social insurance reaches few herders.")})
    holder = KnowledgeHolder(KnowledgeBase.from_paths([root]))
    settings = dataclasses.replace(Settings(), cache=CacheSettings(**cache))
    reloader = Reloader(holder, [root])
    app = create_app(settings, holder, reloader=reloader)
    return root, reloader, app.test_client()


def test_a_question_asked_again_gets_the_same_bytes_from_the_cache(make_lessons):
    _, _, client = served(make_lessons)
    first = client.post("/webhook", json={"text": "herders insurance", "limit": 3})
    again = client.post("/webhook", json={"text": "herders insurance", "limit": 3})
    other_page = client.post("/webhook", json={"text": "herders insurance", "limit": 2})
    assert first.status_code == again.status_code == other_page.status_code == 200
    assert again.data == first.data and other_page.data != first.data
    assert len(first.json["results"]) == 3 and "**" in first.json["text"]
    search = client.get("/api/search?q=herders+insurance&limit=3")
    assert "text" not in search.json  # the Markdown is built only for the door that sends it
    assert search.json["results"] == first.json["results"]


def test_a_reload_is_never_answered_from_the_old_lessons(make_lessons):
    root, reloader, client = served(make_lessons)
    before = client.post("/webhook", json={"text": "herders insurance"}).json
    (root / "2.txt").write_text(lesson_page("2", title="Herders insurance evaluation",
                                            description="Herders insurance, again."))
    assert client.post("/webhook", json={"text": "herders insurance"}).json == before  # cached, unchanged lessons
    assert reloader.reload().ok
    after = client.post("/webhook", json={"text": "herders insurance"}).json
    assert after["total"] == before["total"] + 1 and "2" in {r["id"] for r in after["results"]}


def test_errors_are_not_kept_and_a_zero_size_turns_the_cache_off(make_lessons):
    _, _, client = served(make_lessons, answers=0)
    assert client.post("/webhook", json={"text": "x" * 600}).status_code == 400
    assert client.post("/webhook", json={"text": "herders"}).status_code == 200
    cache = AnswerCache(max_entries=0)
    cache.put(1, "q", b"{}")
    assert cache.get(1, "q") is None and len(cache) == 0


def test_the_cache_holds_at_most_its_entries_and_bytes_least_recently_used_first():
    cache = AnswerCache(max_entries=3, max_bytes=1000)
    for key in "abc":
        cache.put(1, key, b"x" * 100)
    cache.get(1, "a")  # used: "b" is now the oldest
    cache.put(1, "d", b"x" * 100)
    assert cache.get(1, "b") is None and cache.get(1, "a") is not None and len(cache) == 3
    for number in range(50):  # hostile questions: all different, all kept briefly
        cache.put(1, f"q{number}", b"y" * 240)
    assert len(cache) <= 3 and cache.size_bytes <= 1000
    cache.put(1, "huge", b"z" * 600)  # over a quarter of the budget: never kept
    assert cache.get(1, "huge") is None


def test_a_new_generation_drops_the_old_answers_and_late_old_ones_are_not_kept():
    cache = AnswerCache()
    cache.put(1, "q", b"old")
    assert cache.get(2, "q") is None and len(cache) == 0  # first look under generation 2
    cache.put(1, "q", b"answered by the lessons a reload replaced")
    assert cache.get(2, "q") is None
