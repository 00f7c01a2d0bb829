"""Filters, exclusions and phrases written into a question."""
from __future__ import annotations

import pytest

from knowledge.query import Query, narrowed, parse_query
from knowledge.text import QUOTES


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
