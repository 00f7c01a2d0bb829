"""`/lessons subscribe QUESTION`, `/lessons subscriptions` and `/lessons unsubscribe N` (also typed in a
direct message, or after a mention): a question kept for a channel, or in a direct message for the person."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge import QueryError

from ..live import KnowledgeHolder
from ..render.blocks import error_message
from ..render.subscription_blocks import (
    subscribed,
    subscription_help,
    subscriptions_list,
    unavailable,
    unsubscribed,
)
from ..state import Scope, StateStore, StateUnavailable, Subscriptions

NO_STORE = "subscriptions are not kept on this server."
_VERB = re.compile(r"^(subscribe|subscriptions|unsubscribe)(?:\s+(.*))?$", re.IGNORECASE | re.DOTALL)
_NUMBER = re.compile(r"^#?(\d{1,9})$")


def command_scope(command: Mapping[str, Any]) -> Scope:
    """Where a slash command's subscription belongs: the channel, or in a direct message the person."""
    channel, user = str(command.get("channel_id") or ""), str(command.get("user_id") or "")
    if channel.startswith("D") or command.get("channel_name") == "directmessage" or not channel:
        return Scope("user", user or "unknown")
    return Scope("channel", channel)


def message_scope(event: Mapping[str, Any]) -> Scope:
    """Where a typed subscription belongs: a direct message's person, or the mention's channel."""
    if event.get("channel_type") == "im":
        return Scope("user", str(event.get("user") or "unknown"))
    return Scope("channel", str(event.get("channel") or "unknown"))


class SubscriptionCommands:
    """Reads and answers the three subscription commands; each answer is a message to send back."""

    def __init__(self, state: StateStore | None, holder: KnowledgeHolder, command: str = "/lessons") -> None:
        self.subscriptions = Subscriptions(state) if state is not None else None
        self.holder, self.command = holder, command

    @staticmethod
    def handles(text: str) -> bool:
        """True when `text` is one of the subscription commands (not a question)."""
        return bool(_VERB.match(text.strip()))

    def reply(self, text: str, scope: Scope) -> dict[str, Any]:
        """The answer to a subscription command in `scope`; a polite message when the memory fails."""
        verb, rest = _VERB.match(text.strip()).groups()
        verb, rest = verb.lower(), " ".join((rest or "").split())
        if self.subscriptions is None:
            return unavailable(NO_STORE)
        try:
            if verb == "subscribe":
                return self.subscribe(rest, scope)
            if verb == "subscriptions":
                return subscriptions_list(self.subscriptions.list(scope), scope.kind == "user", self.command)
            return self.unsubscribe(rest, scope)
        except StateUnavailable as error:
            return unavailable(error.message)

    def subscribe(self, question: str, scope: Scope) -> dict[str, Any]:
        """Keep `question` for `scope` (again, if it was paused) and say how many lessons match today."""
        if not question or question.lower() == "help":
            return subscription_help(self.command)
        try:
            total = self.holder.kb.ask(question, limit=1, explain=False).total
        except QueryError as error:
            return error_message(str(error))
        sub = self.subscriptions.add(scope, question)
        if sub.paused:  # subscribing again after the bot was removed from the channel resumes it
            self.subscriptions.resume(sub.id)
        return subscribed(sub, total, scope.kind == "user", self.command)

    def unsubscribe(self, number: str, scope: Scope) -> dict[str, Any]:
        """Remove the scope's subscription shown as `number`."""
        found = _NUMBER.match(number)
        removed = self.subscriptions.remove(scope, int(found.group(1))) if found else None
        return unsubscribed(removed, number, self.command)
