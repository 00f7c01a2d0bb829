"""Answers as Slack Block Kit messages: pure functions from `Answer` (and the few figures the
Home tab shows) to plain dicts, so they are tested without Slack.

Every piece of lesson or query text goes through `escape` (Slack's three control characters), and
every message keeps Slack's limits whatever the input: at most 50 blocks, section text at most
3,000 characters, button values at most 2,000, and a non-empty `text` fallback.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from knowledge import FIELD_LABELS, Answer, Hit, narrowed

from . import highlight
from .buttons import ACTION_GROUP, MAX_BUTTON_VALUE, hit_actions
from .buttons import button as _button
from .data import headline
from .markup import escape, fit, link

# Slack's documented limits (Block Kit reference).
MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_CHARS = 3000
MAX_FALLBACK_CHARS = 3000
# Slack answers msg_blocks_too_long well below the per-block limits once a message's blocks
# add up to about 13,000 characters (bolt-js #2509), so cards stop at this budget.
MAX_TOTAL_CHARS = 11000

ACTION_MORE = "lessons_more"
ACTION_SHARE = "lessons_share"
ACTION_NARROW = "lessons_narrow"  # numbered: lessons_narrow_0, _1, ... (ids are unique per message)
METADATA_EVENT = "lessons_answer"
NARROW_FACETS = ("country", "theme", "region")

# -- button values: everything a click needs, so any process can serve it ---------------------

def encode_value(query: str, offset: int = 0, group: bool | None = None) -> str | None:
    """A button value carrying the query and the page (and whether grouped by evaluation, when chosen);
    None when it would pass Slack's limit."""
    data: dict[str, Any] = {"q": query, "o": offset}
    if group is not None:
        data["g"] = int(group)
    value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return value if len(value) <= MAX_BUTTON_VALUE else None


def decode_group(value: Any) -> bool | None:
    """Whether a page button asks for one hit per evaluation; None when it does not say."""
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except (ValueError, RecursionError):
        return None
    group = data.get("g") if isinstance(data, Mapping) else None
    return bool(group) if group in (0, 1) and not isinstance(group, bool) else None


def decode_value(value: Any) -> tuple[str, int] | None:
    """(query, offset) from a button value or message metadata, or None when it is not ours."""
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, Mapping):
        return None
    query, offset = data.get("q"), data.get("o", 0)
    if not isinstance(query, str) or not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        return None
    return query, offset


def narrowing(answer: Answer, count: int, max_query_chars: int = 500) -> list[tuple[str, str]]:
    """Up to `count` (label, next query) pairs such as ("Mongolia (3)", 'herders country:"Mongolia"').

    Only values that actually narrow (fewer lessons than the total) and are not already filters.
    """
    if count <= 0 or answer.total < 2:
        return []
    used = {(name, value.casefold()) for name, value in answer.filters}
    candidates = []
    for order, name in enumerate(NARROW_FACETS):
        for value, hits in answer.facets.get(name, ()):
            if not 0 < hits < answer.total or (name, value.casefold()) in used:
                continue
            candidates.append((-hits, order, name, value, hits))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _, _, name, value, hits in sorted(candidates):
        query = narrowed(answer.query, name, value)
        if query is None or value.casefold() in seen or len(query) > max_query_chars:
            continue
        seen.add(value.casefold())
        out.append((f"{value} ({hits})", query))
        if len(out) == count:
            break
    return out


# -- messages -----------------------------------------------------------------------------------

def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def header_line(answer: Answer) -> str:
    """The answer's first line in mrkdwn: counts, filters understood, spelling corrections."""
    return f"*{fit(headline(answer), 2000)}*"


def card(hit: Hit, number: int) -> list[dict[str, Any]]:
    """One lesson: linked title, where and what, the summary with the query's words in bold,
    which part of the lesson it comes from, and the evaluation."""
    lesson = hit.lesson
    # At most 1,000 (URL) + 300 + 400 + 1,000 characters: within a section's 3,000.
    lines = [f"*{number}. {link(lesson.url, hit.title, 300)}*"]
    where = " · ".join(part for part in (lesson.country, lesson.region, ", ".join(lesson.theme_names)) if part)
    if where:
        lines.append(fit(where, 400))
    if hit.summary:
        lines.append(">" + highlight.mrkdwn(hit.summary.replace("\n", " "), hit.highlights, 1000))
    blocks: list[dict[str, Any]] = [{"type": "section", "text": _mrkdwn("\n".join(lines))}]
    context = []
    if hit.summary_field:
        context.append(f"From the lesson's {fit(FIELD_LABELS.get(hit.summary_field, hit.summary_field), 60)}")
    if lesson.eval_url or lesson.eval_title:
        label = lesson.eval_title
        if not label or label == lesson.title:  # most lesson titles repeat their evaluation's
            label = f"evaluation {lesson.eval_number}" if lesson.eval_number else "the evaluation"
        context.append("Evaluation: " + link(lesson.eval_url, label, 400))
    if context:
        blocks.append({"type": "context", "elements": [_mrkdwn(" · ".join(context))]})
    return blocks


def _size(blocks: Sequence[Mapping[str, Any]]) -> int:
    return len(json.dumps(blocks, ensure_ascii=False))


def answer_message(
    answer: Answer,
    *,
    asked: bool = False,
    share: bool = False,
    buttons: bool = True,
    shared_by: str = "",
    narrow: int = 3,
    max_query_chars: int = 500,
    grouped: bool | None = None,
) -> dict[str, Any]:
    """The whole answer as `{"text", "blocks", "metadata"}` (metadata: the query and next page).

    `asked` restates the question (a slash command's text is not shown in the channel); `share`
    adds "Share in channel"; `buttons=False` gives a static copy (what "Share" posts), without the
    buttons under each lesson too; `shared_by` names who shared it (their Slack name, as text: it
    notifies no one). `grouped` says whether the answer shows one lesson per evaluation: the page
    buttons keep it, and a button turns it over (None: no such button, the server's setting holds).
    """
    blocks = _restated(answer, asked, shared_by)
    blocks.append({"type": "section", "text": _mrkdwn(header_line(answer))})
    if not answer.hits:
        tip = ("Try fewer or broader words, check the spelling, or drop a filter "
               "(`country:`, `region:`, `theme:`). Type `help` for examples.")
        blocks.append({"type": "context", "elements": [_mrkdwn(tip)]})
        return {"text": _fallback(answer), "blocks": blocks}
    shown = _add_cards(blocks, answer, with_actions=buttons)
    next_offset = answer.offset + shown
    if buttons:
        elements = _buttons(answer, next_offset, share, narrow, max_query_chars, grouped)
        if elements:
            blocks.append({"type": "divider"})
            blocks.append({"type": "actions", "elements": elements[:25]})
    message: dict[str, Any] = {"text": _fallback(answer), "blocks": blocks}
    if encode_value(answer.query, next_offset):
        # Where a typed "more" continues from; "total" says whether anything is left.
        # (It continues ungrouped or as the server's setting says: metadata keeps no grouping.)
        message["metadata"] = {"event_type": METADATA_EVENT,
                               "event_payload": {"q": answer.query, "o": next_offset, "total": answer.total}}
    return message


def _restated(answer: Answer, asked: bool, shared_by: str) -> list[dict[str, Any]]:
    """The context line above an answer: who shared it, and the question asked."""
    top = []
    if shared_by:  # a name as text: a <@U…> mention would notify the sharer of their own share
        top.append(f"Shared by {fit(shared_by, 80)}:")
    if asked or shared_by:
        label = "_Question:_" if shared_by else "_You asked:_"
        top.append(f"{label} {fit(answer.query, 800)}")
    return [{"type": "context", "elements": [_mrkdwn(" ".join(top))]}] if top else []


def _add_cards(blocks: list[dict[str, Any]], answer: Answer, with_actions: bool = True) -> int:
    """Append as many cards as fit in one message (and a note on the rest), each with its row of
    buttons (Cite, Similar lessons, Helpful, Not helpful) when `with_actions`; returns how many."""
    reserved = 3  # a divider, the actions block and the "not shown" note
    shown = 0
    for number, hit in enumerate(answer.hits, answer.offset + 1):
        piece = card(hit, number)
        actions = hit_actions(hit.lesson.id, answer.query) if with_actions else None
        if actions:
            piece.append(actions)
        too_many = len(blocks) + len(piece) + reserved > MAX_BLOCKS
        if too_many or (shown and _size(blocks) + _size(piece) > MAX_TOTAL_CHARS):
            break
        blocks.extend(piece)
        shown += 1
    if shown < len(answer.hits):
        blocks.append({"type": "context", "elements": [_mrkdwn(
            f"{len(answer.hits) - shown} more on this page did not fit in one Slack message.")]})
    return shown


def _buttons(answer: Answer, next_offset: int, share: bool, narrow: int, max_query_chars: int,
             grouped: bool | None = None) -> list[dict[str, Any]]:
    """More results, Share in channel, grouping by evaluation and the narrowing buttons, each carrying its page."""
    elements = []
    more = encode_value(answer.query, next_offset, grouped) if next_offset < answer.total else None
    if more:
        elements.append(_button("More results", ACTION_MORE, more, "primary"))
    if share:
        value = encode_value(answer.query, answer.offset, grouped)
        if value:
            elements.append(_button("Share in channel", ACTION_SHARE, value))
    toggle = encode_value(answer.query, 0, not grouped) if grouped is not None and answer.total > 1 else None
    if toggle:
        label = "Show every lesson" if grouped else "One per evaluation"
        elements.append(_button(label, ACTION_GROUP, toggle))
    for i, (label, query) in enumerate(narrowing(answer, narrow, max_query_chars)):
        value = encode_value(query, 0, grouped)
        if value:
            elements.append(_button(label, f"{ACTION_NARROW}_{i}", value))
    return elements


def _fallback(answer: Answer) -> str:
    """The notification / screen-reader text: the headline and the titles."""
    lines = [headline(answer)]
    lines += [f"{n}. {hit.title[:300]}" for n, hit in enumerate(answer.hits, answer.offset + 1)]
    return fit("\n".join(lines), MAX_FALLBACK_CHARS) or "Lessons"


def text_message(text: str) -> dict[str, Any]:
    """A one-section message of our own (already safe) mrkdwn text."""
    section = {"type": "section", "text": _mrkdwn(text[:MAX_SECTION_CHARS])}
    return {"text": text[:MAX_FALLBACK_CHARS], "blocks": [section]}


def error_message(problem: str) -> dict[str, Any]:
    """A short apology with a user-safe reason (for example a too-long question)."""
    return text_message(f"Sorry, I could not search that: {fit(problem, 1000)}")


def help_text(command: str = "/lessons") -> str:
    """How to ask, with examples of every kind of question and filter (mrkdwn)."""
    c = escape(command)
    return (
        "*Ask me about lessons learned from ILO evaluations, in plain words.*\n"
        f"• `{c} social insurance for herders` — an answer only you can see, with a *Share in channel* button\n"
        f"• `{c} child labour country:Philippines` — only lessons from one country\n"
        f"• `{c} TVET reform region:\"Asia and the Pacific\"` — one region (quotes for several words)\n"
        f"• `{c} theme:\"Social protection\" -pension` — one theme, without a word\n"
        f"• `{c} \"joint programme\" coordination` — an exact phrase\n"
        "Filters: `country:`, `region:`, `theme:`, `category:`, `eval:NUMBER`.\n"
        "In a direct message with me, just type the question; type `more` for the next results.\n"
        "In a channel, mention me (`@lessons your question`) and I answer in a thread.\n"
        "Under each lesson: *Cite*, *Similar lessons*, *Helpful* / *Not helpful*. Under each answer: "
        "*More results*, *One per evaluation*, and buttons that narrow it to a country or theme.\n"
        f"• `{c} subscribe child labour` — I post new lessons on it here after each reload; "
        f"`{c} subscriptions` lists them, `{c} unsubscribe N` stops one."
    )


def help_message(command: str = "/lessons") -> dict[str, Any]:
    """The usage message for `help`, an empty command or an empty mention."""
    return {"text": "How to ask the lessons bot", "blocks": [{"type": "section", "text": _mrkdwn(help_text(command))}]}


def home_view(lessons: int, loaded_at: float, counts: Mapping[str, Counter[str]], command: str = "/lessons",
              top: int = 8, extra: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The App Home tab: what the bot knows (`lessons`, when loaded, `counts` by region, country
    and theme as `KnowledgeBase.stats()` gives them), `extra` blocks (the person's subscriptions),
    and how to ask."""
    loaded = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(loaded_at))
    regions = ", ".join(f"{fit(name, 100)} ({n})" for name, n in counts["region"].most_common(12)) or "none"
    themes = "\n".join(f"• {fit(name, 150)} ({n})" for name, n in counts["theme"].most_common(top)) or "none"
    countries = len(counts["country"])
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Lessons learned from ILO evaluations"}},
        {"type": "section", "text": _mrkdwn(
            f"I know *{lessons:,} lessons* from *{countries:,} countries*, loaded {loaded}.")},
        {"type": "section", "text": _mrkdwn(f"*Regions:* {regions}")},
        {"type": "section", "text": _mrkdwn(f"*Top themes:*\n{themes}")},
        {"type": "divider"},
        *extra,
        *([{"type": "divider"}] if extra else []),
        {"type": "section", "text": _mrkdwn(help_text(command))},
    ]
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
