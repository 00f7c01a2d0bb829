"""The `lessons` command: search, check, stats and serve, all over one knowledge base.

`main(argv)` returns the exit code, so tests call it directly: 0 success, 1 a problem found
(for example `check` skipped a file), 2 a usage or configuration error.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from knowledge import QueryError

from . import __version__, cli_lessons, cli_state
from .config import ConfigError, Settings, find_config, load_settings
from .features.access import existing_state, today
from .features.ranking import FeedbackRanking
from .loading import UsageError, load_kb, no_lessons
from .render.data import answer_to_dict
from .render.text import answer_to_text

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
    "serve": """examples:
  lessons serve
  lessons serve --host 0.0.0.0 --port 8080 --lessons ./lessons
  SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... lessons serve

Slack switches on from the environment (never from config.yaml):
  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET  serve Slack over HTTP: events, the slash command and
                                          buttons at POST /slack/events
  SLACK_APP_TOKEN (xapp-..., with SLACK_BOT_TOKEN)
                                          also connect by Socket Mode: no public URL needed
  SLACK_API_URL                           Slack Web API base URL (default https://slack.com/api/)
Without them the web door still runs and the log says "Slack is off".
See slack-app-manifest.yaml and the README's Slack section.

Other secrets, also from the environment only:
  WEBHOOK_TOKEN   POST /webhook and POST /api/feedback then need "Authorization: Bearer <token>"
  ADMIN_TOKEN     enables POST /admin/reload (with "Authorization: Bearer <token>")

Reload the lessons without a restart: kill -HUP <pid>, POST /admin/reload, or --watch.
A failed reload keeps the lessons that were serving; GET /healthz shows its outcome.
After each reload, Slack subscriptions hear of the new lessons that match them.

Subscriptions and feedback votes live in one SQLite file, state.path in the config (default
data/state.sqlite3, relative to the config file). Back it up while serving with
  sqlite3 data/state.sqlite3 ".backup state-backup.sqlite3"
SIGTERM or Ctrl-C stops the server cleanly.""",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand, with examples in each --help."""
    parser = argparse.ArgumentParser(
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

    serve = add("serve", "Serve the web webhook and page, and Slack when its tokens are set.")
    serve.add_argument("--lessons", action="append", metavar="PATH", help=lessons_help)
    serve.add_argument("--host", help="address to listen on (default: server.host)")
    serve.add_argument("--port", type=int, help="port to listen on (default: server.port)")
    serve.add_argument("--watch", action="store_true", default=None,
                       help="reload when lesson files appear, change or go away (default: lessons.watch)")
    cli_state.add_parsers(add)
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the `lessons` command line; returns the exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse already printed usage or help
        return int(exit_.code or 0)
    try:
        settings = load_settings(find_config(args.config))
        return COMMANDS[args.command](args, settings, out, err)
    except (ConfigError, UsageError) as error:
        print(f"lessons: error: {error}", file=err)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `lessons stats | head`: the reader left; that is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def cmd_search(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons search`: one answer, as text or JSON."""
    if not args.query.strip():
        raise UsageError("the question is empty: ask something, for example 'social insurance for herders'")
    kb = load_kb(args.lessons, settings, err)
    state = existing_state(settings) if settings.feedback.ranking else None
    try:
        answer, notes = FeedbackRanking(state).ask(kb, args.query, limit=args.limit, offset=args.offset,
                                                   group=args.group)
    except QueryError as error:
        raise UsageError(str(error)) from None
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
    kb = load_kb(args.lessons, settings, err)
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


COMMANDS = {"search": cmd_search, "check": cmd_check, "stats": cmd_stats, "serve": cmd_serve,
            **cli_lessons.COMMANDS, **cli_state.COMMANDS}
