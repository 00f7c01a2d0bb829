"""The JSON and text forms of an answer show what the search understood."""
from __future__ import annotations

from bot.render import answer_to_dict, answer_to_text
from knowledge import KnowledgeBase

from ..conftest import lesson_page


def test_json_and_text_show_corrections_facets_summary_field_and_notice(make_lessons):
    kb = KnowledgeBase.from_paths([make_lessons({
        "1": lesson_page("1", challenges="Herders could not reach the insurance office in winter."),
        "2": lesson_page("2", description="Fishers joined savings groups."),
    })])
    answer = kb.ask("what went wrong for herdres insurance")
    data = answer_to_dict(answer)
    assert data["corrections"] == [{"from": "herdres", "to": "herders"}]
    result = data["results"][0]
    assert result["id"] == "1" and result["summary_field"] == "challenges"
    assert result["matched_terms"] == ["herders", "insurance"]
    assert {"id", "title", "url", "eval_url", "country", "region", "themes", "summary", "score"} <= set(result)
    assert data["facets"]["country"] == [{"value": "Mongolia", "count": 1}]
    text = answer_to_text(answer)
    assert "herdres → herders" in text and "(challenges)" in text and "country: Mongolia (1)" in text


def test_text_of_no_match_gives_the_reason_and_suggestions(make_lessons):
    kb = KnowledgeBase.from_paths([make_lessons({"1": lesson_page("1", description="Herders need insurance.")})])
    text = answer_to_text(kb.ask("herdexx"))
    assert text.startswith("No lessons match 'herdexx'.") and "herders" in text
