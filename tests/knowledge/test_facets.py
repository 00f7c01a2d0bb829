"""Facets: filters that match whole values, and counts over every match."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge import KnowledgeBase, Lesson, bitsets
from knowledge.facets import Facet, Facets, filter_matches

from ..conftest import lesson_page


def test_facets_count_every_match_not_only_the_page(kb_of):
    pages = {str(i): lesson_page(str(i), description=f"Cooperatives sold coffee in {country} ({i}).",
                                 locations=((country, region),), themes=((theme, "Employment"),))
             for i, (country, region, theme) in enumerate([
                 ("Kenya", "Africa", "Cooperatives"), ("Kenya", "Africa", "Cooperatives"),
                 ("Peru", "Americas", "Cooperatives"), ("Ghana", "Africa", "Green jobs")], 1)}
    pages["9"] = lesson_page("9", description="Roads.", locations=(("Peru", "Americas"),))
    kb = kb_of(pages)
    answer = kb.ask("coffee cooperatives", limit=1)
    assert answer.total == 4 and answer.has_more
    assert answer.facets["country"] == (("Kenya", 2), ("Ghana", 1), ("Peru", 1))
    assert answer.facets["region"] == (("Africa", 3), ("Americas", 1))
    assert answer.facets["theme"] == (("Cooperatives", 3), ("Green jobs", 1))


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


@pytest.mark.parametrize(("name", "wanted", "value", "matches"), [
    ("theme", "gender", "gender equality", True),
    ("country", "niger", "nigeria", False),
    ("country", "sudan", "south sudan", False),
    ("country", "south sudan", "south sudan", True),
    ("eval", "347", "3474", False),
    ("eval", "3474", "3474", True),
])
def test_filter_matches(name, wanted, value, matches):
    assert filter_matches(name, wanted, value) is matches


def test_facet_counts_commonest_first_ties_a_to_z_and_outside():
    facet = Facet.of_values([("Peru",), ("Kenya", "Ghana"), ("Kenya",), ("Ghana",), ()])
    assert facet.counts(np.arange(5), 10) == (("Ghana", 2), ("Kenya", 2), ("Peru", 1))
    assert facet.counts(np.array([1, 2]), 1) == (("Kenya", 2),)
    assert facet.counts(np.array([1, 2]), 10, outside=True) == (("Ghana", 1), ("Peru", 1))
    assert facet.mask([facet.names.index("Ghana")], 5).tolist() == [False, True, False, True, False]


def test_facets_allow_every_lesson_without_filters_and_either_value_of_one_filter():
    lessons = [Lesson(id=str(i), url="", title="", locations=((c, r),))
               for i, (c, r) in enumerate([("Kenya", "Africa"), ("Peru", "Americas"), ("Ghana", "Africa")])]
    facets = Facets(lessons)
    assert facets.allowed(()) is None
    assert facets.allowed((("country", "kenya"), ("country", "Peru"))).tolist() == [True, True, False]
    assert facets.allowed((("country", "kenya"), ("region", "Americas"))).tolist() == [False, False, False]
    assert facets.countries == {"Kenya", "Peru", "Ghana"} and facets.regions == {"Africa", "Americas"}


@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.7, 0.99, 1.0])
def test_counting_a_bitset_of_lessons_counts_as_the_list_of_them(share):
    """The shortcut counts a facet of many values from the match set's bits, the straightforward
    search from its lesson numbers: the same counts, for sparse and dense sets (counted through the
    lessons left out), on a number of lessons that is no multiple of 64."""
    rng = np.random.default_rng(7)
    names = [f"Country {i}" for i in range(150)]
    values = [tuple(rng.choice(names, size=rng.integers(1, 4), replace=False).tolist()) for _ in range(1001)]
    facet = Facet.of_values(values)
    mask = rng.random(len(values)) < share
    assert facet.counts_of(bitsets.from_mask(mask), 20) == facet.counts(np.flatnonzero(mask), 20)
    assert sum(count for _, count in facet.counts_of(bitsets.from_mask(mask), 150)) == \
        sum(len(v) for v, m in zip(values, mask, strict=True) if m)


@pytest.mark.parametrize("share", [0.0, 0.02, 0.4, 0.6, 1.0])
def test_every_facet_counted_from_bits_counts_as_from_the_list(share):
    """A large index counts a match set's facets from its bits in compiled passes (a facet of few
    values: each value's bitset against the set; of many: the lessons' combinations); a small one
    from the lesson numbers with numpy. The same counts for every counted facet, on lessons with
    one to three places and themes, 150 countries (combinations) and 6 regions and 20 themes
    (a bitset a value), over sets sparse and dense."""
    rng = np.random.default_rng(9)
    countries = [(f"Country {i}", f"Region {i % 6}") for i in range(150)]
    themes = [(f"Theme {i}", f"Category {i % 4}") for i in range(20)]
    lessons = [Lesson(id=str(i), url="", title="",
                      locations=tuple(countries[j] for j in rng.choice(150, rng.integers(1, 4), replace=False)),
                      themes=tuple(themes[j] for j in rng.choice(20, rng.integers(0, 4), replace=False)))
               for i in range(1000)]
    compiled, plain = Facets(lessons, compiled=True), Facets(lessons)
    assert compiled.counted["country"].value_bits is None and compiled.counted["theme"].value_bits is not None
    mask = rng.random(len(lessons)) < share
    counts = compiled.counts_of(bitsets.from_mask(mask))
    assert counts == plain.counts(np.flatnonzero(mask)) == compiled.counts(np.flatnonzero(mask))
    matched = [lesson for lesson, m in zip(lessons, mask, strict=True) if m]
    assert sum(n for _, n in counts["region"]) == sum(len(lesson.regions) for lesson in matched)
