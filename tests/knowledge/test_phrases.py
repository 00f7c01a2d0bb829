"""Quoted phrases, read on the index's token stream: stems together, in order, in one field."""
from __future__ import annotations

from ..conftest import lesson_page
from .conftest import ids


def test_a_phrase_needs_its_words_together_and_in_order(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Social dialogue built trust."),
                "2": lesson_page("2", description="Dialogue on social protection."),
                "3": lesson_page("3", description="Social policy needs dialogue.")})
    assert ids(kb.ask('"social dialogue"')) == ["1"]


def test_a_phrase_is_read_as_the_index_reads_words(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Social dialogues were held."),
                "2": lesson_page("2", description="Access to finance for women.")})
    assert ids(kb.ask('"social dialogue"')) == ["1"]  # word endings aside
    assert ids(kb.ask('"access to finance"')) == ["2"]  # common words aside
    assert ids(kb.ask('"access finance"')) == ["2"]


def test_a_phrase_never_spans_two_fields_or_two_lessons(kb_of):
    kb = kb_of({"1": lesson_page("1", "Training on social", description="Dialogue was rare."),
                "2": lesson_page("2", description="It ended with social"),
                "3": lesson_page("3", "Dialogue first", description="Nothing else.")})
    assert ids(kb.ask('"social dialogue"')) == []


def test_a_phrase_of_a_word_no_lesson_has_matches_nothing_and_of_common_words_only_asks_nothing(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Herders need social insurance.")})
    assert ids(kb.ask('herders "social zzyzx"')) == []
    assert ids(kb.ask('herders "of the"')) == ["1"]
