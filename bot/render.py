"""Answers as plain data and plain text: the JSON shared by the webhook and `lessons search --json`,
and the readable text of the command line. Slack has its own renderer in `blocks.py`."""
from __future__ import annotations

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
