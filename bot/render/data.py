"""The JSON contract: an `Answer` as the plain data the webhook, `GET /api/search` and
`lessons search --json` return (its schema is `bot.web.openapi`), and the one-line headline
every door shows above an answer."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from knowledge import Answer, Hit, Lesson, narrowed
from knowledge.citation import FORMATS, cite
from knowledge.summary import merge_spans


class Note(Protocol):
    """Why feedback moved a hit (`bot.features.ranking.FeedbackNote`)."""

    def to_dict(self) -> dict[str, object]: ...


def hit_to_dict(hit: Hit, *, accessed: date | None = None, feedback: Note | None = None) -> dict[str, Any]:
    """One hit as the JSON result object; `highlights` are merged spans, ready to wrap; `citation` the
    lesson's reference line (with the `accessed` date when given); `feedback` only when votes moved it."""
    lesson = hit.lesson
    data = {
        "id": lesson.id,
        "title": hit.title,
        "url": lesson.url,
        "eval_url": lesson.eval_url,
        "eval_number": lesson.eval_number,
        "eval_title": lesson.eval_title,
        "country": lesson.country,
        "region": lesson.region,
        "themes": list(lesson.theme_names),
        "summary": hit.summary,
        "summary_field": hit.summary_field,
        "highlights": [list(span) for span in merge_spans(hit.summary, hit.highlights)],
        "score": round(hit.score, 4),
        "matched_terms": list(hit.matched_terms),
        "grouped": list(hit.grouped),
        "citation": cite(lesson, "text", accessed),
    }
    if feedback is not None:
        data["feedback"] = feedback.to_dict()
    return data


def citations(lesson: Lesson, accessed: date | None = None) -> dict[str, str]:
    """The lesson's reference in every format (`text`, `apa`, `bibtex`, `ris`): nothing invented."""
    return {fmt: cite(lesson, fmt, accessed) for fmt in FORMATS}


def lesson_to_dict(lesson: Lesson, accessed: date | None = None) -> dict[str, Any]:
    """One lesson, every field, and its `citations` in every format (`GET /api/lessons/<id>`)."""
    return {**lesson.to_dict(), "citations": citations(lesson, accessed)}


def similar_to_dict(lesson: Lesson, hits: Sequence[Hit], accessed: date | None = None) -> dict[str, Any]:
    """The lessons most like one lesson: `id`, `title` and `results` (result objects, best first; `score` is
    the likeness relative to the first, 1.0)."""
    return {"id": lesson.id, "title": lesson.display_title,
            "results": [hit_to_dict(hit, accessed=accessed) for hit in hits]}


def answer_to_dict(answer: Answer, *, grouped: bool = False, accessed: date | None = None,
                   feedback: Mapping[str, Note] | None = None) -> dict[str, Any]:
    """The whole answer as JSON-ready data: `query`, `headline`, `total`, `results` and what was understood.

    `grouped` says whether it shows one hit per evaluation; `accessed` dates the citations; `feedback`
    holds, by lesson id, why votes moved a hit. Each facet carries the question narrowed to it.
    """
    notes = feedback or {}
    return {
        "query": answer.query,
        "headline": headline(answer),
        "total": answer.total,
        "offset": answer.offset,
        "group_by_evaluation": grouped,
        "results": [hit_to_dict(hit, accessed=accessed, feedback=notes.get(hit.lesson.id)) for hit in answer.hits],
        "filters": [{"name": name, "value": value} for name, value in answer.filters],
        "corrections": [{"from": typed, "to": used} for typed, used in answer.corrections],
        "suggestions": list(answer.suggestions),
        "facets": {name: [{"value": v, "count": n, "query": narrowed(answer.query, name, v)} for v, n in counts]
                   for name, counts in answer.facets.items()},
        "notice": answer.notice,
        "expanded": list(answer.expanded),
    }


def headline(answer: Answer) -> str:
    """One line: how many lessons matched and what the search understood (every door shows it)."""
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
    shown = f"{first}–{last}" if answer.offset else f"{len(answer.hits)}"
    line = f"{shown} of {answer.total} {noun}"
    parts = [f"{name}: {value}" for name, value in answer.filters]
    parts += [f"{typed} → {used}" for typed, used in answer.corrections]
    text = " · ".join([line, *parts])
    return f"{text}\n{answer.notice}" if answer.notice else text


def query_error_code(code: str) -> str:
    """The `error` code the webhook and `--json` give a refused question (`QueryError.code`): a question
    too long or over its budget says which limit (`query_too_long`, `too_many_words`...), the rest (a
    limit or offset out of range) is `invalid_query`."""
    return "invalid_query" if code in ("invalid_limit", "invalid_offset", "query_not_text") else code
