"""Subscription posts: after each reload, every active subscription hears once of the new lessons that
match it, in one message per subscription (`bot.features.matching` finds them).

Once means once: the lessons are claimed in the state store before posting (`claim_undelivered`, one
transaction), so of several server processes reloading together only one posts them, and after a
restart nothing is sent again. A failed post gives its lessons back for the next reload; a channel the
bot has left (`not_in_channel`, `channel_not_found`, archived) has its subscriptions paused and logged.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from knowledge import KnowledgeBase

from ..features.matching import added, matching
from ..render.lesson_blocks import alert_message
from ..state import Scope, StateStore, StateUnavailable, Subscription, Subscriptions
from .client import describe_error

log = logging.getLogger("lessons.subscriptions")

#: Slack's answers that mean the bot cannot post there until someone acts: pause, do not retry forever.
GONE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "account_inactive", "user_not_found"})


@dataclass
class Outcome:
    """What one round of posts did, for the log line and the tests."""

    new: int = 0
    posted: int = 0
    paused: int = 0
    failed: int = 0


class SubscriptionAlerts:
    """Posts new matching lessons to subscriptions after a reload; `on_reload` is the Reloader listener."""

    def __init__(self, state: StateStore, client: WebClient, command: str = "/lessons") -> None:
        self.subscriptions = Subscriptions(state)
        self.client, self.command = client, command
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lessons-alerts")

    def on_reload(self, old: KnowledgeBase, new: KnowledgeBase) -> Future | None:
        """Hand the posts to this object's own thread, so the reload (and `POST /admin/reload`) returns at once."""
        fresh = added(old, new)
        return self._worker.submit(self.post_new, new, fresh) if fresh else None

    def post_new(self, kb: KnowledgeBase, new_ids: list[str]) -> Outcome:
        """Post to every active subscription the lessons among `new_ids` that match it and it was not sent."""
        outcome = Outcome(new=len(new_ids))
        try:
            subs = self.subscriptions.active()
        except StateUnavailable as error:
            log.error("no subscription posts after the reload: %s", error.detail)
            return outcome
        gone: set[Scope] = set()
        for sub in subs:
            if sub.scope in gone:
                continue
            try:
                result = self._post_one(kb, sub, new_ids)
            except StateUnavailable as error:
                log.error("subscription %d: %s", sub.id, error.detail)
                result = "failed"
            except Exception:  # one subscription's problem must not keep the others from their posts
                log.exception("subscription %d: posting failed", sub.id)
                result = "failed"
            if result == "paused":
                gone.add(sub.scope)
            if result:
                setattr(outcome, result, getattr(outcome, result) + 1)
        log.info("subscription posts after the reload: %d new lessons, %d posted, %d paused, %d failed",
                 outcome.new, outcome.posted, outcome.paused, outcome.failed)
        return outcome

    def _post_one(self, kb: KnowledgeBase, sub: Subscription, new_ids: list[str]) -> str:
        """Post one subscription's new lessons; "posted", "paused", "failed", or "" for nothing to post."""
        hits = matching(kb, sub.question, new_ids)
        claimed = set(self.subscriptions.claim_undelivered(sub.id, [h.lesson.id for h in hits])) if hits else set()
        if not claimed:
            return ""
        message = alert_message(sub.question, sub.number, [h for h in hits if h.lesson.id in claimed], [],
                                self.command)
        try:
            self.client.chat_postMessage(channel=sub.scope.id, unfurl_links=False, unfurl_media=False, **message)
        except SlackApiError as error:
            self.subscriptions.release(sub.id, claimed)
            code = str(error.response.get("error") or "")
            if code in GONE:
                count = self.subscriptions.pause_scope(sub.scope, code)
                log.warning("paused %d subscription(s) of %s %s: Slack says %s (resume by subscribing again "
                            "once the bot is back)", count, sub.scope.kind, sub.scope.id, code)
                return "paused"
            log.error("subscription %d: the post failed (%s); its lessons wait for the next reload",
                      sub.id, describe_error(error))
            return "failed"
        except Exception as error:
            self.subscriptions.release(sub.id, claimed)
            log.error("subscription %d: the post failed (%s); its lessons wait for the next reload",
                      sub.id, describe_error(error))
            return "failed"
        return "posted"

    def close(self) -> None:
        """Finish the posts under way (none are started after this)."""
        self._worker.shutdown(wait=True)
