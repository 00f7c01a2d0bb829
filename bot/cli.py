"""The `lessons` command: search, check, stats, serve and report, all over one knowledge base.

`main(argv)` returns the exit code, so tests call it directly: 0 success, 1 a problem found
(for example `check` skipped a file), 2 a usage or configuration error. With `--json`, an error is
one JSON object on stderr, `{"error": code, "detail": text}`, with the webhook's codes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from knowledge import KnowledgeBase, QueryError

from . import __version__, cli_lessons, cli_state
from .config import ConfigError, Settings, find_config, load_settings
from .features.access import existing_state, today
from .features.ranking import FeedbackRanking
from .loading import UsageError, load_kb, no_lessons, skipped_note
from .render.data import answer_to_dict, query_error_code
from .render.report import report_to_text
from .render.text import answer_to_text
from .report import DEFAULT_SINCE_DAYS, DEFAULT_TOP, report_from_settings
from .state import StateUnavailable

EXAMPLES = {
    "search": """examples:
  lessons search "lessons on social insurance for herders"
  lessons search "socail insurence herders" --limit 3
  lessons search "child labour country:Philippines" --json
  lessons search "TVET reform" --lessons ./my-lessons
  lessons search "cocoa cooperatives" --group      # one lesson per evaluation

Votes from the Helpful / Not helpful buttons (in the state file, state.path) move a lesson a little
for the same question, as in every door; --json says so on the hit ("feedback").""",
    "check": """examples:
  lessons check ./lessons
  lessons check ./lessons --json | jq .skipped""",
    "stats": """examples:
  lessons stats
  lessons stats --lessons ./lessons --json""",
    "report": """examples:
  lessons report                 # the last 30 days
  lessons report --since 7 --top 20
  lessons report --json | jq .gaps

What people asked (through the webhook, the page and Slack), per day and per door, the top
questions, themes and countries, the share that found nothing, and the gaps: the questions
asked most that no lesson answers in whole. Read from the question log (state.path in the
config), which `lessons serve` writes; the same report is on the admin page, /admin.""",
    "serve": """examples:
  lessons serve
  lessons serve --host 0.0.0.0 --port 8080 --lessons ./lessons
  lessons serve --workers 4             # four processes (default: one per core)
  SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... lessons serve

Slack switches on from the environment (never from config.yaml):
  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET  serve Slack over HTTP: events, the slash command and
                                          buttons at POST /slack/events
  SLACK_APP_TOKEN (xapp-..., with SLACK_BOT_TOKEN)
                                          also connect by Socket Mode: no public URL needed
  SLACK_API_URL                           Slack Web API base URL (default https://slack.com/api/)
Without them the web door still runs and the log says "Slack is off" (a WARNING naming what
is missing when only some are set).
See slack-app-manifest.yaml and the README's Slack section.

Other secrets, also from the environment only:
  WEBHOOK_TOKEN   POST /webhook, GET /api/search and POST /api/feedback then need
                  "Authorization: Bearer <token>" (the search page asks for it)
  ADMIN_TOKEN     enables the admin page /admin (the question report) and POST /admin/reload
                  (with "Authorization: Bearer <token>")

Reload the lessons without a restart: kill -HUP <pid>, POST /admin/reload, or --watch; each
reaches every worker. A failed reload keeps the lessons that were serving; GET /healthz shows
its outcome and the lessons generation each worker serves.
After each reload, Slack subscriptions hear of the new lessons that match them.

Subscriptions and feedback votes live in one SQLite file, state.path in the config (default
data/state.sqlite3, relative to the config file). Back it up while serving with
  sqlite3 data/state.sqlite3 ".backup state-backup.sqlite3"
SIGTERM or Ctrl-C stops the server cleanly.""",
}


class BadArguments(Exception):
    """What argparse would print before exiting 2, kept so `main` can print it as text or as JSON."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises `BadArguments` instead of printing and exiting."""

    def error(self, message: str):  # type: ignore[override]
        raise BadArguments(self, message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand, with examples in each --help."""
    parser = _Parser(
        prog="lessons",
        description="Answer questions over evaluation lessons learned (ILO iEvalDiscovery pages).",
        epilog="Run 'lessons COMMAND --help' for examples. Without --lessons or lessons.paths in the "
        "config, the sample lessons bundled with the package are used.",
    )
    parser.add_argument("--version", action="version", version=f"lessons {__version__}")
    config_help = "config file (default: $LESSONS_CONFIG, else ./config.yaml if present, else built-in defaults)"
    parser.add_argument("--config", metavar="FILE", help=config_help)
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: `lessons --config F search` and `lessons search --config F` both work.
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=config_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    examples = {**EXAMPLES, **cli_lessons.EXAMPLES, **cli_state.EXAMPLES}

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text,
                              epilog=examples[name], formatter_class=argparse.RawDescriptionHelpFormatter)

    lessons_help = "a lesson file or folder (repeatable); overrides lessons.paths in the config"
    search = add("search", "Search the lessons and print the best matches.")
    search.add_argument("query", help="the question, in plain words; filters such as country:Mongolia work too")
    search.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)
    search.add_argument("--limit", type=int, metavar="N",
                        help="how many lessons to show (default: search.default_limit)")
    search.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N matches (paging)")
    search.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    search.add_argument("--group", action=argparse.BooleanOptionalAction, default=None,
                        help="one lesson per evaluation, naming its others (default: search.group_by_evaluation)")
    cli_lessons.add_parsers(add, lessons_help)

    check = add("check", "Parse lesson files without serving them; exit 1 if any file was skipped.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="lesson files or folders")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")

    stats = add("stats", "Count the lessons by region, country and theme.")
    stats.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")

    _serve_options(add("serve", "Serve the web webhook and page, and Slack when its tokens are set."), lessons_help)

    report = add("report", "What people asked and did not find, from the question log.")
    report.add_argument("--since", type=_positive, default=DEFAULT_SINCE_DAYS, metavar="DAYS",
                        help=f"the last DAYS days, today included (default: {DEFAULT_SINCE_DAYS})")
    report.add_argument("--top", type=_positive, default=DEFAULT_TOP, metavar="N",
                        help=f"how many questions, themes, countries and gaps to list (default: {DEFAULT_TOP})")
    report.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    cli_state.add_parsers(add)
    return parser


def _positive(text: str) -> int:
    """A whole number of at least 1, for argparse."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _serve_options(serve: argparse.ArgumentParser, lessons_help: str) -> None:
    """The options of `lessons serve`."""
    serve.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)
    serve.add_argument("--host", help="address to listen on (default: server.host)")
    serve.add_argument("--port", type=int, help="port to listen on (default: server.port)")
    serve.add_argument("--watch", action="store_true", default=None,
                       help="reload when lesson files appear, change or go away (default: lessons.watch)")
    serve.add_argument("--workers", type=int, metavar="N",
                       help="worker processes sharing the lessons, under gunicorn (default: server.workers, "
                       "0 = one per core); on Windows one waitress process serves instead")


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the `lessons` command line; returns the exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    wants_json = "--json" in (sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except BadArguments as error:
        if not wants_json:
            error.parser.print_usage(err)
            print(f"{error.parser.prog}: error: {error}", file=err)
        return failed(err, "invalid_arguments", str(error), wants_json, printed=not wants_json)
    except SystemExit as exit_:  # --help or --version, printed
        return int(exit_.code or 0)
    try:
        settings = load_settings(find_config(args.config))
        return COMMANDS[args.command](args, settings, out, err)
    except ConfigError as error:
        return failed(err, "invalid_config", str(error), wants_json)
    except UsageError as error:
        return failed(err, error.code, str(error), wants_json)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `lessons stats | head`: the reader left; that is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def failed(err: TextIO, code: str, detail: str, as_json: bool, *, printed: bool = False, status: int = 2) -> int:
    """Print an error as one line (`lessons: error: ...`, or JSON with --json); return the exit code."""
    if as_json:
        print(json.dumps({"error": code, "detail": detail}, ensure_ascii=False), file=err)
    elif not printed:
        print(f"lessons: error: {detail}", file=err)
    return status


def loaded(args: argparse.Namespace, settings: Settings, err: TextIO) -> KnowledgeBase:
    """The lessons for a command, saying in one line on stderr how many broken files were skipped."""
    kb = load_kb(args.lessons, settings, err)
    note = skipped_note(kb, args.lessons or settings.lessons.paths)
    if note:
        print(f"lessons: warning: {note}", file=err)
    return kb


def cmd_search(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons search`: one answer, as text or JSON."""
    if not args.query.strip():
        raise UsageError("the question is empty: ask something, for example 'social insurance for herders'",
                         "empty_query")
    kb = loaded(args, settings, err)
    state = existing_state(settings) if settings.feedback.ranking else None
    try:
        answer, notes = FeedbackRanking(state).ask(kb, args.query, limit=args.limit, offset=args.offset,
                                                   group=args.group)
    except QueryError as error:
        raise UsageError(str(error), query_error_code(error.code)) from None
    finally:
        if state is not None:
            state.close()
    if args.json:
        grouped = settings.search.group_by_evaluation if args.group is None else args.group
        json.dump(answer_to_dict(answer, grouped=grouped, accessed=today(), feedback=notes), out,
                  ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(answer_to_text(answer, feedback=notes))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons check`: parse without serving; exit 1 when a file was skipped or nothing loaded."""
    kb = load_kb(args.paths, settings, err, progress=not args.quiet and not args.json, strict=False)
    report, empty = kb.report, not len(kb)
    ok = report.ok and not empty
    if args.json:
        json.dump({"ok": ok, **report.to_dict()}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for line in report.problems():
            print(f"error: {line}", file=out)
        if empty and not report.skipped:
            print(f"error: {no_lessons(kb, args.paths)}", file=out)
        for warning in report.warnings:
            print(f"warning: {warning}", file=out)
        print(f"{report.files} files, {report.loaded} lessons, {len(report.skipped)} skipped, "
              f"{len(report.duplicates)} duplicates, {len(report.warnings)} warnings", file=out)
    return 0 if ok else 1


def cmd_stats(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons stats`: lessons by region, country and theme."""
    kb = loaded(args, settings, err)
    counts = kb.stats()
    if args.json:
        json.dump({"lessons": len(kb), **{k: dict(v.most_common()) for k, v in counts.items()}},
                  out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    print(f"{len(kb)} lessons", file=out)
    for name, title in (("region", "By region"), ("country", "By country"), ("theme", "By theme")):
        print(f"\n{title}:", file=out)
        for value, count in counts[name].most_common():
            print(f"  {count:5d}  {value}", file=out)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons serve`: see bot/serve.py."""
    from .serve import serve  # the server's imports are only paid for by `serve`

    return serve(args, settings, err)


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons report`: the question log over the last days, as text or JSON (see bot/report.py)."""
    kb = loaded(args, settings, err)
    try:
        report = report_from_settings(settings, kb, since_days=args.since, top=args.top)
    except StateUnavailable as error:
        return failed(err, "state_unavailable", f"{error.message} ({error.detail})", args.json, status=1)
    if args.json:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(report_to_text(report))
    return 0


COMMANDS = {"search": cmd_search, "check": cmd_check, "stats": cmd_stats, "serve": cmd_serve,
            "report": cmd_report, **cli_lessons.COMMANDS, **cli_state.COMMANDS}
