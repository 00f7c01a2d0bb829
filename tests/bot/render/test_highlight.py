"""The one highlight policy: Slack, the webhook's Markdown and the page mark the same words."""
from __future__ import annotations

import re

import pytest

from bot.render import highlight
from bot.render.blocks import answer_message
from bot.render.data import answer_to_dict
from bot.render.text import answer_to_markdown
from knowledge import Answer, Hit, Lesson

# -- Slack mrkdwn ------------------------------------------------------------------

@pytest.mark.parametrize("text, spans, expected", [
    ("Herders need social insurance.", [(0, 7)], "*Herders* need social insurance."),
    ("Herders need social insurance.", [(13, 19), (20, 29)], "Herders need *social insurance*."),
    ("a <b> & c", [(2, 5)], "a *&lt;b&gt;* &amp; c"),
    ("abc", [(2, 1), (0, 10), (-1, 2)], "abc"),  # nonsense spans are ignored
    ("abc def", [(0, 3), (1, 5)], "*abc d*ef"),  # overlapping: joined (merge_spans), as in Markdown
])
def test_mrkdwn_bolds_the_merged_spans(text, spans, expected):
    assert highlight.mrkdwn(text, spans, 3000) == expected


def test_mrkdwn_respects_the_limit():
    text = "insurance & " * 1000
    spans = [(m.start(), m.end()) for m in re.finditer("insurance", text)]
    out = highlight.mrkdwn(text, spans, 500)
    assert len(out) <= 500 and out.endswith("…")


# -- Markdown ------------------------------------------------------------------------------------

@pytest.mark.parametrize("spans, markdown", [
    ((), "herders need insurance"),
    (((0, 7),), "**herders** need insurance"),
    (((13, 22), (0, 7)), "**herders** need **insurance**"),
    (((0, 7), (3, 9)), "**herders n**eed insurance"),  # overlapping spans merge
    (((7, 13),), "herders **need** insurance"),  # spaces stay outside the markers
    (((18, 99),), "herders need insurance"),  # a span beyond the text is dropped (merge_spans), as in Slack
    (((0, 7), (8, 12)), "**herders need** insurance"),  # words apart only by white space: one mark
])
def test_markdown_bolds_the_merged_spans(spans, markdown):
    assert highlight.markdown("herders need insurance", spans) == markdown


# -- every door, the same words ------------------------------------------------------------------

SUMMARY = "Herders need social insurance for herders, and social  insurance pays."
#: The query's words as the search finds them: one span per word, one overlapping another.
SPANS = ((13, 19), (20, 29), (34, 41), (47, 53), (55, 64), (20, 25))


def marked(pattern: str, text: str) -> list[str]:
    return re.findall(pattern, text)


def test_slack_markdown_and_the_json_mark_the_same_words():
    lesson = Lesson(id="1", url="https://x.org/lessons/1", title="Herders")
    answer = Answer(query="social insurance herders", total=1, hits=(Hit(lesson, 1.0, SUMMARY, "success", SPANS),))
    slack = answer_message(answer)["blocks"][1]["text"]["text"]
    markdown = answer_to_markdown(answer)
    assert "*social insurance* for *herders*" in slack
    assert "**social insurance** for **herders**" in markdown
    words = ["social insurance", "herders", "social  insurance"]
    assert marked(r"(?<![*\w])\*([^*]+)\*(?![*\w])", slack.split(">", 1)[1]) == words
    assert marked(r"\*\*([^*]+)\*\*", markdown.split(">", 1)[1]) == words
    # The page wraps the JSON's spans as they are: they are already the merged ones.
    result = answer_to_dict(answer)["results"][0]
    assert [SUMMARY[start:end] for start, end in result["highlights"]] == words
