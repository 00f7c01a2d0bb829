"""Summaries: the sentences that best answer a query, and the one highlight policy."""
from __future__ import annotations

import pytest

from knowledge import Lesson
from knowledge.summary import summarize
from knowledge.text import fold, stem

from ..conftest import lesson_page
from .conftest import FILLER


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


def test_the_sentence_with_the_query_words_as_whole_words_wins(kb_of):
    """"trade" is not in "trademarks" nor "tradecraft": the summary is the sentence that says it."""
    kb = kb_of({"1": lesson_page("1", description="Trademarks and tradecraft were discussed at length here. "
                                                  "Trade unions signed the agreement in May after long talks.")})
    hit = kb.ask("trade").hits[0]
    assert hit.summary.startswith("Trade unions signed")
    assert [hit.summary[a:b] for a, b in hit.highlights] == ["Trade"]


def test_the_sentence_with_more_of_the_question_wins_and_the_asked_part_breaks_ties(kb_of):
    kb = kb_of({"1": lesson_page(
        "1",
        description="Procurement was slow in the first year of the project. "
                    "Procurement delays held back the road works in every district.",
        challenges="Procurement rules changed twice during the second year.")})
    assert kb.ask("procurement delays").hits[0].summary.startswith("Procurement delays held back")
    wrong = kb.ask("what went wrong with procurement").hits[0]
    assert wrong.summary_field == "challenges" and wrong.summary.startswith("Procurement rules changed")


@pytest.mark.parametrize("question", ["social insurance for herders", "child labour cocoa", "cote d'ivoire",
                                      "women cooperatives", "employment services", "safety and health"])
def test_summaries_from_the_index_spellings_equal_those_from_reading_every_word(question, bundled):
    """The search passes the words it knows from its index (`spellings`) so that a summary need
    not read every word; the summary must be the one reading every word gives."""
    from knowledge.text import words

    weights = {stem(w): 1.0 + len(w) / 10 for w in words(question)}
    for lesson in bundled:
        text = " ".join(lesson.prose().values())
        spellings = {w: stem(w) for w in words(text) if stem(w) in weights}
        assert summarize(lesson, weights, spellings=spellings) == summarize(lesson, weights), lesson.id


def test_a_word_late_in_a_long_field_is_found_in_its_own_sentence(kb_of):
    """Each query word is found once in the field and placed in its sentence by where it stands:
    at the end of the eleventh sentence, it must not land in the twelfth."""
    filler = " ".join(f"Sentence number {i} says nothing of interest here." for i in range(10))
    kb = kb_of({"1": lesson_page("1", description=f"{filler} The fund finally paid the herders. "
                                                  "Roads were then paved by hand in every district of the province "
                                                  "over the following three years of the programme, one by one.")})
    hit = kb.ask("herders").hits[0]
    assert hit.summary.startswith("The fund finally paid the herders.")
    assert [hit.summary[a:b] for a, b in hit.highlights] == ["herders"]


@pytest.mark.parametrize("description", [
    "Nothing of note happened in this first part.\n5\nThe 5 regional offices were merged in the end.",
    "Nothing of note happened in this first part. - 5 -\nThe 5 regional offices were merged in the end.",
    "Nothing of note happened in this first part. – 5 –\nThe 5 regional offices were merged in the end.",
])
def test_a_word_between_sentences_counts_for_neither(description):
    """A fragment too short to be a sentence ("5" on a line of its own) is no sentence: the word in
    it must not be credited to the sentence before it, which would then win on being first. (An
    ASCII field is searched as a whole, so the fragment is in the text searched; another is not.)"""
    lesson = Lesson(id="1", url="", title="t", description=description)
    summary, _, spans = summarize(lesson, {"5": 1.0}, spellings={"5": "5"})
    assert summary == "The 5 regional offices were merged in the end."
    assert [summary[a:b] for a, b in spans] == ["5"]


@pytest.mark.parametrize("recruit, field", [(0.3, "challenges"), (0.7, "description")])
def test_a_later_field_with_fewer_query_words_wins_when_the_asked_part_lifts_it(recruit, field):
    """A field is skipped only when it cannot beat the best sentence so far: "what went wrong"
    lifts a challenges sentence holding one word (1.0 + 0.5) over a description sentence holding
    two (1.3), not over one worth more (1.7)."""
    lesson = Lesson(id="1", url="", title="t", description="Recruiting trainers for the centres took a year.",
                    challenges="The trainers left before the courses began.")
    weights = {stem("recruiting"): recruit, stem("trainers"): 1.0}
    summary, source, _ = summarize(lesson, weights, "challenges")
    assert source == field and summary == getattr(lesson, field)
