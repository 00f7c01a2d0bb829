"""Ranking: coverage, typo and synonym costs, proximity, intent, duplicates and grouping, with the
exact order expected."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge import SearchOptions
from knowledge.rank import Scored, _top, holds

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
    assert holds(np.array([0.0, 0.5], dtype=np.float32), np.array([1, 0])).tolist() == [True, False]


def test_scored_keep_filters_matches_and_scores_together():
    scored = Scored(np.array([2, 5, 7]), np.array([0.1, 0.2, 0.3]), [], np.array([1.0, 0.5, 0.25]))
    kept = scored.keep(np.array([True, False, True]))
    assert kept.matched.tolist() == [2, 7] and kept.scores.tolist() == [0.1, 0.3]
    assert kept.topic_share.tolist() == [1.0, 0.25]
