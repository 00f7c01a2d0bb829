"""The search engine on small hand-made corpora: each capability, with the exact order expected."""
from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, SearchOptions
from knowledge.text import fold, stem

from ..conftest import lesson_page


@pytest.fixture
def kb_of(make_lessons):
    """Build a knowledge base from {id: page} (and optional SearchOptions)."""
    def build(pages: dict[str, str], options: SearchOptions | None = None) -> KnowledgeBase:
        return KnowledgeBase.from_paths([make_lessons(pages)], options=options)
    return build


def ids(answer) -> list[str]:
    return [hit.lesson.id for hit in answer.hits]


FILLER = "The team met every month and wrote short reports for the board."


def test_stemming_matches_other_forms_of_a_word(kb_of):
    kb = kb_of({"1": lesson_page("1", description=f"Herders were insured by the new scheme. {FILLER}"),
                "2": lesson_page("2", description=f"Fishers joined a savings group. {FILLER}")})
    assert ids(kb.ask("insurance for herder")) == ["1"]


def test_accents_and_typographic_quotes_are_folded(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Cocoa cooperatives in Côte d’Ivoire’s south.",
                                 locations=(("Côte d’Ivoire", "Africa"),)),
                "2": lesson_page("2", description="Cocoa cooperatives in Ghana.", locations=(("Ghana", "Africa"),))})
    answer = kb.ask("cocoa cote d'ivoire")
    assert ids(answer)[0] == "1"
    assert fold("İstanbul “Eskişehir”") == 'istanbul "eskisehir"'


def test_stop_words_and_filler_do_not_change_the_answer(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Cooperatives sold coffee together."),
                "2": lesson_page("2", description="The lesson of the project is about the show.")})
    assert ids(kb.ask("show me lessons on the cooperatives")) == ids(kb.ask("cooperatives")) == ["1"]


def test_stop_words_only_answer_nothing_with_a_notice(kb_of):
    kb = kb_of({"1": lesson_page("1", description="The cooperatives of the region.")})
    answer = kb.ask("the of and")
    assert answer.hits == () and answer.total == 0
    assert "common words" in answer.notice


def test_typo_is_corrected_and_reported(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Herders need social insurance."),
                "2": lesson_page("2", description="Fishers need boats.")})
    answer = kb.ask("herdres")
    assert ids(answer) == ["1"]
    assert answer.corrections == (("herdres", "herders"),)


@pytest.mark.parametrize("typed, corrected", [
    ("farx", None),                         # 4 letters: no edit allowed
    ("cacao", None),                        # 5 letters, 2 edits from "cocoa": over the budget of 1
    ("cocao", "cocoa"),                     # 5 letters, 1 edit (a transposition)
    ("coperativs", "cooperatives"),         # 10 letters, 2 edits
    ("chid", "child"),                      # a 5-letter word with one letter dropped
])
def test_edit_budget_grows_with_word_length(kb_of, typed, corrected):
    kb = kb_of({"1": lesson_page("1", description="Child labour on cocoa farms; cooperatives helped. Farm work.")})
    answer = kb.ask(typed)
    if corrected is None:
        assert answer.hits == () and answer.corrections == ()
    else:
        assert answer.corrections == ((typed, corrected),) and ids(answer) == ["1"]


def test_each_typo_costs_rank(kb_of):
    kb = kb_of({"1": lesson_page("1", description="The maternity rules were clear."),
                "2": lesson_page("2", description="The inspection rules were clear.")})
    assert ids(kb.ask("maternity inspectoin")) == ["1", "2"]
    assert ids(kb.ask("maternty inspection")) == ["2", "1"]


@pytest.mark.parametrize("query", ["OSH", "occupational safety and health", "osh training"])
def test_thesaurus_links_acronyms_and_their_expansions(kb_of, query):
    kb = kb_of({"1": lesson_page("1", description="OSH training for factory managers."),
                "2": lesson_page("2", description="Occupational safety and health committees in every factory."),
                "3": lesson_page("3", description="Training for bank managers.")})
    found = ids(kb.ask(query))
    assert set(found[:2]) == {"1", "2"}


def test_thesaurus_links_british_and_american_spellings(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Labour inspection improved."),
                "2": lesson_page("2", description="Market prices rose.")})
    assert ids(kb.ask("labor inspection")) == ["1"]
    assert kb.ask("labor inspection").corrections == ()


def test_own_synonyms_extend_the_thesaurus(kb_of):
    pages = {"1": lesson_page("1", description="Water, sanitation and hygiene in schools."),
             "2": lesson_page("2", description="Roads in schools.")}
    assert ids(kb_of(pages).ask("wash")) == []
    options = SearchOptions(synonyms={"wash": ("water sanitation and hygiene",)})
    assert ids(kb_of(pages, options).ask("wash")) == ["1"]


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


def test_filters_and_exclusions(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Child labour on cocoa farms."),
                "2": lesson_page("2", description="Child labour in brick kilns.", locations=(("India", "Asia and the Pacific"),)),
                "3": lesson_page("3", description="Child labour in mines.", themes=(("Child labour", "Child labour"),))})
    assert sorted(ids(kb.ask("child labour -cocoa"))) == ["2", "3"]
    assert ids(kb.ask("child labour country:India")) == ["2"]
    assert ids(kb.ask('child labour theme:"child labour"')) == ["3"]


def test_exact_phrase_needs_the_words_together(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Social dialogue built trust."),
                "2": lesson_page("2", description="Social protection and policy dialogue.")})
    assert ids(kb.ask('"social dialogue"')) == ["1"]
    assert sorted(ids(kb.ask("social dialogue"))) == ["1", "2"]


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


def test_nonsense_answers_nothing_with_suggestions(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Herders need social insurance.")})
    answer = kb.ask("xyzzy plorf")
    assert answer.hits == () and "xyzzy" in answer.notice
    near = kb.ask("herdexx")  # two edits from "herders": beyond the budget, so offered, not used
    assert near.hits == () and "herders" in near.suggestions
    weak = kb.ask("blorfing herdrs")  # one corrected guess beside an unknown word
    assert weak.hits == () and weak.notice


def test_summary_is_short_from_prose_and_highlights_the_matched_words(kb_of):
    long = "Delays in procurement held the project back for months " + "and months " * 40 + "."
    kb = kb_of({"1": lesson_page("1", description=f"{FILLER} Procurement delays stopped the road works. {long}",
                                 comments="N/A")})
    hit = kb.ask("procurement delays")
    summary = hit.hits[0].summary
    assert 0 < len(summary) <= 300 and "N/A" not in summary
    assert hit.hits[0].summary_field == "description"
    assert summary.startswith("Procurement delays stopped the road works.")
    marked = [summary[a:b] for a, b in hit.hits[0].highlights]
    assert marked[0] == "Procurement delays"  # neighbours merge into one highlight
    words = [w for span in marked for w in span.split()]
    assert {stem(fold(w)) for w in words} == {stem("procurement"), stem("delays")}


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


def test_related_lists_the_most_similar_lessons(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Child labour on cocoa farms fell when cooperatives paid premiums."),
                "2": lesson_page("2", description="Cocoa cooperatives paid premiums and child labour fell."),
                "3": lesson_page("3", description="Roads were repaired by local contractors."),
                "4": lesson_page("4", description="Cooperatives sold honey.")})
    related = [h.lesson.id for h in kb.related("1")]
    assert related[:2] == ["2", "4"] and "1" not in related
    assert kb.related("nope") == []


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


def test_paging_through_results(kb_of):
    kb = kb_of({str(i): lesson_page(str(i), description="Cooperatives " * i + FILLER) for i in range(1, 8)})
    first, second = kb.ask("cooperatives", limit=3), kb.ask("cooperatives", limit=3, offset=3)
    assert first.total == second.total == 7
    assert not set(ids(first)) & set(ids(second)) and second.offset == 3


@pytest.mark.parametrize(
    ("text", "spans", "merged"),
    [
        ("social insurance for herders", [(0, 6), (7, 16), (21, 28)], ((0, 16), (21, 28))),
        ("social insurance", [(0, 10), (7, 16)], ((0, 16),)),
        ("social insurance", [(7, 16), (0, 6), (0, 6)], ((0, 16),)),
        ("a, b", [(0, 1), (3, 4)], ((0, 1), (3, 4))),
        ("abc", [(2, 9), (-1, 1), (1, 1)], ()),
    ],
)
def test_highlight_spans_merge_into_one_policy(text, spans, merged):
    from knowledge.summary import merge_spans

    assert merge_spans(text, spans) == merged
