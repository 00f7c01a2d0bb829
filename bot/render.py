"""Answers as plain data and plain text: the JSON shared by the webhook and `lessons search --json`,
and the readable text of the command line. Slack has its own renderer in `blocks.py`."""
from __future__ import annotations

import re
import textwrap
from typing import Any

from knowledge import Answer, Hit

FIELD_LABELS = {
    "comments": "comments",
    "challenges": "challenges",
    "success": "success",
    "context": "context",
    "description": "description",
    "administrative_issues": "administrative issues",
}


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """One hit as the JSON result object (the keys documented in the README)."""
    lesson = hit.lesson
    return {
        "id": lesson.id,
        "title": lesson.display_title,
        "url": lesson.url,
        "eval_url": lesson.eval_url,
        "eval_number": lesson.eval_number,
        "eval_title": lesson.eval_title,
        "country": lesson.country,
        "region": lesson.region,
        "themes": list(lesson.theme_names),
        "summary": hit.summary,
        "summary_field": hit.summary_field,
        "highlights": [list(span) for span in hit.highlights],
        "score": round(hit.score, 4),
        "matched_terms": list(hit.matched_terms),
        "grouped": list(hit.grouped),
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The whole answer as JSON-ready data: `query`, `total`, `results` and what was understood."""
    return {
        "query": answer.query,
        "total": answer.total,
        "offset": answer.offset,
        "results": [hit_to_dict(hit) for hit in answer.hits],
        "filters": [{"name": name, "value": value} for name, value in answer.filters],
        "corrections": [{"from": typed, "to": used} for typed, used in answer.corrections],
        "suggestions": list(answer.suggestions),
        "facets": {name: [{"value": v, "count": n} for v, n in counts] for name, counts in answer.facets.items()},
        "notice": answer.notice,
    }


def headline(answer: Answer) -> str:
    """One line: how many lessons matched and what the search understood."""
    if not answer.hits and answer.total:
        noun = "lesson matches" if answer.total == 1 else "lessons match"
        return f"{answer.total} {noun} {answer.query!r}; there are no more after the first {answer.total}."
    if not answer.hits:
        line = f"No lessons match {answer.query!r}."
        if answer.notice:
            line += f" {answer.notice}"
        if answer.suggestions:
            line += " Try: " + ", ".join(answer.suggestions) + "."
        return line
    first, last = answer.offset + 1, answer.offset + len(answer.hits)
    noun = "lesson" if answer.total == 1 else "lessons"
    line = f"{first}–{last} of {answer.total} {noun}" if answer.offset else f"{len(answer.hits)} of {answer.total} {noun}"
    parts = [f"{name}: {value}" for name, value in answer.filters]
    parts += [f"{typed} → {used}" for typed, used in answer.corrections]
    text = " · ".join([line, *parts])
    return f"{text}\n{answer.notice}" if answer.notice else text


def facets_line(answer: Answer, size: int = 3) -> str:
    """The commonest countries, regions and themes among the matches, on one line."""
    parts = []
    for name, counts in answer.facets.items():
        if counts:
            parts.append(f"{name}: " + ", ".join(f"{value} ({n})" for value, n in counts[:size]))
    return "Most matches — " + "; ".join(parts) if parts else ""


def answer_to_text(answer: Answer, width: int = 100) -> str:
    """The answer as readable plain text for a terminal."""
    lines = [headline(answer)]
    if answer.hits and facets_line(answer):
        lines.append(textwrap.fill(facets_line(answer), width=width))
    lines.append("")
    for number, hit in enumerate(answer.hits, answer.offset + 1):
        lesson = hit.lesson
        lines.append(f"{number}. {lesson.display_title}")
        where = " · ".join(part for part in (lesson.country, lesson.region) if part)
        if where:
            lines.append(f"   {where}")
        if lesson.theme_names:
            lines.append(f"   Themes: {', '.join(lesson.theme_names)}")
        if hit.summary:
            label = FIELD_LABELS.get(hit.summary_field, hit.summary_field)
            wrapped = textwrap.fill(f"“{hit.summary}” ({label})", width=width - 3,
                                    initial_indent="   ", subsequent_indent="   ")
            lines.append(wrapped)
        lines.append(f"   Lesson: {lesson.url}")
        if lesson.eval_url:
            lines.append(f"   Evaluation: {lesson.eval_url}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


#: Markdown's punctuation that can start markup; each is backslash-escaped (CommonMark allows
#: escaping any ASCII punctuation, and Mattermost, Teams and GitHub all honour it).
_MARKDOWN_SPECIAL = set("\\`*_[]()<>#|~!")
#: "@channel", "@here", "@all" and "@user" notify people when Mattermost relays the text; a
#: zero-width space after the "@" keeps the words readable but never a mention.
_ZWSP = "\u200b"
_WHITESPACE = re.compile(r"\s")
_ESCAPES = str.maketrans({char: "\\" + char for char in _MARKDOWN_SPECIAL})
_MENTION = re.compile(r"@(?=[^\W]|_)")


def markdown_escape(text: str) -> str:
    """Plain text as Markdown that shows exactly this text: markup, HTML and mentions disarmed."""
    text = _WHITESPACE.sub(" ", text)  # one space per whitespace character, like the page shows
    return _MENTION.sub("@" + _ZWSP, text.translate(_ESCAPES))


def markdown_link(label: str, url: str) -> str:
    """`[label](url)` for an http(s) URL; any other URL (javascript:, data:) leaves the label alone."""
    if not url.lower().startswith(("https://", "http://")):
        return markdown_escape(label)
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{markdown_escape(label)}]({safe})"


def highlighted_markdown(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """`text` escaped, with the highlighted `[start, end)` spans (merged where they overlap) in bold."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(start, 0), min(end, len(text))
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, cursor = [], 0
    for start, end in merged:
        word = text[start:end]
        core = word.strip()
        if not core:
            continue
        lead = word[: len(word) - len(word.lstrip())]
        trail = word[len(word.rstrip()):]
        parts += [markdown_escape(text[cursor:start] + lead), f"**{markdown_escape(core)}**", markdown_escape(trail)]
        cursor = end
    parts.append(markdown_escape(text[cursor:]))
    return "".join(parts)


def answer_to_markdown(answer: Answer) -> str:
    """The answer as ready-to-post Markdown (the webhook's `text`): a headline, then one numbered
    item per lesson with its link, where and what it is about, the summary and the evaluation."""
    top = markdown_escape(headline(answer))
    lines = [f"**{markdown_escape(answer.query)}**: {top}" if answer.hits else top]
    for number, hit in enumerate(answer.hits, answer.offset + 1):
        lesson = hit.lesson
        lines.append("")
        lines.append(f"{number}. **{markdown_link(lesson.display_title, lesson.url)}**")
        about = [part for part in (lesson.country, lesson.region) if part]
        if lesson.theme_names:
            about.append(", ".join(lesson.theme_names))
        if about:
            lines.append("   " + markdown_escape(" · ".join(about)))
        if hit.summary:
            label = FIELD_LABELS.get(hit.summary_field, hit.summary_field)
            lines.append(f"   > {highlighted_markdown(hit.summary, hit.highlights)} _({markdown_escape(label)})_")
        if lesson.eval_url:
            title = f"Evaluation {lesson.eval_number}" if lesson.eval_number else "Evaluation"
            if lesson.eval_title:
                title += f": {lesson.eval_title}"
            lines.append("   " + markdown_link(title, lesson.eval_url))
    return "\n".join(lines) + "\n"
