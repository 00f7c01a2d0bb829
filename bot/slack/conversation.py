"""Reading a Slack conversation: a message's text as a plain question, which messages to leave
alone, where a typed "more" continues, and the memory of what was already answered."""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..render.blocks import ACTION_MORE, METADATA_EVENT, decode_value
from ..render.markup import unescape

HELP_WORDS = {"", "help", "?", "usage", "hi", "hello"}
MORE_WORDS = {"more", "more results", "next", "show more"}
#: The message subtypes a person's question may carry: none, a file attached, a thread reply sent
#: to the conversation too. Edits, deletions, joins and bots' messages are left alone.
PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}


class Claims(Protocol):
    """What the door de-duplicates with: the first claim of a key wins. `RecentKeys` in this
    process; a store shared by every worker process can stand in (`bot.state.Dedup` behind a
    `claim(key)` of its own)."""

    def claim(self, key: str) -> bool:
        """True the first time `key` is claimed (within the store's time to live), False after."""
        ...


class RecentKeys:
    """A bounded set of recently seen keys that forget after `ttl` seconds; thread-safe.

    Slack retries an event for about six minutes, so the default keeps ten minutes.
    """

    def __init__(self, max_size: int = 10_000, ttl: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_size, self.ttl, self.clock = max_size, ttl, clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: str) -> bool:
        """True the first time `key` is seen (within the TTL), False for a repeat."""
        now = self.clock()
        with self._lock:
            while self._seen and (len(self._seen) >= self.max_size
                                  or next(iter(self._seen.values())) < now - self.ttl):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


def clean_text(text: str) -> str:
    """A Slack message's text as a plain question: mentions of the bot and special forms
    (`<!here>`, `<@U…>`) dropped, links and channels reduced to their label, entities undone."""

    def plain(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith(("@", "!")):
            return ""
        if target.startswith("#"):
            return label or ""
        return label or target

    text = re.sub(r"<([^<>]*)>", plain, text or "")
    return " ".join(unescape(text).split())


def continuation(messages: list[Mapping[str, Any]], ours: set[str]) -> tuple[str, int] | bool | None:
    """The (query, offset) the bot's latest answer among `messages` (newest first) continues
    with: its More results button, else its metadata. False when that answer was complete,
    None when the bot has not answered here."""
    for message in messages:
        if not ({message.get("bot_id"), message.get("user")} & ours):
            continue
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if isinstance(element, dict) and element.get("action_id") == ACTION_MORE:
                    page = decode_value(element.get("value"))
                    if page:
                        return page
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == METADATA_EVENT:
            payload = metadata.get("event_payload") or {}
            page = decode_value(payload)
            return page if page and payload.get("total", 0) > page[1] else False
    return None


def ignorable(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Edits, joins and the other subtypes but a person's (`PERSON_SUBTYPES`), any bot's messages
    (ours included), Slackbot, and a message whose text is not text (Slack never sends one)."""
    user, subtype = event.get("user"), event.get("subtype")
    person = (subtype is None or isinstance(subtype, str)) and subtype in PERSON_SUBTYPES
    return bool(not person or event.get("bot_id") or event.get("bot_profile") or not user
                or user == bot_user_id or user == "USLACKBOT" or not isinstance(event.get("text", ""), str))


def is_help(text: str) -> bool:
    """True for an empty question, `help` and the like."""
    return text.lower() in HELP_WORDS


def is_more(text: str) -> bool:
    """True for a typed "more" (or "next", "show more")."""
    return text.lower().strip(" .!") in MORE_WORDS
