"""The query syntax, both ways: read a question's filters, exclusions and phrases
(`parse_query`), and write a filter into a question (`narrowed`).

Syntax: ``country:Mongolia``, ``region:"Arab States"``, ``theme:``, ``category:``, ``eval:3474``
(quoted values allowed), ``-word`` to exclude, ``"exact phrase"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import QUOTES

FILTER_NAMES = ("country", "region", "theme", "category", "eval")
_TOKEN = re.compile(
    r'(?P<filter>(?P<name>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+)))'
    r'|(?P<phrase>"(?P<phrase_text>[^"]*)"?)'
    r'|(?P<word>\S+)'
)


@dataclass(frozen=True)
class Query:
    """A parsed question: free text, filters as (name, value), excluded words and exact phrases."""

    text: str
    filters: tuple[tuple[str, str], ...] = ()
    excluded: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


def parse_query(raw: str) -> Query:
    """Split a question into free text, ``name:value`` filters, ``-exclusions`` and ``"phrases"``."""
    words: list[str] = []
    filters: list[tuple[str, str]] = []
    excluded: list[str] = []
    phrases: list[str] = []
    for match in _TOKEN.finditer(raw.translate(QUOTES)):
        if match.group("filter") and match.group("name").lower() in FILTER_NAMES:
            value = (match.group("quoted") if match.group("quoted") is not None else match.group("bare")).strip()
            if value:
                filters.append((match.group("name").lower(), value))
        elif match.group("phrase"):
            text = match.group("phrase_text").strip()
            if text:
                phrases.append(text)
                words.append(text)
        else:
            word = match.group(0)
            if word.startswith("-") and len(word) > 1:
                excluded.append(word[1:])
            else:
                words.append(word)
    return Query(" ".join(words), tuple(filters), tuple(excluded), tuple(phrases))


def narrowed(question: str, kind: str, value: str) -> str | None:
    """`question` with the filter ``kind:"value"`` added, as a user could have typed it; None when the
    value cannot be written as a filter (empty, or holding a double quote, typographic or not).

    The one writer of filter syntax: a door offering "only Mongolia" asks for the question this way.
    """
    if kind not in FILTER_NAMES:
        raise ValueError(f"unknown filter {kind!r} (filters: {', '.join(FILTER_NAMES)})")
    if not value.strip() or '"' in value.translate(QUOTES):
        return None
    return " ".join(part for part in (question.strip(), f'{kind}:"{value}"') if part)
