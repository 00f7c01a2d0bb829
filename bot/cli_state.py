"""`lessons subscriptions` and `lessons feedback`: what the bot's state file holds, for the operator.

Reading never creates the file: without one, there is simply nothing stored yet.
"""
from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import TextIO

from .config import Settings
from .features.access import existing_state, state_path
from .state import Feedback, StateStore, StateUnavailable, Subscription, Subscriptions

EXAMPLES = {
    "subscriptions": """examples:
  lessons subscriptions
  lessons subscriptions --json | jq '.[] | select(.paused)'

Subscriptions are made in Slack (/lessons subscribe QUESTION); the state file is state.path.""",
    "feedback": """examples:
  lessons feedback                                  # votes per lesson
  lessons feedback --export judged.yaml             # a judged query file, as bench/queries.yaml
  .venv/bin/python bench/quality.py --queries judged.yaml

Votes come from the Helpful / Not helpful buttons in Slack and on the web page.""",
}


def add_parsers(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """The `subscriptions` and `feedback` subcommands, on the main parser's `add`."""
    subscriptions = add("subscriptions", "List every Slack subscription stored (for the operator).")
    subscriptions.add_argument("--json", action="store_true", help="print a JSON list")
    feedback = add("feedback", "Show the feedback votes, or export them as a judged query file.")
    feedback.add_argument("--export", metavar="FILE", help="write the votes as judged queries (YAML) to FILE")
    feedback.add_argument("--json", action="store_true", help="print the votes per lesson as JSON")


def cmd_subscriptions(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons subscriptions`: every subscription, by channel or person, numbered as people see them."""
    store = existing_state(settings)
    try:
        subs = Subscriptions(store).list_all() if store is not None else []
    except StateUnavailable as error:
        return _unavailable(error, err, args.json)
    finally:
        _close(store)
    if args.json:
        json.dump([_subscription(sub) for sub in subs], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not subs:
        out.write(f"No subscriptions in {state_path(settings)}.\n")
        return 0
    out.write(f"{len(subs)} subscription{'s' if len(subs) != 1 else ''} in {state_path(settings)}:\n")
    for sub in subs:
        where = f"{'channel' if sub.scope.kind == 'channel' else 'person'} {sub.scope.id}"
        status = f"  [paused: {sub.pause_reason or 'paused'} since {_day(sub.paused_at)}]" if sub.paused else ""
        out.write(f"  {where:<20} {sub.number:>3}. {sub.question}  (since {_day(sub.created_at)}){status}\n")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`lessons feedback`: votes per lesson, or `--export FILE` as judged queries."""
    if args.export:
        store = StateStore(state_path(settings))
        try:
            count = Feedback(store).export_judged(args.export)
        except StateUnavailable as error:
            return _unavailable(error, err)
        except OSError as error:
            print(f"lessons: error: cannot write {args.export}: {error.strerror or error}", file=err)
            return 1
        finally:
            store.close()
        out.write(f"wrote {count} judged question{'s' if count != 1 else ''} to {args.export}\n")
        return 0
    store = existing_state(settings)
    try:
        tallies = Feedback(store).per_lesson() if store is not None else {}
    except StateUnavailable as error:
        return _unavailable(error, err, args.json)
    finally:
        _close(store)
    if args.json:
        json.dump({lesson: t._asdict() for lesson, t in tallies.items()}, out, indent=2)
        out.write("\n")
    elif not tallies:
        out.write(f"No feedback votes in {state_path(settings)}.\n")
    else:
        out.write("lesson        helpful  not helpful  voters\n")
        for lesson, t in tallies.items():
            out.write(f"{lesson:<12} {t.helpful:>8} {t.not_helpful:>12} {t.distinct_voters:>7}\n")
    return 0


def _subscription(sub: Subscription) -> dict[str, object]:
    return {"id": sub.id, "scope": {"kind": sub.scope.kind, "id": sub.scope.id}, "number": sub.number,
            "question": sub.question, "created_at": sub.created_at, "paused": sub.paused,
            "paused_at": sub.paused_at, "pause_reason": sub.pause_reason}


def _day(at: float | None) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at or 0))


def _unavailable(error: StateUnavailable, err: TextIO, as_json: bool = False) -> int:
    """The store's failure as one line on stderr (JSON with --json, as every command's errors); exit 1."""
    if as_json:
        print(json.dumps({"error": "state_unavailable", "detail": f"{error.message} ({error.detail})"}), file=err)
    else:
        print(f"lessons: error: {error.message} ({error.detail})", file=err)
    return 1


def _close(store: StateStore | None) -> None:
    if store is not None:
        store.close()


COMMANDS = {"subscriptions": cmd_subscriptions, "feedback": cmd_feedback}
