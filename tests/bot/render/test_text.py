"""Rendering an answer: the JSON and text forms show what the search understood; the Markdown
(the webhook's `text`) links, bolds query words and escapes."""
from __future__ import annotations

from bot.render.data import answer_to_dict
from bot.render.text import answer_to_markdown, answer_to_text
from knowledge import Answer, Hit, KnowledgeBase, Lesson, narrowed

from ...conftest import lesson_page


def test_answer_to_markdown_numbers_links_and_quotes_each_hit():
    lesson = Lesson(id="7", url="https://x.org/lessons/7", title="Herders *first*", eval_number="12",
                    eval_title="An evaluation", eval_url="https://x.org/eval/12",
                    themes=(("Social protection", "Protection"),), locations=(("Mongolia", "Asia"),))
    answer = Answer(query="herders", total=3, offset=1,
                    hits=(Hit(lesson, 1.0, "Herders need it.", "description", ((0, 7),)),))
    assert answer_to_markdown(answer) == (
        "**herders**: 2–2 of 3 lessons\n"
        "\n"
        r"2. **[Herders \*first\*](https://x.org/lessons/7)**" "\n"
        "   Mongolia · Asia · Social protection, Protection\n"
        "   > **Herders** need it. _(description)_\n"
        "   [Evaluation 12: An evaluation](https://x.org/eval/12)\n"
    )


def test_answer_to_markdown_without_hits_is_the_headline():
    answer = Answer(query="<!channel>", suggestions=("herders",))
    assert answer_to_markdown(answer) == "No lessons match '\\<\\!channel\\>'. Try: herders.\n"



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
    assert data["facets"]["country"] == [{"value": "Mongolia", "count": 1, "query": narrowed(answer.query,
                                                                                          "country", "Mongolia")}]
    text = answer_to_text(answer)
    assert "herdres → herders" in text and "(challenges)" in text and "country: Mongolia (1)" in text


def test_text_of_no_match_gives_the_reason_and_suggestions(make_lessons):
    kb = KnowledgeBase.from_paths([make_lessons({"1": lesson_page("1", description="Herders need insurance.")})])
    text = answer_to_text(kb.ask("herdexx"))
    assert text.startswith("No lessons match 'herdexx'.") and "herders" in text
