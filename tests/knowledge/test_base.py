"""The knowledge base: its public face, the queries it refuses (with a code), and what it counts."""
from __future__ import annotations

import types

import pytest

import knowledge
from knowledge import BUNDLED_LESSONS, KnowledgeBase, QueryError, SearchOptions


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_paths([], options=SearchOptions(max_query_chars=50, max_limit=10))


def test_bundled_sample_is_the_default_and_loads_cleanly():
    kb = KnowledgeBase.from_paths([])
    assert len(kb) == len(list(BUNDLED_LESSONS.glob("*.txt"))) == 45
    assert kb.report.ok and kb.report.warnings == ()
    assert kb.get("252474").country == "Mongolia"


@pytest.mark.parametrize(("query", "limit", "offset", "code", "message"), [
    ("x" * 51, 5, 0, "query_too_long", "the query is 51 characters long; the limit is 50"),
    (42, 5, 0, "query_not_text", "the query must be text"),
    ("herders", 0, 0, "invalid_limit", "limit must be between 1 and 10"),
    ("herders", 11, 0, "invalid_limit", "limit must be between 1 and 10"),
    ("herders", 5, -1, "invalid_offset", "offset must be 0 or more"),
])
def test_refused_queries_say_why_in_words_and_in_a_code(kb, query, limit, offset, code, message):
    with pytest.raises(QueryError, match=message) as refused:
        kb.ask(query, limit=limit, offset=offset)
    assert refused.value.code == code and code in QueryError.CODES


def test_a_query_error_needs_a_known_code():
    with pytest.raises(ValueError, match="unknown QueryError code"):
        QueryError("no", code="nope")


def test_explain_false_ranks_the_same_without_summaries(kb):
    full, bare = kb.ask("herders social insurance"), kb.ask("herders social insurance", explain=False)
    assert [(h.lesson.id, h.score) for h in full.hits] == [(h.lesson.id, h.score) for h in bare.hits]
    assert all(h.summary for h in full.hits) and not any(h.summary or h.highlights for h in bare.hits)
    kb.clear_caches()
    assert kb.ask("herders social insurance") == full


def test_search_is_the_short_form_of_ask_and_get_finds_by_id(kb):
    assert kb.search("herders social insurance", limit=3) == list(kb.ask("herders social insurance", limit=3).hits)
    assert kb.get("252474").id == "252474" and kb.get("nope") is None
    assert kb.related("252474", limit=0) == [] and kb.related("nope") == []


def test_stats_count_lessons_by_region_country_and_theme(kb):
    stats = kb.stats()
    assert set(stats) == {"region", "country", "theme"}
    assert stats["country"]["Mongolia"] == sum("Mongolia" in lesson.countries for lesson in kb)


def test_all_lists_every_public_name_and_each_exists():
    # submodules become attributes of the package once anything imports them: they are not API
    public = {name for name, value in vars(knowledge).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(knowledge.__all__) == public
    assert all(hasattr(knowledge, name) for name in knowledge.__all__)
