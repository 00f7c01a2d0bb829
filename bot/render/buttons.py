"""The buttons on each lesson of a Slack answer, and what their values carry: Cite, Similar lessons,
Helpful and Not helpful; plus the values of the subscription buttons. Pure functions.

A value carries everything its click needs (the lesson, and for a vote the question), so any server
process can serve the click. Values stay within Slack's 2,000 characters; a button whose value would
not fit is left out.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

MAX_BUTTON_VALUE = 2000
MAX_BUTTON_TEXT = 75

ACTION_CITE = "lessons_cite"
ACTION_SIMILAR = "lessons_similar"
ACTION_HELPFUL = "lessons_helpful"
ACTION_NOT_HELPFUL = "lessons_not_helpful"
ACTION_GROUP = "lessons_group"
ACTION_UNSUBSCRIBE = "lessons_unsubscribe"
ACTION_ALERT_MORE = "lessons_alert_more"
VOTE_ACTIONS = {ACTION_HELPFUL: 1, ACTION_NOT_HELPFUL: -1}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """A Block Kit button, its label cut to Slack's 75 characters."""
    label = text if len(text) <= MAX_BUTTON_TEXT else text[: MAX_BUTTON_TEXT - 1] + "…"
    made = {"type": "button", "text": {"type": "plain_text", "text": label or "…"},
            "action_id": action_id, "value": value}
    if style:
        made["style"] = style
    return made


def _encode(data: Mapping[str, Any]) -> str | None:
    value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return value if len(value) <= MAX_BUTTON_VALUE else None


def _decode(value: Any) -> Mapping[str, Any] | None:
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, Mapping) else None


def lesson_value(lesson_id: str) -> str | None:
    """The value of a Cite or Similar button."""
    return _encode({"l": lesson_id})


def decode_lesson(value: Any) -> str | None:
    """The lesson id a Cite, Similar or vote button carries, or None when it is not ours."""
    data = _decode(value)
    lesson = data.get("l") if data is not None else None
    return lesson if isinstance(lesson, str) and lesson else None


def vote_value(query: str, lesson_id: str) -> str | None:
    """The value of a Helpful / Not helpful button: the question and the lesson."""
    return _encode({"q": query, "l": lesson_id})


def decode_vote(value: Any) -> tuple[str, str] | None:
    """(question, lesson id) from a vote button, or None."""
    data, lesson = _decode(value), decode_lesson(value)
    query = data.get("q") if data is not None else None
    return (query, lesson) if isinstance(query, str) and query.strip() and lesson else None


def hit_actions(lesson_id: str, query: str | None) -> dict[str, Any] | None:
    """The row of buttons under one lesson: Cite, Similar lessons, and (for an answer to a question)
    Helpful / Not helpful. None when no button fits."""
    elements = []
    plain = lesson_value(lesson_id)
    if plain:
        elements += [button("Cite", ACTION_CITE, plain), button("Similar lessons", ACTION_SIMILAR, plain)]
    vote = vote_value(query, lesson_id) if query else None
    if vote:
        elements += [button("Helpful", ACTION_HELPFUL, vote), button("Not helpful", ACTION_NOT_HELPFUL, vote)]
    return {"type": "actions", "elements": elements} if elements else None


def subscription_value(sub_id: int) -> str:
    """The value of an App Home "Remove" button: the subscription's id (checked against the clicker)."""
    return json.dumps({"s": int(sub_id)})


def decode_subscription(value: Any) -> int | None:
    """The subscription id a Remove button carries, or None."""
    data = _decode(value)
    sub = data.get("s") if data is not None else None
    return sub if isinstance(sub, int) and not isinstance(sub, bool) and sub > 0 else None


def alert_more_value(question: str, lesson_ids: Sequence[str]) -> str | None:
    """The value of an alert's "N more" button: the question and as many of the other new lessons as fit."""
    ids = list(lesson_ids)
    while ids:
        value = _encode({"q": question, "ids": ids})
        if value:
            return value
        ids = ids[: len(ids) // 2]
    return None


def decode_alert_more(value: Any) -> tuple[str, list[str]] | None:
    """(question, lesson ids) from an alert's "N more" button, or None."""
    data = _decode(value)
    if data is None:
        return None
    question, ids = data.get("q"), data.get("ids")
    if not isinstance(question, str) or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return None
    return question, ids
