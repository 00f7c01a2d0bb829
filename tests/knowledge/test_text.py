"""Text normalisation: folding, words, stems, stop words and question filler."""
from __future__ import annotations

import pytest

from knowledge.text import QUERY_FILLER, STOP_WORDS, fold, stem, stem_all, words

from ..conftest import lesson_page
from .conftest import FILLER, ids


@pytest.mark.parametrize("text, folded", [
    ("Türkiye", "turkiye"), ("Côte d’Ivoire", "cote d'ivoire"), ("São Tomé", "sao tome"), ("İstanbul", "istanbul"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_accents_and_typographic_quotes_are_folded(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Cocoa cooperatives in Côte d’Ivoire’s south.",
                                 locations=(("Côte d’Ivoire", "Africa"),)),
                "2": lesson_page("2", description="Cocoa cooperatives in Ghana.", locations=(("Ghana", "Africa"),))})
    answer = kb.ask("cocoa cote d'ivoire")
    assert ids(answer)[0] == "1"
    assert fold("İstanbul “Eskişehir”") == 'istanbul "eskisehir"'


def test_stemming_matches_other_forms_of_a_word(kb_of):
    kb = kb_of({"1": lesson_page("1", description=f"Herders were insured by the new scheme. {FILLER}"),
                "2": lesson_page("2", description=f"Fishers joined a savings group. {FILLER}")})
    assert ids(kb.ask("insurance for herder")) == ["1"]


def test_stop_words_and_filler_do_not_change_the_answer(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Cooperatives sold coffee together."),
                "2": lesson_page("2", description="The lesson of the project is about the show.")})
    assert ids(kb.ask("show me lessons on the cooperatives")) == ids(kb.ask("cooperatives")) == ["1"]


def test_words_are_folded_runs_of_letters_and_digits():
    assert words("Côte d’Ivoire's 2nd co-operative") == ["cote", "d", "ivoire", "s", "2nd", "co", "operative"]


def test_stem_all_agrees_with_stem():
    sample = ["herders", "insured", "insurance", "cooperatives", "labour"]
    assert stem_all(sample) == [stem(w) for w in sample]
    assert stem("insured") == stem("insurance")


def test_stop_words_and_question_filler_are_separate_lists():
    assert {"the", "of", "and"} <= STOP_WORDS and {"show", "lessons", "anything"} <= QUERY_FILLER
    assert not STOP_WORDS & {"herders", "insurance"}
