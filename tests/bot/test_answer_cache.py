"""The exact answer cache: the same question and search options answered again from memory, never
from lessons a reload replaced, and bounded whatever the questions."""
from __future__ import annotations

import dataclasses

from bot.answer_cache import AnswerCache
from bot.config import CacheSettings, Settings
from bot.live import KnowledgeHolder, Reloader
from bot.web import create_app
from knowledge import Answer, KnowledgeBase

from ..conftest import lesson_page


class Counting:
    """A stand-in knowledge base that answers every question with an empty answer naming it, and counts."""

    def __init__(self, name: str = "kb") -> None:
        self.name, self.asked = name, []

    def ask(self, query: str, **options: object) -> Answer:
        self.asked.append((query, options))
        return Answer(query=f"{self.name}: {query}")


def served(make_lessons, **cache):
    root = make_lessons({"1": lesson_page("1", description="Herders and social insurance."),
                         "3": lesson_page("3", description="Insurance for herders after a dzud."),
                         "4": lesson_page("4", description="Social insurance reaches few herders.")})
    holder = KnowledgeHolder(KnowledgeBase.from_paths([root]))
    settings = dataclasses.replace(Settings(), cache=CacheSettings(**cache))
    reloader = Reloader(holder, [root])
    return root, reloader, create_app(settings, holder, reloader=reloader).test_client()


def test_a_question_asked_again_is_answered_alike_from_the_cache(make_lessons):
    _, _, client = served(make_lessons)
    first = client.post("/webhook", json={"text": "herders insurance", "limit": 3})
    again = client.post("/webhook", json={"text": "herders insurance", "limit": 3})
    other_page = client.post("/webhook", json={"text": "herders insurance", "limit": 2})
    assert first.status_code == again.status_code == other_page.status_code == 200
    assert again.data == first.data and other_page.json["results"] != first.json["results"]
    assert len(first.json["results"]) == 3 and "**" in first.json["text"]
    search = client.get("/api/search?q=herders+insurance&limit=3")
    assert "text" not in search.json  # the Markdown is built only for the door that sends it
    assert search.json["results"] == first.json["results"]


def test_a_reload_is_never_answered_from_the_old_lessons(make_lessons):
    root, reloader, client = served(make_lessons)
    before = client.post("/webhook", json={"text": "herders insurance"}).json
    (root / "2.txt").write_text(lesson_page("2", title="Herders insurance evaluation",
                                            description="Herders insurance, again."))
    unchanged = client.post("/webhook", json={"text": "herders insurance"}).json
    assert unchanged == before  # the lessons served did not change
    assert reloader.reload().ok
    after = client.post("/webhook", json={"text": "herders insurance"}).json
    assert after["total"] == before["total"] + 1 and "2" in {r["id"] for r in after["results"]}


def test_every_search_option_is_part_of_the_key_and_refusals_are_not_kept():
    kb, cache = Counting(), AnswerCache()
    cache.ask(kb, "q", limit=5, offset=0, boosts={"1": 1.1})
    cache.ask(kb, "q", limit=5, offset=0, boosts={"1": 1.1})
    cache.ask(kb, "q", limit=5, offset=0, boosts={"1": 1.2})
    cache.ask(kb, "q", limit=5, offset=5)
    cache.ask(kb, "q ", limit=5, offset=5)
    assert [options.get("boosts", options.get("offset")) for _, options in kb.asked] == [
        {"1": 1.1}, {"1": 1.2}, 5, 5]
    assert cache.hits == 1


def test_an_answer_always_comes_from_the_knowledge_base_asked():
    old, new, cache = Counting("old"), Counting("new"), AnswerCache()
    assert cache.ask(old, "q").query == "old: q"
    assert cache.ask(new, "q").query == "new: q"  # the first look with another one drops the old answers
    assert cache.ask(old, "late").query == "old: late"  # a request begun before a reload, ending after it
    assert cache.ask(new, "q").query == "new: q" and cache.ask(old, "q").query == "old: q"


def test_the_cache_holds_at_most_its_entries_and_bytes_least_recently_used_first():
    kb, cache = Counting(), AnswerCache(max_entries=3)
    for question in "abc":
        cache.ask(kb, question)
    cache.ask(kb, "a")  # used: "b" is now the oldest
    cache.ask(kb, "d")
    cache.ask(kb, "b")
    assert [q for q, _ in kb.asked] == ["a", "b", "c", "d", "b"] and len(cache) == 3
    by_bytes = AnswerCache(max_bytes=10_000)
    for number in range(50):  # hostile questions, all different
        by_bytes.ask(kb, f"q{number}")
    assert len(by_bytes) <= 4 and by_bytes.size_bytes <= 10_000
    off = AnswerCache(max_entries=0)
    off.ask(kb, "q")
    assert len(off) == 0


def test_what_is_rendered_from_a_kept_answer_is_built_once(bundled):
    cache, built = AnswerCache(), []

    def render(answer: Answer) -> str:
        built.append(answer.query)
        return f"**{answer.query}**"

    answer = cache.ask(bundled, "herders")
    again = cache.ask(bundled, "herders")
    assert cache.rendered(answer, "markdown", lambda: render(answer)) == \
        cache.rendered(again, "markdown", lambda: render(again))
    assert built == ["herders"]
    other = AnswerCache(max_entries=0).ask(bundled, "herders")  # not kept: rendered every time
    AnswerCache().rendered(other, "markdown", lambda: render(other))
    assert built == ["herders", "herders"]
