"""A `Lesson` written back as an iEvalDiscovery page: the inverse of `parse`.

Used to make corpora (the benchmark's generator, the tests' hand-made lessons) in exactly the
format the parser reads, so that both sides of the format live in this package.
"""
from __future__ import annotations

from .record import PROSE_FIELDS, Lesson


def render_page(lesson: Lesson) -> str:
    """The page text of a lesson, in the production order of keys ("- key:" / "- value" lines)."""
    lines = ["Back to index", lesson.title, "- eval_number:", f"- {lesson.eval_number}", "- eval_url:",
             f"- {lesson.eval_url}", "- lessons_learned:", "- themes:"]
    for theme, category in lesson.themes:
        lines += ["- theme:", f"- {theme}", "- category:", f"- {category}"]
    for name in PROSE_FIELDS:
        lines += [f"- {name}:", f"- {getattr(lesson, name) or 'N/A'}"]
    lines += ["- url:", f"- {lesson.url}", "- location:"]
    for country, region in lesson.locations:
        lines += ["- country:", f"- {country}", "- region:", f"- {region}"]
    lines += ["- eval_title:", f"- {lesson.eval_title or lesson.title}", "Skip to top"]
    return "\n".join(lines) + "\n"
