"""`lessons cite` and `lessons similar`: one lesson's reference for a concept note or a reference
manager, and the lessons most like it."""
from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable
from typing import TextIO

from knowledge import KnowledgeBase, Lesson
from knowledge.citation import FORMATS, cite

from .config import Settings
from .features.access import today
from .loading import UsageError, load_kb
from .render.data import similar_to_dict

EXAMPLES = {
    "cite": """examples:
  lessons cite 252474
  lessons cite 252474 --format apa
  lessons cite 252474 --format bibtex >> references.bib
  lessons cite 252474 --format ris > lesson.ris      # Zotero, EndNote: File > Import

Built only from the lesson's own fields (evaluation title and number, lesson id, organisation,
database, URL) and today's date as the accessed date; a field the lesson lacks is left out.""",
    "similar": """examples:
  lessons similar 252474
  lessons similar 252474 --limit 10 --json""",
}


def add_parsers(add: Callable[[str, str], argparse.ArgumentParser], lessons_help: str) -> None:
    """The `cite` and `similar` subcommands, on the main parser's `add`."""
    cite_parser = add("cite", "Print a lesson's reference: a line for a report, APA, BibTeX or RIS.")
    cite_parser.add_argument("id", help="the lesson's id (the last part of its URL, e.g. 252474)")
    cite_parser.add_argument("--format", choices=FORMATS, default="text",
                             help="text (default), apa, bibtex or ris")
    cite_parser.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)
    similar = add("similar", "List the lessons most like one lesson.")
    similar.add_argument("id", help="the lesson's id")
    similar.add_argument("--limit", type=int, default=5, metavar="N", help="how many (default 5)")
    similar.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    similar.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)


def lesson_or_error(kb: KnowledgeBase, lesson_id: str) -> Lesson:
    """The lesson with this id, or a one-line usage error that says how to find ids."""
    lesson = kb.get(lesson_id.strip())
    if lesson is None:
        raise UsageError(f"no lesson has the id {lesson_id!r}; `lessons search` shows each lesson's URL, "
                         "which ends with its id", "not_found")
    return lesson


def cmd_cite(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons cite ID`: the reference in the chosen format, on stdout."""
    lesson = lesson_or_error(load_kb(args.lessons, settings, err), args.id)
    out.write(cite(lesson, args.format, today()) + "\n")
    return 0


def cmd_similar(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons similar ID`: the lessons most like it, best first."""
    kb = load_kb(args.lessons, settings, err)
    if not 1 <= args.limit <= kb.options.max_limit:
        raise UsageError(f"--limit must be between 1 and {kb.options.max_limit} (setting search.max_limit)",
                         "invalid_query")
    lesson = lesson_or_error(kb, args.id)
    hits = kb.related(lesson.id, limit=args.limit)
    if args.json:
        json.dump(similar_to_dict(lesson, hits, today()), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    out.write(f"Lessons like {lesson.id}: {lesson.display_title}\n")
    if not hits:
        out.write("\nNo other lesson shares enough of its words.\n")
    for number, hit in enumerate(hits, 1):
        where = " · ".join(part for part in (hit.lesson.country, hit.lesson.region) if part)
        out.write(f"\n{number}. {hit.title} (lesson {hit.lesson.id})\n")
        if where:
            out.write(f"   {where}\n")
        if hit.summary:
            out.write(textwrap.fill(f"“{hit.summary}”", width=97, initial_indent="   ",
                                    subsequent_indent="   ") + "\n")
        out.write(f"   {hit.lesson.url}\n")
    return 0


COMMANDS = {"cite": cmd_cite, "similar": cmd_similar}
