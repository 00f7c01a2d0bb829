"""Answers as text: readable plain text for a terminal, and ready-to-post Markdown (the
webhook's `text`). Slack has its own renderer in `blocks.py`."""
from __future__ import annotations

import textwrap
from collections.abc import Mapping

from knowledge import FIELD_LABELS, Answer

from . import highlight
from .data import Note, headline
from .markup import markdown_escape, markdown_link


def facets_line(answer: Answer, size: int = 3) -> str:
    """The commonest countries, regions and themes among the matches, on one line."""
    parts = []
    for name, counts in answer.facets.items():
        if counts:
            parts.append(f"{name}: " + ", ".join(f"{value} ({n})" for value, n in counts[:size]))
    return "Most matches — " + "; ".join(parts) if parts else ""


def answer_to_text(answer: Answer, width: int = 100, feedback: Mapping[str, Note] | None = None) -> str:
    """The answer as readable plain text for a terminal; `feedback` (by lesson id) says which hits
    people's votes moved."""
    lines = [headline(answer)]
    if answer.hits and facets_line(answer):
        lines.append(textwrap.fill(facets_line(answer), width=width))
    lines.append("")
    for number, hit in enumerate(answer.hits, answer.offset + 1):
        lesson = hit.lesson
        lines.append(f"{number}. {hit.title}")
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
        if hit.grouped:
            lines.append(f"   Folded into this one: lesson {', '.join(hit.grouped)}")
        note = (feedback or {}).get(lesson.id)
        if note is not None:
            lines.append("   " + moved_by_votes(note.to_dict()))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def moved_by_votes(note: Mapping[str, object]) -> str:
    """One line saying how people's votes moved a hit (a hit's `feedback` object)."""
    was = note.get("rank_without_feedback")
    where = f"#{was} without them" if was else "below this page without them"
    return (f"Moved by people's votes: {note['helpful']} helpful, {note['not_helpful']} not helpful "
            f"(score ×{note['factor']}; {where})")


def answer_to_markdown(answer: Answer) -> str:
    """The answer as ready-to-post Markdown (the webhook's `text`): a headline, then one numbered
    item per lesson with its link, where and what it is about, the summary and the evaluation."""
    top = markdown_escape(headline(answer))
    lines = [f"**{markdown_escape(answer.query)}**: {top}" if answer.hits else top]
    for number, hit in enumerate(answer.hits, answer.offset + 1):
        lesson = hit.lesson
        lines.append("")
        lines.append(f"{number}. **{markdown_link(hit.title, lesson.url)}**")
        about = [part for part in (lesson.country, lesson.region) if part]
        if lesson.theme_names:
            about.append(", ".join(lesson.theme_names))
        if about:
            lines.append("   " + markdown_escape(" · ".join(about)))
        if hit.summary:
            label = FIELD_LABELS.get(hit.summary_field, hit.summary_field)
            lines.append(f"   > {highlight.markdown(hit.summary, hit.highlights)} _({markdown_escape(label)})_")
        if lesson.eval_url:
            title = f"Evaluation {lesson.eval_number}" if lesson.eval_number else "Evaluation"
            if lesson.eval_title:
                title += f": {lesson.eval_title}"
            lines.append("   " + markdown_link(title, lesson.eval_url))
    return "\n".join(lines) + "\n"
