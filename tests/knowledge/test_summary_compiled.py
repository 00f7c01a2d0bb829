"""A large index summarizes the shown lessons in one compiled pass (`summary.Marker`,
`sentences.sentence_marks`); a small one in Python (`summary.summarize`). Both must give the same
sentences, fields and highlights, to the character."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import Lesson
from knowledge.summary import FALLBACK_ORDER, Marker, _spans, cut_sentences, prose, summarize
from knowledge.text import stem, words

BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: The characters the sentence rules turn on: marks, white space the regular expression's \s
#: knows (\x0b, \x1c), newlines, stripped hyphens and tabs, letters of either case and digits.
TRICKY = "ab AB.!?\n\t-\x0b\x1c5"


def cut(fields: list[str]) -> list[list[tuple[int, int, int, int]]]:
    """Each field's sentences as the kernel cuts them: (start, end, position, mask)."""
    from knowledge import sentences

    data = np.frombuffer("\n".join(fields).encode("ascii"), np.uint8)
    ends = np.cumsum([len(f) + 1 for f in fields]).astype(np.int64) - 1
    size = len(data) // 2 + 1
    out, mask = np.empty((7, size), np.int64), np.empty(size, np.uint64)
    n, _ = sentences.sentence_marks(data, ends, np.zeros(0, np.uint8), np.zeros(0, np.int64), np.zeros(0, np.uint64),
                                 np.zeros(256, np.bool_), out[0], out[1], out[2], out[3], mask, out[4], out[5], out[6])
    found: list[list[tuple[int, int, int, int]]] = [[] for _ in fields]
    for f, s, e, p, m in zip(*out[:4, :n].tolist(), mask[:n].tolist(), strict=True):
        found[f].append((s, e, p, m))
    return found


@BOUNDED
@given(st.lists(st.text(alphabet=TRICKY, max_size=60), min_size=1, max_size=4))
def test_the_compiled_cut_is_the_regular_expressions(fields):
    for field, sentences in zip(fields, cut(fields), strict=True):
        expected = _spans(field, field.lower())
        assert [(s, e) for s, e, _, _ in sentences] == list(zip(expected.starts, expected.ends, strict=True)), field
        assert [p for _, _, p, _ in sentences] == list(range(len(sentences)))


@pytest.mark.parametrize("field", ["abc\n", "x.y", "a. b", "...abc", "rate 3.5 percent. Next one.", "ends!?\x0bthen",
                                   "- a -", "one.\n\ntwo?", "no mark at all", "tab\tend.\t", "a\x1c. b"])
def test_the_compiled_cut_keeps_the_regular_expressions_corners(field):
    expected = _spans(field, field.lower())
    assert [(s, e) for s, e, _, _ in cut([field])[0]] == list(zip(expected.starts, expected.ends, strict=True))


def weights_of(question: str) -> dict[str, float]:
    return {stem(w): 1.0 + len(w) / 10 for w in words(question)}


def spellings_of(lessons, weights) -> dict[str, str]:
    """Every word of the lessons with a wanted stem, as the index would list them."""
    text = " ".join(t for lesson in lessons for t in prose(lesson))
    return {w: stem(w) for w in words(text) if stem(w) in weights}


@pytest.mark.parametrize("question, intent", [
    ("social insurance for herders", ""), ("child labour cocoa", "challenges"), ("cote d'ivoire", ""),
    ("women cooperatives", "success"), ("employment services", ""), ("safety and health", "description"),
    ("the project", ""), ("zzz unknown", ""),
])
def test_compiled_summaries_are_those_of_python(question, intent, bundled):
    lessons = list(bundled)
    weights = weights_of(question)
    spellings = spellings_of(lessons, weights)
    marker = Marker(weights, spellings)
    assert marker.usable
    for limit in (300, 80):  # a short limit clips sentences and joins fewer
        made = marker.summaries([cut_sentences(lesson) for lesson in lessons], intent, limit)
        for lesson, summary in zip(lessons, made, strict=True):
            assert summary == summarize(lesson, weights, intent, limit, spellings=spellings), lesson.id
    # real lessons mix fields the kernel reads with fields left to Python (a typographic apostrophe)
    assert any(any(t.isascii() for t in prose(lesson)) and not all(t.isascii() for t in prose(lesson))
               for lesson in lessons)


#: Words of either case, digits, and words beyond ASCII: a field holding one is left to Python.
VOCABULARY = ["herders", "Herders", "insurance", "social", "fund", "the", "paid", "5", "c182", "x", "herders’",
              "Côte", "fund’s"]


@BOUNDED
@given(st.lists(st.lists(st.sampled_from([*VOCABULARY, ".", ". ", "! ", "\n", " - ", "?", " "]), max_size=40)
                .map("".join), min_size=4, max_size=4),
       st.sampled_from(["", *FALLBACK_ORDER[:3]]), st.integers(10, 120))
def test_compiled_summaries_of_any_prose_are_those_of_python(fields, intent, limit):
    lesson = Lesson(id="1", url="", title="t", **dict(zip(FALLBACK_ORDER[:4], fields, strict=True)))
    weights = {"herder": 1.5, "insur": 1.25, "5": 1.0, "c182": 2.0, "fund": 1.25}
    spellings = spellings_of([lesson], weights)
    marker = Marker(weights, spellings)
    assert marker.usable  # else this compares Python with itself
    (made,) = marker.summaries([cut_sentences(lesson)], intent, limit)
    assert made == summarize(lesson, weights, intent, limit, spellings=spellings)


@pytest.mark.parametrize("first, second", [("Cash reached the herders’ families.", "Cash reached the herders early."),
                                           ("Cash reached the herders early.", "Cash reached the herders’ families.")])
def test_a_tie_goes_to_the_earlier_field_whichever_way_each_is_read(first, second):
    """One field read by the kernel, the other (a typographic apostrophe) in Python: equal sentences
    tie, and the earlier field wins the tie as `summarize` has it."""
    lesson = Lesson(id="1", url="", title="t", description=first, success=second)
    weights, spellings = {"herder": 1.0}, {"herders": "herder"}
    (made,) = Marker(weights, spellings).summaries([cut_sentences(lesson)])
    assert made == summarize(lesson, weights, spellings=spellings)
    assert made[:2] == (first, "description")


def test_words_the_kernel_cannot_read_leave_the_summary_to_python():
    """The kernel reads a word as a run of letters and digits, and a sentence's words as bits of
    one 64-bit mask: a word of other characters, or a question of more stems, is left to Python."""
    assert not Marker({"d'ivoir": 1.0}, {"d'ivoire": "d'ivoir"}).usable
    assert not Marker({f"w{i}": 1.0 for i in range(65)}, {}).usable
    assert Marker({f"w{i}": 1.0 for i in range(64)}, {"w1": "w1", "côte": "w2"}).usable
