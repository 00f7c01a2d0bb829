"""The question budget: what a question may hold before it is refused, and the limits that refuse
nothing but say in the notice that they bit."""
from __future__ import annotations

import pytest

from knowledge import QueryError, SearchOptions

from ..conftest import lesson_page
from .conftest import common_words_corpus, ids


@pytest.fixture
def kb(kb_of):
    return kb_of({"1": lesson_page("1", description="Herders need social insurance and cooperatives."),
                  "2": lesson_page("2", description="Cooperatives sold honey to traders.",
                                   locations=(("Kenya", "Africa"),))})


@pytest.mark.parametrize("question, code, setting", [
    ('"a b" "c d" "e f" "g h" "i j" "k l" herders', "too_many_phrases", "max_phrases"),
    (" ".join(f"-w{i}" for i in range(6)) + " region:Africa " * 5 + "herders", "too_many_filters", "max_filters"),
    # a character that folds into four words (U+FDFA), 34 times: 103 words in 34 characters
    ("\ufdfa" * 34, "too_many_words", "max_words"),
])
def test_a_question_over_its_budget_is_refused_naming_the_setting(kb, question, code, setting):
    with pytest.raises(QueryError) as refused:
        kb.ask(question)
    assert refused.value.code == code and f"(setting {setting})" in str(refused.value)


def test_a_question_at_its_budget_is_searched(kb):
    at_the_caps = '"social insurance" "a b" "c d" "e f" "g h" herders ' + " ".join(f"-w{i}" for i in range(10))
    assert ids(kb.ask(at_the_caps)) == [] and kb.ask("\ufdfa" * 33).notice  # searched, nothing found


def test_the_budget_is_set_in_the_options(kb_of):
    roomy = kb_of({"1": lesson_page("1", description="Herders need social insurance.")},
                  SearchOptions(max_phrases=6))
    assert ids(roomy.ask('"a b" "c d" "e f" "g h" "i j" "herders need"')) == []
    with pytest.raises(ValueError, match="max_filters"):
        SearchOptions(max_filters=0)


def test_only_the_first_max_terms_words_are_searched_and_the_notice_says_so(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Honey and herders."),
                "2": lesson_page("2", description="Herders only.")},
               SearchOptions(max_terms=1, expansion_terms=0))
    answer = kb.ask("herders honey")
    assert sorted(ids(answer)) == ["1", "2"]  # honey was not searched: both lessons match herders alike
    assert "max_terms" in answer.notice and "honey" in answer.notice


def test_a_word_repeated_is_searched_once(kb):
    once, thrice = kb.ask("cooperatives"), kb.ask("cooperatives cooperatives cooperatives")
    assert [h.score for h in thrice.hits] == [h.score for h in once.hits]


def test_a_word_longer_than_max_word_chars_is_taken_as_typed_not_refused(kb):
    long_word = "cooperativ" * 6  # 60 letters: never looked up for a typo
    answer = kb.ask(f"cooperatives {long_word}")
    assert "max_word_chars" in answer.notice
    assert long_word not in answer.notice  # cut short when it is quoted
    chinese = kb.ask("社会保险牧民" * 20)  # a script without spaces is one long "word": answered, not refused
    assert chinese.hits == () and "max_word_chars" in chinese.notice


def test_words_past_max_typo_checks_weigh_as_average_words_not_as_names(kb_of):
    """A word the budget left unread may be a typo of a lesson's word: against the lessons'
    coverage it weighs as an average word, as a plain English word does, not as the rarest name
    (which would leave no lesson matching enough of the question)."""
    kb = kb_of(common_words_corpus(), SearchOptions(max_typo_checks=0, expansion_terms=0))
    answer = kb.ask("herders insurance ops hnoey trdaers", limit=10)  # two typos, neither looked up
    assert "max_typo_checks" in answer.notice and "hnoey" in answer.notice
    assert len(ids(answer)) == 10 and "11" not in ids(answer)
