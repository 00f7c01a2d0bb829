"""The JSON contract: an `Answer` as the plain data the webhook, `GET /api/search` and
`lessons search --json` return (its schema is `bot.web.openapi`), and the one-line headline
every door shows above an answer."""
from __future__ import annotations

from typing import Any

from knowledge import Answer, Hit
from knowledge.summary import merge_spans


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """One hit as the JSON result object; `highlights` are merged spans, ready to wrap."""
    lesson = hit.lesson
    return {
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
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The whole answer as JSON-ready data: `query`, `headline`, `total`, `results` and what was understood."""
    return {
        "query": answer.query,
        "headline": headline(answer),
        "total": answer.total,
        "offset": answer.offset,
        "results": [hit_to_dict(hit) for hit in answer.hits],
        "filters": [{"name": name, "value": value} for name, value in answer.filters],
        "corrections": [{"from": typed, "to": used} for typed, used in answer.corrections],
        "suggestions": list(answer.suggestions),
        "facets": {name: [{"value": v, "count": n} for v, n in counts] for name, counts in answer.facets.items()},
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
