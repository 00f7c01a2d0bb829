"""Block Kit rendering: pure functions, tested on hand-made answers (no Slack, no network)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render.blocks import (
    ACTION_MORE,
    ACTION_SHARE,
    MAX_BLOCKS,
    MAX_BUTTON_VALUE,
    MAX_SECTION_CHARS,
    answer_message,
    decode_value,
    encode_value,
    header_line,
    help_message,
    home_view,
    narrowing,
)
from bot.render.buttons import ACTION_CITE, ACTION_SIMILAR
from knowledge import Answer, Hit, Lesson

URL = "https://webapps.ilo.org/ievaldiscovery/lessons/{}"


def lesson(n: int = 1, title: str = "Herders and insurance - Final evaluation", **fields) -> Lesson:
    defaults = dict(id=str(n), url=URL.format(n), title=title, eval_number="3474",
                    eval_title="The evaluation of herders", eval_url="https://webapps.ilo.org/ievaldiscovery/eval/3474",
                    themes=(("Social protection", "Employment"),), locations=(("Mongolia", "Asia and the Pacific"),))
    return Lesson(**{**defaults, **fields})


def hit(n: int = 1, summary: str = "Herders need social insurance.", spans=((0, 7),), field="success", **fields) -> Hit:
    return Hit(lesson(n, **fields), 0.9, summary, field, tuple(spans))


def answer(hits=(), query: str = "herders", total: int | None = None, **fields) -> Answer:
    hits = tuple(hits)
    return Answer(query=query, hits=hits, total=len(hits) if total is None else total, **fields)


def sections(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def all_buttons(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def rendered(node) -> list[str]:
    """Every text Slack shows: the fallback and each `text` in the blocks."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "text" and isinstance(v, str)] + \
            [t for k, v in node.items() if k not in ("value", "metadata") for t in rendered(v)]
    if isinstance(node, list):
        return [t for item in node for t in rendered(item)]
    return []


def assert_within_limits(message: dict) -> None:
    assert message["text"].strip()
    assert len(message["blocks"]) <= MAX_BLOCKS
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # slack_sdk's own Block Kit validators
    for block in message["blocks"]:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_CHARS
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["value"]) <= MAX_BUTTON_VALUE
                assert len(element["text"]["text"]) <= 75
    assert len(json.dumps(message["blocks"], ensure_ascii=False)) <= 13000


# -- answers ------------------------------------------------------------------------------------

def test_header_counts_filters_and_corrections():
    a = answer([hit(i) for i in range(1, 6)], query="socail country:Mongolia", total=12,
               filters=(("country", "Mongolia"),), corrections=(("socail", "social"),))
    assert header_line(a) == "*5 of 12 lessons · country: Mongolia · socail → social*"


def test_card_links_title_and_evaluation_and_names_the_source_field():
    message = answer_message(answer([hit(7, title="Herders & co - Final evaluation")]))
    card = sections(message)[1]
    assert card.startswith(f"*1. <{URL.format(7)}|Herders &amp; co - Final evaluation>*")
    assert "Mongolia · Asia and the Pacific · Social protection, Employment" in card
    assert ">*Herders* need social insurance." in card
    context = json.dumps(message["blocks"][2])
    assert "From the lesson's success" in context
    assert "<https://webapps.ilo.org/ievaldiscovery/eval/3474|The evaluation of herders>" in context


def test_no_match_says_so_plainly_with_suggestions_and_no_cards():
    message = answer_message(answer([], query="herderz", suggestions=("herders", "health")))
    assert "No lessons match" in message["text"]
    assert "herders, health" in sections(message)[0]
    assert len(sections(message)) == 1 and not all_buttons(message)
    assert "metadata" not in message


def test_question_is_restated_only_when_asked_for():
    a = answer([hit()], query="herders <!here>")
    assert "_You asked:_ herders &lt;!here&gt;" in json.dumps(answer_message(a, asked=True)["blocks"][0])
    assert "You asked" not in json.dumps(answer_message(a)["blocks"])


def test_more_share_and_narrowing_buttons_carry_query_and_page():
    a = answer([hit(i) for i in range(1, 6)], query="herders", total=12,
               facets={"country": (("Mongolia", 3), ("Peru", 12)), "theme": (("Social protection", 5),)})
    message = answer_message(a, share=True)
    by_id = {b["action_id"]: b for b in all_buttons(message)}
    assert decode_value(by_id[ACTION_MORE]["value"]) == ("herders", 5)
    assert decode_value(by_id[ACTION_SHARE]["value"]) == ("herders", 0)
    labels = [b["text"]["text"] for k, b in by_id.items() if k.startswith("lessons_narrow_")]
    assert labels == ["Social protection (5)", "Mongolia (3)"]  # Peru holds all 12: it would not narrow
    assert decode_value(by_id["lessons_narrow_1"]["value"]) == ('herders country:"Mongolia"', 0)
    assert message["metadata"]["event_payload"] == {"q": "herders", "o": 5, "total": 12}


def test_static_copy_has_no_buttons_and_names_who_shared_without_notifying_them():
    a = answer([hit()], total=9)
    message = answer_message(a, buttons=False, shared_by="ana")
    assert not all_buttons(message)
    assert "Shared by ana:" in json.dumps(message["blocks"][0])
    assert "<@" not in json.dumps(message)  # a mention would notify the sharer of their own share
    hostile = json.dumps(answer_message(a, buttons=False, shared_by="<!channel> <@U1>")["blocks"])
    assert "<!channel>" not in hostile and "<@" not in hostile


def test_narrowing_skips_filters_already_applied_and_values_with_quotes():
    a = answer([hit(), hit(2)], total=10, filters=(("country", "Mongolia"),),
               facets={"country": (("Mongolia", 4), ('Bad "name"', 3), ("Peru", 2))})
    assert narrowing(a, 3) == [("Peru (2)", 'herders country:"Peru"')]
    assert narrowing(a, 0) == []


def test_narrowing_never_builds_a_query_over_the_limit():
    a = answer([hit(), hit(2)], query="x" * 495, total=10, facets={"country": (("Mongolia", 4),)})
    assert narrowing(a, 3, max_query_chars=500) == []


def test_button_values_stay_within_slacks_limit():
    assert encode_value('"' * 1500, 0) is None
    a = answer([hit()], query='"' * 1500, total=20)
    message = answer_message(a, share=True, grouped=False)
    # Only the buttons whose value does not carry the question are left: Cite and Similar lessons.
    assert {b["action_id"] for b in all_buttons(message)} == {ACTION_CITE, ACTION_SIMILAR}
    assert_within_limits(message)


@pytest.mark.parametrize("value", ["", "{", "[]", '{"q": 3}', '{"q": "x", "o": -1}', '{"q": "x", "o": true}',
                                   '{"q": "x", "o": "2"}', None, "[" * 5000])
def test_decode_value_refuses_what_we_did_not_write(value):
    assert decode_value(value) is None


def test_many_hits_stop_at_slacks_limits_and_more_continues_after_the_last_shown():
    a = answer([hit(i, summary="insurance " * 200, spans=()) for i in range(1, 61)], total=100)
    message = answer_message(a, share=True)
    assert_within_limits(message)
    shown = sum(1 for s in sections(message) if s.startswith("*") and "<https://" in s)
    assert 0 < shown < 60
    more = next(b for b in all_buttons(message) if b["action_id"] == ACTION_MORE)
    assert decode_value(more["value"]) == ("herders", shown)
    assert "did not fit" in json.dumps(message["blocks"])


def test_hostile_lesson_and_query_text_never_becomes_markup():
    hostile = "<!channel> <@U123> <https://evil.example|click> & <!here>"
    big = ("Herders <!everyone> & more. " * 8000)[:200_000]
    h = Hit(lesson(1, title=hostile, eval_title=hostile, locations=((hostile, hostile),),
                   themes=((hostile, hostile),)), 0.5, big, "description", ((0, 7), (8, 20)))
    message = answer_message(answer([h], query=hostile, total=1,
                                    facets={"country": ((hostile, 1),)}), asked=True, share=True)
    assert_within_limits(message)
    everything = "\n".join(rendered(message))  # button values and metadata are data, never shown
    for live in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil"):
        assert live not in everything


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=500), summary=st.text(max_size=4000), query=st.text(max_size=500),
       n=st.integers(min_value=1, max_value=60))
def test_any_input_keeps_slacks_limits(title, summary, query, n):
    spans = tuple((i, i + 3) for i in range(0, len(summary) - 3, 7))
    hits = [Hit(lesson(i, title=title), 0.5, summary, "context", spans) for i in range(n)]
    message = answer_message(answer(hits, query=query, total=n + 5), asked=True, share=True)
    assert_within_limits(message)
    for section in sections(message):
        assert "<!" not in section


def test_help_shows_filters_and_the_configured_command():
    text = json.dumps(help_message("/ask"))
    assert "/ask child labour country:Philippines" in text and "region:" in text and "more" in text


def test_home_view_says_what_the_bot_knows(bundled):
    kb = bundled
    view = home_view(len(kb), kb.loaded_at, kb.stats(), "/lessons")
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    View(**view).validate_json()
    text = json.dumps(view, ensure_ascii=False)
    assert f"*{len(kb)} lessons*" in text and "Asia and the Pacific" in text and "Top themes" in text
    assert "loaded 20" in text and "/lessons" in text


def test_longest_fields_still_fit_one_section():
    url = "https://webapps.ilo.org/" + "a" * 970
    long = "&" * 5000
    h = Hit(lesson(1, url=url, title=long, eval_url=url, eval_title=long, locations=((long, long),),
                   themes=((long, long),)), 0.5, long, "context", ((0, 4000),))
    message = answer_message(answer([h], total=1))
    assert_within_limits(message)
    assert f"<{url}|" in sections(message)[1]
