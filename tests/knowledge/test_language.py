"""The English language beyond the lessons: the tables the package ships (irregular forms, how
common each stem is), against the libraries they are derived from, and what they bring to a question."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.language import irregular_forms

from ..conftest import lesson_page
from .conftest import FILLER, ids

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "language-tables.py"


@pytest.fixture(scope="module")
def derive():
    """The script that writes the tables, loaded as a module (its derivations are the reference)."""
    spec = importlib.util.spec_from_file_location("language_tables_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_what_lemminflect_gives_now(derive):
    """Every word of the table, a regular sample of the rest of lemminflect's dictionary (every
    25th word: about 2,400, most with no irregular form) and the words the README names: the table
    agrees with lemminflect on each (the whole dictionary would take 5 s)."""
    from knowledge.language import _irregular

    words = derive.dictionary_words()
    assert len(words) > 50_000
    sample = [*_irregular(), *words[::25], "woman", "writing", "pay", "teaching", "fisherman", "children", "went"]
    disagree = {w: (irregular_forms(w), derive.irregular_forms(w)) for w in sample
                if list(irregular_forms(w)) != derive.irregular_forms(w)}
    assert not disagree, f"irregular-forms.txt is stale: run scripts/{SCRIPT.name}; {list(disagree.items())[:5]}"
    assert len(_irregular()) > 6000


@pytest.mark.parametrize("word, form", [("woman", "women"), ("writing", "written"), ("pay", "paid"),
                                        ("child", "children"), ("teaching", "taught")])
def test_irregular_forms_are_listed(word, form):
    assert form in irregular_forms(word)


def test_regular_forms_are_left_to_the_stemmer():
    assert irregular_forms("insured") == ()  # Snowball already brings insure/insured/insurance together
    assert irregular_forms("no-such-word") == ()


def test_a_question_finds_a_lesson_through_an_irregular_form(kb_of):
    """No lesson says "teaching" (nor a one-letter slip of it); one says "taught"."""
    kb = kb_of({"1": lesson_page("1", description=f"Cooperative members were taught bookkeeping. {FILLER}"),
                "2": lesson_page("2", description=f"Farmers joined a savings group. {FILLER}")})
    assert ids(kb.ask("teaching")) == ["1"]


def test_the_package_answers_without_lemminflect():
    """lemminflect is a test dependency only (a user's install lacks it): the package reads the table."""
    code = ("import sys; from knowledge.language import irregular_forms, warm; warm(); "
            "assert 'women' in irregular_forms('woman'); assert 'lemminflect' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_the_shipped_english_stem_counts_are_what_the_word_list_gives_now(derive):
    """The counts by stem against pyspellchecker's list grouped again (the whole list: the
    grouping takes under a second), and what the search reads of them."""
    from knowledge.language import _english_stems, english_shares

    total, counts = derive.stem_counts()
    shipped_total, shipped = _english_stems()
    assert shipped_total == total
    expected = {s: n for s, n in counts.items() if n >= derive.RAREST * total}
    assert shipped == expected, "knowledge/data/english-stems.txt is stale: run scripts/language-tables.py"
    keep, herder, unknown = english_shares(["keep", "herder", "zzzq"], 120)
    assert 0.1 < keep < 0.5 and herder < 0.01 and unknown == 0.0


def test_english_words_near_a_typo_are_those_a_comparison_with_every_candidate_finds():
    """`english_near` compares a typo only with the words whose letters are near its own (an edit
    changes at most two of the letters a word has): the words and edits it returns are those of a
    comparison with every word of the same first letter and length range, for typos of one and
    two edits, swapped letters, words of other letters, and a few characters outside a-z."""
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from knowledge.language import _english_by_start, english_near, english_words
    from knowledge.spelling import edit_budget

    def everywhere(word: str, budget: int, limit: int) -> list[tuple[str, int]]:
        pools = _english_by_start()
        pool = [w for n in range(len(word) - budget, len(word) + budget + 1) for w in pools.get((word[0], n), ())]
        found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=budget, limit=limit * 4)
        counts = english_words()
        ranked = sorted(((w, int(d)) for w, d, _ in found if d > 0), key=lambda wd: (wd[1], -counts[wd[0]], wd[0]))
        return ranked[:limit]

    rng = random.Random(3)
    words = [w for w in sorted(english_words()) if len(w) >= 5]
    typos = ["protecion", "goveernment", "safaety", "laibour", "insurnce", "employmnt", "cafés", "co-operativ"]
    for word in rng.sample(words, 150):
        i = rng.randrange(1, len(word) - 1)
        typos += [word[:i] + word[i + 1:], word[:i] + rng.choice("aeiourst") + word[i:],
                  word[:i] + word[i + 1] + word[i] + word[i + 2:], word[:i] + "xq" + word[i + 2:]]
    compared = 0
    for typo in typos:
        budget = edit_budget(typo)
        for limit in (1, 5):
            expected = everywhere(typo, budget, limit)
            assert english_near(typo, budget, limit) == expected, typo
            compared += bool(expected)
    assert compared > len(typos)  # most typos have English words near them
