"""Ranking: coverage, typo and synonym costs, proximity, intent, duplicates and grouping, with the
exact order expected."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge import SearchOptions
from knowledge.coverage import compiled_sums, sums
from knowledge.membership import holds, within, within_at
from knowledge.rank import BOOST_LIMITS, Scored, _top

from ..conftest import lesson_page
from .conftest import ids


def test_each_typo_costs_rank(kb_of):
    kb = kb_of({"1": lesson_page("1", description="The maternity rules were clear."),
                "2": lesson_page("2", description="The inspection rules were clear.")})
    assert ids(kb.ask("maternity inspectoin")) == ["1", "2"]
    assert ids(kb.ask("maternty inspection")) == ["2", "1"]


def test_words_standing_together_rank_higher(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Policy makers asked for social protection data."),
                "2": lesson_page("2", description="Social partners asked for protection data.")})
    assert ids(kb.ask("social protection")) == ["1", "2"]


def test_intent_favours_the_challenges_or_the_success_field(kb_of):
    kb = kb_of({"1": lesson_page("1", challenges="Recruiting trainers for the centres was slow."),
                "2": lesson_page("2", success="Recruiting trainers for the centres was quick.")})
    wrong = kb.ask("what went wrong recruiting trainers")
    assert ids(wrong) == ["1", "2"] and wrong.hits[0].summary_field == "challenges"
    worked = kb.ask("what worked recruiting trainers")
    assert ids(worked) == ["2", "1"] and worked.hits[0].summary_field == "success"


def test_matching_more_concepts_beats_repeating_one(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Wages, wages and wages: wages were late and wages were low."),
                "2": lesson_page("2", description="Wages of migrants were paid through banks and the employers."),
                "3": lesson_page("3", description="Roads were repaired."),
                "4": lesson_page("4", description="Schools were built.")})
    answer = kb.ask("migrant wages")
    assert ids(answer) == ["2", "1"]
    assert answer.hits[0].matched_terms == ("migrant", "wages")


def test_near_duplicates_collapse_into_one_hit(kb_of):
    text = "Herders need social insurance that follows them between districts."
    kb = kb_of({"1": lesson_page("1", description=text), "2": lesson_page("2", description=text),
                "3": lesson_page("3", description="Herders need insurance for their water points.")})
    answer = kb.ask("herders insurance")
    assert sorted(ids(answer)) == ["1", "3"] and answer.total == 2
    assert next(h for h in answer.hits if h.lesson.id == "1").grouped == ("2",)


def test_grouping_by_evaluation_shows_one_hit_per_evaluation(kb_of):
    pages = {"1": lesson_page("1", eval_number="11", description="Cocoa cooperatives and child labour."),
             "2": lesson_page("2", eval_number="11", description="Cocoa prices set by cooperatives."),
             "3": lesson_page("3", eval_number="12", description="Cocoa farms joined cooperatives.")}
    answer = kb_of(pages, SearchOptions(group_by_evaluation=True)).ask("cocoa cooperatives")
    assert ids(answer) == ["1", "3"] and answer.hits[0].grouped == ("2",) and answer.total == 2


@pytest.mark.parametrize("size", [0, 5, 100, 5000])
def test_top_finds_the_largest_keys_at_any_length(size):
    key = np.random.default_rng(size).random(size).astype(np.float32)
    for depth in (1, 3, 50):
        found = _top(key, depth)
        assert sorted(key[found].tolist(), reverse=True) == sorted(key.tolist(), reverse=True)[:depth]


def test_holds_reads_sorted_lesson_numbers_and_dense_scores():
    page = np.array([4, 5, 9], dtype=np.int32)
    assert holds(np.array([1, 4, 9], dtype=np.int32), page).tolist() == [True, False, True]
    assert holds(np.array([], dtype=np.int32), page).tolist() == [False] * len(page)
    rng = np.random.default_rng(4)
    for size in (3, 64, 65, 5000):  # a page of a few lessons, and a match set
        lessons = rng.choice(9000, size, replace=False).astype(np.int32)  # in rank order, not sorted
        docs = np.sort(rng.choice(9000, 3000, replace=False)).astype(np.int32)
        assert holds(docs, lessons).tolist() == np.isin(lessons, docs).tolist()
    assert holds(np.array([0.0, 0.5], dtype=np.float32), np.array([1, 0])).tolist() == [True, False]


def test_scored_keep_filters_matches_and_scores_together():
    scored = Scored(np.array([2, 5, 7]), np.array([0.1, 0.2, 0.3]), [], np.array([1.0, 0.5, 0.25]))
    kept = scored.keep(np.array([True, False, True]))
    assert kept.matched.tolist() == [2, 7] and kept.scores.tolist() == [0.1, 0.3]
    assert kept.topic_share.tolist() == [1.0, 0.25]


def test_grouping_can_be_asked_for_per_question(kb_of):
    pages = {"1": lesson_page("1", eval_number="11", description="Cocoa cooperatives and child labour."),
             "2": lesson_page("2", eval_number="11", description="Cocoa prices set by cooperatives."),
             "3": lesson_page("3", eval_number="12", description="Cocoa farms joined cooperatives.")}
    kb = kb_of(pages)
    assert kb.ask("cocoa cooperatives").total == 3
    grouped = kb.ask("cocoa cooperatives", group=True)
    assert ids(grouped) == ["1", "3"] and grouped.total == 2
    assert kb_of(pages, SearchOptions(group_by_evaluation=True)).ask("cocoa cooperatives", group=False).total == 3


def close_pair(kb_of):
    """Two lessons that match a question almost equally, and one that does not match it."""
    return kb_of({"1": lesson_page("1", description="Cocoa cooperatives trained farmers in the north."),
                  "2": lesson_page("2", description="Cocoa cooperatives trained many farmers."),
                  "3": lesson_page("3", description="Roads were repaired in the dry season.")})


def test_a_boost_reorders_matching_lessons_within_its_bound(kb_of):
    kb = close_pair(kb_of)
    plain = kb.ask("cocoa cooperatives farmers")
    first, second = ids(plain)
    assert plain.hits[0].score / plain.hits[1].score < BOOST_LIMITS[1]  # close enough to be reordered
    boosted = kb.ask("cocoa cooperatives farmers", boosts={second: 1.2})
    assert ids(boosted) == [second, first]
    demoted = kb.ask("cocoa cooperatives farmers", boosts={first: 0.8})
    assert ids(demoted) == [second, first]
    by_second = {h.lesson.id: h.score for h in boosted.hits}[second]
    assert by_second == pytest.approx({h.lesson.id: h.score for h in plain.hits}[second] * 1.2, rel=1e-3)


def test_a_boost_is_held_within_its_limits_and_never_adds_a_lesson(kb_of):
    kb = close_pair(kb_of)
    plain = {h.lesson.id: h.score for h in kb.ask("cocoa cooperatives farmers").hits}
    huge = kb.ask("cocoa cooperatives farmers", boosts={"1": 1000.0, "2": 0.0, "3": 1000.0, "unknown": 5.0})
    scores = {h.lesson.id: h.score for h in huge.hits}
    assert set(scores) == {"1", "2"} and huge.total == 2  # lesson 3 does not match, whatever its boost
    assert scores["1"] == pytest.approx(plain["1"] * BOOST_LIMITS[1], rel=1e-3)
    assert scores["2"] == pytest.approx(plain["2"] * BOOST_LIMITS[0], rel=1e-3)
    assert kb.ask("cocoa cooperatives farmers", boosts={}).hits == kb.ask("cocoa cooperatives farmers").hits


def test_scored_boosted_scales_only_the_named_matched_lessons():
    scored = Scored(np.array([2, 5, 7]), np.array([1.0, 1.0, 1.0], dtype=np.float32), [], np.ones(3))
    out = scored.boosted({5: 1.1, 6: 1.2, 7: 9.0})
    assert out.matched.tolist() == [2, 5, 7]
    assert out.scores.tolist() == pytest.approx([1.0, 1.1, BOOST_LIMITS[1]])


@pytest.mark.parametrize(("many", "among"), [(5, 3000), (3000, 20), (2500, 2500), (0, 10), (10, 0)])
def test_membership_by_binary_search_or_by_table_is_the_same(many, among):
    """`within` and `within_at` switch to a table for long lists; each way gives the same answer."""
    rng = np.random.default_rng(many * 7 + among)
    docs = np.sort(rng.choice(6000, many, replace=False)).astype(np.int32)
    sorted_docs = np.sort(rng.choice(5000, among, replace=False)).astype(np.int32)
    position = {int(d): i for i, d in enumerate(sorted_docs)}
    assert within(docs, sorted_docs).tolist() == [int(d) in position for d in docs]
    assert within_at(docs, sorted_docs).tolist() == [position.get(int(d), -1) for d in docs]


def test_compiled_sums_add_as_bincount_does():
    """A large index sums coverage and scores in compiled passes, a small one with np.bincount:
    the very same float64 values (the ranking compares them exactly)."""
    rng = np.random.default_rng(11)
    n = 5000
    values = [(np.sort(rng.choice(n, size, replace=False)).astype(np.int32),
               (rng.random(size) * 7).astype(np.float32), float(rng.random() * 3)) for size in (4000, 700, 1, 2500)]
    dense = [(np.where(rng.random(n) < 0.3, rng.random(n) * 5, 0).astype(np.float32), 1.7)]
    for sparse, wide in ((values, dense), (values[:1], []), ([], dense), ([], [])):
        plain, compiled = sums(sparse, wide, n), compiled_sums(sparse, wide, n)
        assert all(np.array_equal(a, b) for a, b in zip(plain, compiled, strict=True))
    assert compiled_sums(values, dense, n)[0].max() > 0
