"""Property-based tests: whatever arrives, the parser, the query parser and the search answer
with a value or a clear error, never anything else. Bounded so CI stays fast."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import Answer, KnowledgeBase, LessonFileError, QueryError, parse_bytes
from knowledge.query import FILTER_NAMES, parse_query

from ..conftest import SEED

BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED_BYTES = SEED.read_bytes()


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.from_paths([])


@BOUNDED
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_lesson_or_a_clear_error(data):
    try:
        parsed = parse_bytes(data, "fuzz.txt")
    except LessonFileError as error:
        assert str(error).startswith("fuzz.txt") and error.reason
    else:
        assert parsed.lesson.id and parsed.lesson.url


@BOUNDED
@given(st.integers(0, len(SEED_BYTES)), st.binary(max_size=64), st.integers(0, 64))
def test_damaged_seed_gives_a_lesson_or_a_clear_error(at, insert, cut):
    data = SEED_BYTES[:at] + insert + SEED_BYTES[at + cut:]
    try:
        parsed = parse_bytes(data, "damaged.txt")
    except LessonFileError as error:
        assert error.reason
    else:
        assert "\r" not in parsed.lesson.description and parsed.lesson.id


@BOUNDED
@given(st.text(max_size=300))
def test_query_parser_accepts_any_text(text):
    query = parse_query(text)
    assert all(name in FILTER_NAMES and value for name, value in query.filters)
    assert all(word for word in query.excluded)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_search_answers_any_text_or_refuses_it_clearly(kb, text):
    try:
        answer = kb.ask(text, limit=5)
    except QueryError as error:
        assert len(text) > kb.options.max_query_chars and "limit is" in str(error)
    else:
        assert isinstance(answer, Answer) and len(answer.hits) <= 5
        assert answer.total >= len(answer.hits)
        for hit in answer.hits:
            assert all(0 <= start < end <= len(hit.summary) for start, end in hit.highlights)
