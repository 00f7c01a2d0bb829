"""Slack messages about lessons rather than answers: a citation, the lessons like one lesson, the
thanks for a vote, and what a subscription posts. Pure functions, within Slack's limits."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from knowledge import Hit, Lesson
from knowledge.citation import cite

from .blocks import MAX_BLOCKS, MAX_SECTION_CHARS, card, text_message
from .buttons import ACTION_ALERT_MORE, alert_more_value, button, hit_actions
from .markup import escape, fit

#: At most this many new lessons in one subscription post; the rest behind "N more".
ALERT_LESSONS = 5


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_CHARS]}}


def _code(text: str) -> str:
    """A mrkdwn code block; Slack's three control characters are escaped inside it too."""
    return "```" + fit(text, MAX_SECTION_CHARS - 40) + "```"


def citation_message(lesson: Lesson, accessed: date | None = None) -> dict[str, Any]:
    """How to cite one lesson: the reference line, APA, and a BibTeX entry to paste (RIS: `lessons cite`)."""
    blocks = [
        _section(f"*Cite this lesson*\n{fit(cite(lesson, 'text', accessed), 2800)}"),
        _section(f"*APA*\n{fit(cite(lesson, 'apa', accessed), 2800)}"),
        _section("*BibTeX*\n" + _code(cite(lesson, "bibtex", accessed))),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "Built from the lesson's own fields; a field it lacks is left out. RIS for Zotero or EndNote: "
            f"`lessons cite {escape(lesson.id[:100])} --format ris`, or the lesson's page on the web door.")}]},
    ]
    return {"text": fit(f"Cite: {cite(lesson, 'text', accessed)}", 3000), "blocks": blocks}


def lesson_cards(hits: Sequence[Hit], query: str | None = None, room: int = MAX_BLOCKS - 2) -> list[dict[str, Any]]:
    """Cards for `hits`, each with its buttons (votes only when `query` is the question they answer),
    as many as fit in `room` blocks."""
    blocks: list[dict[str, Any]] = []
    for number, hit in enumerate(hits, 1):
        piece = card(hit, number)
        actions = hit_actions(hit.lesson.id, query)
        if actions:
            piece.append(actions)
        if len(blocks) + len(piece) > room:
            break
        blocks += piece
    return blocks


def similar_message(lesson: Lesson, hits: Sequence[Hit]) -> dict[str, Any]:
    """The lessons most like `lesson`, as cards with their buttons."""
    head = f"*Lessons like* {fit(lesson.display_title, 500)}"
    if not hits:
        return text_message(f"{head}\nNo other lesson shares enough of its words.")
    blocks = [_section(head), *lesson_cards(hits)]
    return {"text": fit(f"Lessons like {lesson.display_title}", 3000), "blocks": blocks}


def vote_thanks(vote: int, lesson: Lesson, question: str) -> dict[str, Any]:
    """The private reply to a vote: what was noted, and that it can be changed."""
    word = "helpful" if vote > 0 else "not helpful"
    return text_message(f"Thanks: noted that _{fit(lesson.display_title, 300)}_ was *{word}* for "
                        f"“{fit(question, 300)}”. Click the other button to change your vote.")


def alert_message(question: str, number: int, hits: Sequence[Hit], more: Sequence[str],
                  command: str = "/lessons") -> dict[str, Any]:
    """One subscription's post after a reload: the new lessons that match (`hits`, at most five shown)
    and an "N more" button carrying the ids of the rest (`more`)."""
    shown = list(hits[:ALERT_LESSONS])
    rest = list(more) + [hit.lesson.id for hit in hits[ALERT_LESSONS:]]
    count = len(shown) + len(rest)
    noun = "lesson" if count == 1 else "lessons"
    head = f"*{count} new {noun} for “{fit(question, 500)}”*"
    blocks = [_section(head), *lesson_cards(shown, question, room=MAX_BLOCKS - 4)]
    value = alert_more_value(question, rest) if rest else None
    if value:
        blocks.append({"type": "actions", "elements": [button(f"{len(rest)} more", ACTION_ALERT_MORE, value)]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
        f"Subscription {number} here. `{escape(command)} subscriptions` lists them; "
        f"`{escape(command)} unsubscribe {number}` stops this one.")}]})
    titles = "\n".join(f"• {hit.title[:200]}" for hit in shown)
    return {"text": fit(f"{count} new {noun} for “{question}”\n{titles}", 3000), "blocks": blocks}


def lessons_message(question: str, lessons: Sequence[Lesson]) -> dict[str, Any]:
    """The other new lessons behind an alert's "N more" button, as plain cards."""
    if not lessons:
        return text_message("Those lessons are no longer loaded.")
    hits = [Hit(lesson, 0.0) for lesson in lessons]
    blocks = [_section(f"*More new lessons for “{fit(question, 500)}”*"), *lesson_cards(hits, question)]
    return {"text": fit(f"More new lessons for “{question}”", 3000), "blocks": blocks}
