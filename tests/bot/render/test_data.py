"""The JSON contract: one headline for every door, merged highlight spans, every documented key."""
from __future__ import annotations

from bot.render.blocks import answer_message
from bot.render.data import answer_to_dict, headline
from bot.render.text import answer_to_markdown, answer_to_text
from knowledge import Answer, Hit, Lesson

LESSON = Lesson(id="7", url="https://x.org/lessons/7", title="Herders")


def test_the_json_carries_the_headline_every_door_shows():
    answer = Answer(query="herders", total=12, offset=5, filters=(("country", "Mongolia"),),
                    hits=(Hit(LESSON, 1.0, "Herders need it.", "description", ((0, 7),)),))
    line = headline(answer)
    assert line == "6–6 of 12 lessons · country: Mongolia"
    assert answer_to_dict(answer)["headline"] == line
    assert answer_to_text(answer).startswith(line + "\n")
    assert line in answer_to_markdown(answer)
    assert answer_message(answer)["text"].startswith(line)


def test_the_headline_of_no_match_gives_suggestions():
    data = answer_to_dict(Answer(query="herdexx", suggestions=("herders",)))
    assert data["headline"] == "No lessons match 'herdexx'. Try: herders."
    assert data["results"] == []


def test_results_carry_matched_terms_grouped_and_merged_highlights():
    hit = Hit(LESSON, 0.123456, "Herders need social insurance.", "success", ((13, 19), (20, 29), (0, 7)),
              matched_terms=("herders", "social insurance"), grouped=("8", "9"))
    (result,) = answer_to_dict(Answer(query="q", total=1, hits=(hit,)))["results"]
    assert result["highlights"] == [[0, 7], [13, 29]]
    assert result["matched_terms"] == ["herders", "social insurance"] and result["grouped"] == ["8", "9"]
    assert result["score"] == 0.1235
