"""A reload's load in a child process of the master: the knowledge base comes back whole (it
answers exactly as one built in place), and a load that fails or a child that dies is a failed
reload, never a crash of the master."""
from __future__ import annotations

import os
import shutil

import pytest

from bot.live import KnowledgeHolder, Reloader
from knowledge import KnowledgeBase

from ..conftest import lesson_page, wait_until

pytest.importorskip("gunicorn")  # the master's machinery runs where gunicorn does (it needs fork)
from bot.workers.loader import ChildLoad  # noqa: E402


@pytest.fixture
def reloader(make_lessons):
    root = make_lessons({"1": lesson_page("1", description="Herders and social insurance in Mongolia."),
                         "2": lesson_page("2", description="Child labour in cocoa farming.",
                                          locations=(("Ghana", "Africa"),))})
    return Reloader(KnowledgeHolder(KnowledgeBase.from_paths([root])), [root])


def finished(load: ChildLoad) -> ChildLoad:
    wait_until(load.done, timeout=30)
    return load


@pytest.mark.parametrize("question", ["herders insurance", "child labour country:Ghana", "insurance -cocoa"])
def test_the_knowledge_base_loaded_in_the_child_answers_as_one_built_here(reloader, question):
    load = finished(ChildLoad(reloader))
    assert load.outcome.ok and load.outcome.lessons == 2
    taken, here = load.take(), KnowledgeBase.from_paths(reloader.paths)
    mine, theirs = taken.ask(question), here.ask(question)
    assert [(h.lesson.id, h.summary, h.highlights) for h in mine.hits] == \
           [(h.lesson.id, h.summary, h.highlights) for h in theirs.hits]
    assert (mine.total, mine.facets, mine.filters) == (theirs.total, theirs.facets, theirs.filters)
    taken.clear_caches()  # its caches came back empty, and work


def test_a_load_that_fails_in_the_child_is_a_failed_reload(reloader):
    shutil.rmtree(reloader.paths[0])
    load = finished(ChildLoad(reloader))
    assert not load.outcome.ok and "still serving the 2 lessons" in load.outcome.error
    load.discard()


def test_a_child_that_dies_is_a_failed_reload(reloader, monkeypatch):
    monkeypatch.setattr(Reloader, "load", lambda self: os._exit(9))  # as if killed mid-load
    load = finished(ChildLoad(reloader))
    assert not load.outcome.ok and "died" in load.outcome.error
    load.discard()
