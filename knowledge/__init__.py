"""The lessons knowledge base: parse iEvalDiscovery lesson pages, index them, answer questions.

Pure domain code: text and paths in, values out. It imports neither Slack, Flask nor YAML.
Lessons: `record` (Lesson, the prose fields and their labels), `page` (the page format both ways),
`files` (which files are lessons), `load`. Search: `text`, `language`, `vocabulary`, `spelling`,
`query`, `index`, then the pipeline `understand` → `rank` → `preference` (and `expansion`) →
`facets` → `summary` → `answer`, run in order by `search`; `base` holds `KnowledgeBase`, the one
object every door is given. `citation` writes a lesson as a reference.
"""
from .answer import Answer, Hit
from .base import BUNDLED_LESSONS, KnowledgeBase, QueryError
from .files import Skipped, is_lesson_name, lesson_files
from .language import warm as warm_language
from .load import DEFAULT_MAX_FILE_BYTES, Duplicate, LoadReport, LoadWarning, load_lessons
from .options import SearchOptions
from .page import LessonFileError, Parsed, parse_bytes, parse_text, render_page
from .query import narrowed, parse_query
from .record import FIELD_LABELS, PROSE_FIELDS, Lesson

__all__ = [
    "Answer",
    "BUNDLED_LESSONS",
    "DEFAULT_MAX_FILE_BYTES",
    "Duplicate",
    "FIELD_LABELS",
    "Hit",
    "KnowledgeBase",
    "Lesson",
    "LessonFileError",
    "LoadReport",
    "LoadWarning",
    "PROSE_FIELDS",
    "Parsed",
    "QueryError",
    "SearchOptions",
    "Skipped",
    "is_lesson_name",
    "lesson_files",
    "load_lessons",
    "narrowed",
    "parse_bytes",
    "parse_query",
    "parse_text",
    "render_page",
    "warm_language",
]
