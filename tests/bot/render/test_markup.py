"""Escaping and links in Slack's mrkdwn and in Markdown: lesson text shows as itself, never as markup."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render.markup import escape, fit, link, markdown_escape, markdown_link, unescape

# -- mrkdwn -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, escaped", [
    ("<!channel>", "&lt;!channel&gt;"),
    ("R&D <b>", "R&amp;D &lt;b&gt;"),
    ("&amp;", "&amp;amp;"),
    ("it's \"fine\" *bold*", "it's \"fine\" *bold*"),  # only & < > are Slack's control characters
    ("", ""),
])
def test_escape(raw, escaped):
    assert escape(raw) == escaped
    assert unescape(escaped) == raw


@given(st.text())
def test_escaped_text_has_no_control_characters_and_round_trips(text):
    assert not set(escape(text)) & {"<", ">"}
    assert unescape(escape(text)) == text


@given(st.text(alphabet="a&<> ", max_size=300), st.integers(min_value=2, max_value=200))
def test_fit_stays_within_the_limit_and_never_cuts_an_entity(text, limit):
    out = fit(text, limit)
    assert len(out) <= limit
    assert not re.search(r"&(?!amp;|lt;|gt;)", out)


@pytest.mark.parametrize("url, expected", [
    ("https://x.org/a?b=1&c=2", "<https://x.org/a?b=1%26c=2|T>"),
    ("javascript:alert(1)", "T"),
    ("https://x.org/a|<!channel>", "T"),
    ("https://x.org/" + "a" * 5000, "T"),
    ("", "T"),
])
def test_only_plain_http_urls_become_links(url, expected):
    assert link(url, "T") == expected


# -- Markdown ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, markdown", [
    ("plain words", "plain words"),
    ("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`"),
    ("[click](javascript:alert(1))", r"\[click\]\(javascript:alert\(1\)\)"),
    ("<script>x</script>", r"\<script\>x\</script\>"),
    ("# heading | table ~strike~ !", r"\# heading \| table \~strike\~ \!"),
    ("ask @channel or @here, mail a@b", "ask @\u200bchannel or @\u200bhere, mail a@\u200bb"),
    ("line\nbreak\ttab", "line break tab"),
    ("back\\slash", "back\\\\slash"),
])
def test_markdown_escape_shows_the_text_and_nothing_else(text, markdown):
    assert markdown_escape(text) == markdown


@pytest.mark.parametrize("url, markdown", [
    ("https://example.org/a b(c)", "[L](https://example.org/a%20b%28c%29)"),
    ("javascript:alert(1)", "L"),
    ("", "L"),
])
def test_markdown_link_only_links_http_urls(url, markdown):
    assert markdown_link("L", url) == markdown


