"""A lesson's reference in every format: what the lesson says, and nothing it does not."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from knowledge import BUNDLED_LESSONS, Lesson, parse_bytes
from knowledge.citation import FORMATS, bibtex_key, cite

ACCESSED = date(2025, 5, 2)
URL = "https://webapps.ilo.org/ievaldiscovery/lessons/252474"
EVALUATION = ("Extending Social Protection to Herders with Enhanced Shock Responsiveness in Mongolia"
              " - Joint final evaluation")


@pytest.fixture(scope="module")
def seed() -> Lesson:
    return parse_bytes((BUNDLED_LESSONS / "252474.txt").read_bytes()).lesson


#: A lesson with only an id: no evaluation title or number, no URL (and, like every page, no year).
SPARSE = Lesson(id="77", url="", title="")


def test_text_names_lesson_evaluation_database_organisation_url_and_access(seed):
    assert cite(seed, "text", ACCESSED) == (
        f'Lesson learned 252474, from the evaluation "{EVALUATION}" (evaluation 3474). '
        f"i-eval Discovery, International Labour Organization (ILO). {URL} (accessed 2 May 2025).")


def test_apa_has_no_author_and_no_date_so_the_title_leads_and_n_d_follows(seed):
    assert cite(seed, "apa", ACCESSED) == (
        f"Lesson learned 252474: {EVALUATION} (Evaluation 3474). (n.d.). In i-eval Discovery. "
        f"International Labour Organization (ILO). Retrieved May 2, 2025, from {URL}")


def test_bibtex_is_a_misc_entry_with_a_stable_key(seed):
    assert cite(seed, "bibtex", ACCESSED) == (
        "@misc{lesson-252474,\n"
        f"  title = {{{{Lesson learned 252474: {EVALUATION}}}}},\n"
        "  howpublished = {i-eval Discovery},\n"
        "  publisher = {International Labour Organization ({ILO})},\n"
        "  note = {Evaluation 3474},\n"
        f"  url = {{{URL}}},\n"
        "  urldate = {2025-05-02},\n"
        "}")


def test_ris_has_one_tag_a_line_and_ends_the_record(seed):
    assert cite(seed, "ris", ACCESSED).split("\n") == [
        "TY  - ELEC",
        "TI  - Lesson learned 252474",
        f"T2  - {EVALUATION}",
        "AN  - 252474",
        "N1  - Evaluation 3474",
        "PB  - International Labour Organization (ILO)",
        "DB  - i-eval Discovery",
        f"UR  - {URL}",
        "Y2  - 2025/05/02",
        "ER  - ",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_sparse_lesson_states_only_its_id(fmt):
    reference = cite(SPARSE, fmt, ACCESSED)
    assert "77" in reference
    for invented in ("Evaluation", "evaluation", "ILO", "International Labour", "Discovery", "http", "year"):
        assert invented not in reference, f"{fmt}: {invented!r} was not in the lesson"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_year_is_given_because_the_pages_have_none(seed, fmt):
    reference = cite(seed, fmt)  # no accessed date either: a pure function does not read the clock
    assert not re.search(r"\b(19|20)\d\d\b", reference)
    assert "accessed" not in reference.lower() and "retrieved" not in reference.lower()
    assert "urldate" not in reference and "Y2  -" not in reference


def test_only_an_ilo_address_names_the_database_and_the_organisation():
    elsewhere = Lesson(id="5", url="https://example.org/ievaldiscovery/lessons/5", title="A", eval_number="9")
    for fmt in FORMATS:
        reference = cite(elsewhere, fmt, ACCESSED)
        assert "ILO" not in reference and "Discovery" not in reference
        assert "https://example.org/ievaldiscovery/lessons/5" in reference


def test_a_lesson_without_an_evaluation_number_omits_it(seed):
    lesson = replace(seed, eval_number="")
    for fmt in FORMATS:
        assert "3474" not in cite(lesson, fmt, ACCESSED)


def _braces_balance(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        escaped = index > 0 and text[index - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_escapes_tex_specials_so_the_entry_stays_valid():
    title = r"50% of {workers} & #1 $costs_paid ~ ^ \ done"
    lesson = Lesson(id="8", url="https://webapps.ilo.org/ievaldiscovery/lessons/8?a={b}", title=title)
    entry = cite(lesson, "bibtex")
    assert (r"50\% of \{workers\} \& \#1 \$costs\_paid \textasciitilde{} \textasciicircum{} "
            r"\textbackslash{} done") in entry
    assert "url = {https://webapps.ilo.org/ievaldiscovery/lessons/8?a=%7Bb%7D}" in entry
    assert _braces_balance(entry)
    assert re.fullmatch(r"@misc\{[A-Za-z0-9_-]+,\n(  [a-z]+ = \{.*\},\n)+\}", entry)


@pytest.mark.parametrize("lesson_id, key", [("252474", "lesson-252474"), ("ab c/é", "lesson-ab-c--")])
def test_the_bibtex_key_depends_only_on_the_id(lesson_id, key):
    assert bibtex_key(lesson_id) == key


def test_white_space_inside_fields_cannot_break_an_ris_record():
    lesson = Lesson(id="9", url="https://webapps.ilo.org/ievaldiscovery/lessons/9", title="Two\nlines\tand  more")
    lines = cite(lesson, "ris").split("\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines)
    assert "T2  - Two lines and more" in lines


def test_an_unknown_format_is_refused_with_the_formats_named(seed):
    with pytest.raises(ValueError, match="text, apa, bibtex, ris"):
        cite(seed, "mla")
