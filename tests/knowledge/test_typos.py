"""The look-ups for typos one question may make: a few distinct words, each looked up once."""
from __future__ import annotations

from knowledge import SearchOptions
from knowledge.typos import TypoChecks

from ..conftest import lesson_page
from .conftest import ids


def test_checks_allow_a_few_distinct_words_and_repeats_of_them():
    checks = TypoChecks(limit=2, longest=10)
    assert checks.allow("herdres") and checks.allow("insurnce") and checks.allow("herdres")
    assert not checks.allow("cooperatvies") and checks.skipped == []  # 12 letters: too long, not "skipped"
    assert checks.too_long == ["cooperatvies"]
    assert not checks.allow("honney") and checks.skipped == ["honney"]


def test_checks_look_each_word_up_once():
    checks, calls = TypoChecks(limit=5, longest=50), []
    for _ in range(3):
        assert checks.once("near", "herdres", lambda: calls.append(1) or ["herders"]) == ["herders"]
    assert calls == [1]


def test_typos_past_the_budget_are_taken_as_typed_and_the_notice_says_so(kb_of):
    pages = {"1": lesson_page("1", description="Herders need insurance."),
             "2": lesson_page("2", description="Cooperatives sold honey.")}
    generous, strict = kb_of(pages), kb_of(pages, SearchOptions(max_typo_checks=1))
    assert ids(generous.ask("herdres insurnce")) == ["1"]
    assert ("insurnce", "insurance") in generous.ask("herdres insurnce").corrections
    answer = strict.ask("herdres insurnce")
    assert answer.corrections == (("herdres", "herders"),)
    assert "max_typo_checks" in answer.notice and "insurnce" in answer.notice
