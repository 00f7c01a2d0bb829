"""Filters, exclusions and phrases written into a question."""
from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from knowledge.query import Query, narrowed, parse_query
from knowledge.text import QUOTES, fold

from ..conftest import lesson_page


@pytest.mark.parametrize("raw, expected", [
    ("herders country:Mongolia", Query("herders", (("country", "Mongolia"),))),
    ('region:"Arab States" jobs', Query("jobs", (("region", "Arab States"),))),
    ("child labour -cocoa", Query("child labour", (), ("cocoa",))),
    ('“social dialogue” trust', Query("social dialogue trust", (), (), ("social dialogue",))),
    ("eval:3474 theme:Gender", Query("", (("eval", "3474"), ("theme", "Gender")))),
    ("note: colon words stay", Query("note: colon words stay")),
])
def test_parse_query(raw, expected):
    assert parse_query(raw) == expected


@pytest.mark.parametrize(("question", "kind", "value", "expected"), [
    ("herders", "country", "Mongolia", 'herders country:"Mongolia"'),
    ("  herders insurance ", "region", "Arab States", 'herders insurance region:"Arab States"'),
    ("", "theme", "Gender equality", 'theme:"Gender equality"'),
    ("jobs", "eval", "3474", 'jobs eval:"3474"'),
    ("jobs", "country", "Côte d’Ivoire", 'jobs country:"Côte d’Ivoire"'),
    ("jobs", "theme", 'The "best" theme', None),
    ("jobs", "theme", "The “best” theme", None),
    ("jobs", "country", "  ", None),
])
def test_narrowed_adds_one_filter_quoted(question, kind, value, expected):
    assert narrowed(question, kind, value) == expected


@pytest.mark.parametrize("value", ["Mongolia", "Arab States", "Côte d’Ivoire", "São Tomé and Príncipe", "x:y", "-5"])
def test_narrowed_reads_back_as_the_same_filter(value):
    query = parse_query(narrowed('herders "social insurance" -cocoa country:Peru', "country", value))
    # typographic quotes are read as ASCII ones (filters compare folded values)
    assert query.filters == (("country", "Peru"), ("country", value.translate(QUOTES)))
    assert query.text == "herders social insurance" and query.excluded == ("cocoa",)


def test_narrowed_refuses_an_unknown_filter():
    with pytest.raises(ValueError, match="unknown filter 'colour'"):
        narrowed("herders", "colour", "blue")


@pytest.mark.parametrize("text, folded", [
    ("Türkiye", "turkiye"), ("Côte d’Ivoire", "cote d'ivoire"), ("São Tomé", "sao tome"), ("İstanbul", "istanbul"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_country_filter_keeps_only_that_country_and_is_reported(make_lessons):
    root = make_lessons({
        "1": lesson_page("1", description="Herders and social insurance."),
        "2": lesson_page("2", description="Herders and social insurance.", locations=(("Kenya", "Africa"),)),
        "3": lesson_page("3", description="Cocoa farming.", locations=(("Côte d’Ivoire", "Africa"),)),
    })
    kb = KnowledgeBase.from_paths([root])
    answer = kb.ask("herders social insurance country:Kenya")
    assert [h.lesson.id for h in answer.hits] == ["2"]
    assert answer.filters == (("country", "Kenya"),)
    assert [h.lesson.id for h in kb.ask('country:"cote d\'ivoire"').hits] == ["3"]
    assert sorted(h.lesson.id for h in kb.ask("region:Africa").hits) == ["2", "3"]


def test_a_country_alias_reaches_the_corpus_spelling_whatever_its_accents(make_lessons):
    root = make_lessons({
        "1": lesson_page("1", description="Social protection floor.", locations=(("São Tomé and Príncipe", "Africa"),)),
        "2": lesson_page("2", description="Social protection floor.", locations=(("Kenya", "Africa"),)),
    })
    answer = KnowledgeBase.from_paths([root]).ask("sao tome")
    assert [h.lesson.id for h in answer.hits] == ["1"]
    assert answer.filters == (("country", "São Tomé and Príncipe"),)


def test_filters_match_whole_values_or_their_first_words_never_part_of_a_word(make_lessons):
    root = make_lessons({
        "1": lesson_page("1", eval_number="3474", locations=(("Niger", "Africa"),),
                         themes=(("Gender equality", "Conditions of work"),)),
        "2": lesson_page("2", eval_number="34741", locations=(("Nigeria", "Africa"),)),
        "3": lesson_page("3", eval_number="347", locations=(("South Sudan", "Africa"),)),
    })
    kb = KnowledgeBase.from_paths([root])
    assert [h.lesson.id for h in kb.ask("country:Niger").hits] == ["1"]
    assert [h.lesson.id for h in kb.ask("country:Sudan").hits] == []
    assert [h.lesson.id for h in kb.ask('country:"south sudan"').hits] == ["3"]
    assert [h.lesson.id for h in kb.ask("eval:347").hits] == ["3"]
    assert [h.lesson.id for h in kb.ask("theme:gender").hits] == ["1"]
