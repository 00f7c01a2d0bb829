"""One lesson for people and machines: the readable view `/lessons/<id>` (every field, both links, its
citations with copy buttons, and the lessons like it) and `GET /api/lessons/<id>/similar`."""
from __future__ import annotations

import re

from flask import Flask, Response, jsonify, render_template, request

from knowledge import FIELD_LABELS, KnowledgeBase, Lesson
from knowledge.citation import FORMATS

from ..config import Settings
from ..features.access import today
from ..live import KnowledgeHolder
from ..render.data import citations, similar_to_dict
from .http import ApiError

SIMILAR_ON_PAGE = 5
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
FORMAT_NAMES = {"text": "Reference line", "apa": "APA", "bibtex": "BibTeX", "ris": "RIS (Zotero, EndNote)"}


def register_lessons(app: Flask, holder: KnowledgeHolder, settings: Settings) -> None:
    """Mount the lesson view and the similar-lessons API on `app`."""
    views = LessonViews(holder, settings)
    app.add_url_rule("/lessons/<lesson_id>", "lesson_page", views.page, methods=["GET"])
    app.add_url_rule("/api/lessons/<lesson_id>/similar", "similar", views.similar, methods=["GET"])


class LessonViews:
    """The views over one holder; each reads `holder.kb` once."""

    def __init__(self, holder: KnowledgeHolder, settings: Settings) -> None:
        self.holder, self.settings = holder, settings

    def page(self, lesson_id: str) -> Response | tuple[str, int]:
        """The readable view of one lesson; a small HTML page saying so for an unknown id (404)."""
        kb = self.holder.kb
        lesson = kb.get(lesson_id)
        if lesson is None:
            return render_template("lesson.html", lesson=None, lesson_id=lesson_id), 404
        related = kb.related(lesson.id, limit=SIMILAR_ON_PAGE)
        cited = citations(lesson, today())
        return render_template(
            "lesson.html", lesson=lesson, link=safe_link, prose=_prose(lesson), extra=dict(lesson.extra),
            citations=[(fmt, FORMAT_NAMES[fmt], cited[fmt]) for fmt in FORMATS], similar=related)

    def similar(self, lesson_id: str) -> Response:
        """`GET /api/lessons/<id>/similar?limit=N`: the lessons most like it, best first; 404 for an unknown id."""
        kb: KnowledgeBase = self.holder.kb
        lesson = kb.get(lesson_id)
        if lesson is None:
            raise ApiError(404, "not_found", f"no lesson has the id {lesson_id!r}")
        limit = _limit(request.args.get("limit"), kb.options.max_limit)
        return jsonify(similar_to_dict(lesson, kb.related(lesson.id, limit=limit), today()))


def safe_link(url: str) -> str:
    """`url` when it is an http(s) address, else "": a lesson file could hold any URL, javascript: included."""
    return url if _HTTP.match(url or "") else ""


def _prose(lesson: Lesson) -> list[tuple[str, str]]:
    """(label, text) of each non-empty prose field, in page order."""
    return [(FIELD_LABELS[name].capitalize(), text) for name, text in lesson.prose().items()]


def _limit(value: str | None, most: int) -> int:
    if value is None or value == "":
        return SIMILAR_ON_PAGE
    if not value.strip().isdigit() or not 1 <= int(value) <= most:
        raise ApiError(400, "invalid_query", f"limit must be a whole number between 1 and {most}")
    return int(value)
