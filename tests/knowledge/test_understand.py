"""Query understanding: corrections, places, intent and concepts, before any ranking."""
from __future__ import annotations

import pytest

from knowledge import Lesson, SearchOptions
from knowledge.search import Searcher
from knowledge.vocabulary import intent_of

from ..conftest import lesson_page
from .conftest import ids


def test_typo_is_corrected_and_reported(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Herders need social insurance."),
                "2": lesson_page("2", description="Fishers need boats.")})
    answer = kb.ask("herdres")
    assert ids(answer) == ["1"]
    assert answer.corrections == (("herdres", "herders"),)


def test_a_place_alone_lists_that_place_and_says_so(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Herders.", locations=(("Mongolia", "Asia and the Pacific"),)),
                "2": lesson_page("2", description="Refugees.", locations=(("Türkiye", "Europe and Central Asia"),)),
                "3": lesson_page("3", description="Jobs.", locations=(("Jordan", "Arab States"),)),
                "4": lesson_page("4", description="Builders.", locations=(("Lebanon", "Arab States"),))})
    answer = kb.ask("lessons from Mongolia")
    assert ids(answer) == ["1"] and answer.filters == (("country", "Mongolia"),)
    assert kb.ask("Turkey").filters == (("country", "Türkiye"),)
    assert ids(kb.ask("Turkey")) == ["2"]
    arab = kb.ask("what do we know in the Arab States")
    assert sorted(ids(arab)) == ["3", "4"] and arab.filters == (("region", "Arab States"),)


def test_a_place_among_other_words_ranks_its_lessons_first(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Jobs for refugees through public works, jobs and more jobs.",
                                 locations=(("Lebanon", "Arab States"),)),
                "2": lesson_page("2", description="Jobs for refugees.", locations=(("Jordan", "Arab States"),)),
                "3": lesson_page("3", description="Roads.", locations=(("Jordan", "Arab States"),))})
    answer = kb.ask("jobs for refugees in Jordan")
    assert ids(answer) == ["2", "3", "1"]  # Jordan's lessons first, the best match among them first
    assert answer.filters == () and "Jordan" in answer.notice


@pytest.mark.parametrize(("words", "intent", "positions"), [
    (["what", "went", "wrong", "with", "training"], "challenges", {1, 2}),
    (["good", "practice", "in", "training"], "success", {0, 1}),
    (["training", "challenges"], "challenges", {1}),
    (["what", "worked", "and", "what", "failed"], "", set()),  # both: no intent
    (["training"], "", set()),
])
def test_intent_of(words, intent, positions):
    assert intent_of(words) == (intent, positions)


@pytest.fixture
def searcher():
    pages = [Lesson(id="1", url="u1", title="Herders", description="Herders need social insurance.",
                    locations=(("Mongolia", "Asia and the Pacific"),)),
             Lesson(id="2", url="u2", title="Workers",
                    description="OSH training for managers. Occupational safety and health committees met.",
                    locations=(("Jordan", "Arab States"),))]
    return Searcher(pages, SearchOptions())


def test_understanding_of_a_question(searcher):
    u = searcher.understand('show me what went wrong with herdres insurance in Mongolia -cocoa "social insurance"')
    assert [c.label for c in u.concepts] == ["herders", "insurance", "social insurance", "Mongolia"]
    assert [c.place for c in u.concepts] == [False, False, False, True]
    assert u.corrections == [("herdres", "herders")] and u.concepts[0].certainty == 0.7
    assert u.intent == "challenges" and u.phrases == ("social insurance",)
    assert u.preferred == (("country", "Mongolia"),) and u.filters == () and not u.place_only
    assert u.excluded == () and u.unknown == [] and not u.stop_only  # no lesson says "cocoa"


def test_a_place_alone_becomes_a_filter_and_filler_alone_is_stop_only(searcher):
    u = searcher.understand("lessons from Jordan")
    assert u.place_only and u.filters == (("country", "Jordan"),) and u.concepts == []
    assert searcher.understand("show me the lessons").stop_only


def test_an_acronym_brings_its_expansion_and_unknown_words_are_named(searcher):
    u = searcher.understand("osh xyzzy")
    (concept,) = u.concepts
    assert concept.label == "osh" and u.unknown == ["xyzzy"]
    assert [weight for _, weight in concept.alternatives] == [1.0, 0.8, 0.8]  # as typed first, synonyms cost
    assert {"osh", "occup", "safeti", "health"} == concept.stems
