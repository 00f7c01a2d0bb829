"""Slack messages of subscriptions: the replies to `/lessons subscribe`, `subscriptions` and
`unsubscribe`, and the App Home section listing a person's own with Remove buttons. Pure functions."""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

from .blocks import text_message
from .buttons import ACTION_UNSUBSCRIBE, button, subscription_value
from .markup import escape, fit

MAX_LISTED = 40


class Shown(Protocol):
    """What a subscription shows (`bot.state.Subscription`)."""

    id: int
    number: int
    question: str
    created_at: float
    pause_reason: str

    @property
    def paused(self) -> bool: ...


def _line(sub: Shown) -> str:
    since = time.strftime("%Y-%m-%d", time.gmtime(sub.created_at))
    paused = f" — _paused: {fit(sub.pause_reason or 'paused', 80)}_" if sub.paused else ""
    return f"*{sub.number}.* {fit(sub.question, 400)} (since {since}){paused}"


def subscription_help(command: str = "/lessons") -> dict[str, Any]:
    """How subscriptions work, for `/lessons subscribe` without a question."""
    c = escape(command)
    return text_message(
        "*Subscriptions: hear of new lessons on a topic.*\n"
        f"• `{c} subscribe child labour country:Ghana` — after each reload of the lessons, I post the new "
        "lessons that match here (in a direct message with me: to you alone)\n"
        f"• `{c} subscriptions` — the subscriptions here, numbered\n"
        f"• `{c} unsubscribe 2` — stop number 2")


def subscribed(sub: Shown, matching_now: int, personal: bool, command: str = "/lessons") -> dict[str, Any]:
    """The reply to a new subscription."""
    where = "to you" if personal else "in this channel"
    noun = "lesson matches" if matching_now == 1 else "lessons match"
    invite = "" if personal else " If I am not a member of this channel, invite me: `/invite @lessons`."
    return text_message(
        f"Subscribed (number {sub.number}): after each reload of the lessons I will post {where} the new ones "
        f"that match “{fit(sub.question, 500)}”. {matching_now:,} {noun} today.{invite}\n"
        f"`{escape(command)} subscriptions` lists them; `{escape(command)} unsubscribe {sub.number}` stops it.")


def subscriptions_list(subs: Sequence[Shown], personal: bool, command: str = "/lessons") -> dict[str, Any]:
    """The subscriptions of a channel, or of a person in a direct message, numbered."""
    where = "Your subscriptions" if personal else "Subscriptions in this channel"
    if not subs:
        return text_message(f"No subscriptions {'for you' if personal else 'in this channel'} yet. "
                            f"`{escape(command)} subscribe QUESTION` makes one.")
    lines = [_line(sub) for sub in subs[:MAX_LISTED]]
    if len(subs) > MAX_LISTED:
        lines.append(f"… and {len(subs) - MAX_LISTED} more.")
    return text_message(f"*{where}:*\n" + "\n".join(lines) + f"\n`{escape(command)} unsubscribe N` stops one.")


def unsubscribed(sub: Shown | None, number: str, command: str = "/lessons") -> dict[str, Any]:
    """The reply to `unsubscribe N`."""
    if sub is None and not number:
        return text_message(f"Which one? `{escape(command)} unsubscribe N`, with N from "
                            f"`{escape(command)} subscriptions`.")
    if sub is None:
        return text_message(f"There is no subscription number {fit(number, 20)} here; "
                            f"`{escape(command)} subscriptions` lists them.")
    return text_message(f"Unsubscribed from “{fit(sub.question, 500)}”; the others here keep their numbers "
                        "in order (see `subscriptions`).")


def home_subscriptions(subs: Sequence[Shown], command: str = "/lessons") -> list[dict[str, Any]]:
    """The App Home section: the person's own subscriptions, each with a Remove button."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "Your subscriptions"}}]
    if not subs:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            f"None yet. In a direct message with me, `{escape(command)} subscribe QUESTION` and I will tell you "
            "of new lessons on it.")}})
    for sub in subs[:MAX_LISTED]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _line(sub)},
                       "accessory": button("Remove", ACTION_UNSUBSCRIBE, subscription_value(sub.id), "danger")})
    return blocks


def unavailable(message: str) -> dict[str, Any]:
    """A polite answer when the bot's memory cannot be used (the search itself still works)."""
    return text_message(f"Sorry: {fit(message, 1000)} Searching works as usual.")
