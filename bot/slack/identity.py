"""Who the bot is on Slack, looked up with `auth.test` when a request first needs it, and never
in the way of an acknowledgement while Slack cannot be reached."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .client import describe_error

log = logging.getLogger("lessons.slack")


class BotIdentity(Authorize):
    """Who the bot is on Slack (`auth.test`), looked up when a request first needs it, then kept.

    It is bolt's `authorize` and never raises: a request waits at most `wait` seconds for the
    lookup. While Slack's Web API cannot be reached, requests go on with the token alone (the
    bot's own ids unknown; its messages are still recognised by `bot_id` and `subtype`) and the
    lookup is tried again, in the background, at most every `retry_after` seconds.
    """

    def __init__(self, client: WebClient, *, wait: float = 1.0, retry_after: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.client, self.wait, self.retry_after, self.clock = client, wait, retry_after, clock
        self._ids: dict[str, Any] | None = None
        self._lookup: threading.Thread | None = None
        self._next_try = self._started = 0.0
        self._failing = False
        self._lock = threading.Lock()

    @property
    def ids(self) -> dict[str, Any] | None:
        """auth.test's answer (user_id, bot_id, team_id, team, url) once Slack gave it, else None."""
        return self._ids

    def __call__(self, *, context: Any = None, enterprise_id: str | None = None, team_id: str | None = None,
                 user_id: str | None = None, **actor: Any) -> AuthorizeResult:
        ids = self._ids or self._look_up()
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id or ids.get("team_id"),
                               team=ids.get("team"), url=ids.get("url"), bot_token=self.client.token,
                               bot_user_id=ids.get("user_id"), bot_id=ids.get("bot_id"), user_id=user_id)

    def _look_up(self) -> dict[str, Any]:
        now = self.clock()
        with self._lock:
            if self._ids:
                return self._ids
            lookup = self._lookup
            if lookup is None and now >= self._next_try:
                lookup = self._lookup = threading.Thread(target=self._ask_slack, name="slack-auth-test", daemon=True)
                self._started = now
                lookup.start()
            # Only the first `wait` seconds of a lookup are waited for: a hung Slack costs
            # the requests arriving meanwhile at most that, not one `wait` each.
            patience = self._started + self.wait - now
        if lookup is not None and patience > 0:
            lookup.join(patience)
        return self._ids or {}

    def _ask_slack(self) -> None:
        try:
            answer = self.client.auth_test()
        except Exception as error:  # noqa: BLE001 - an outage must not reach the request
            with self._lock:
                self._lookup, self._next_try = None, self.clock() + self.retry_after
                first, self._failing = not self._failing, True
            if first:
                refused = isinstance(error, SlackApiError) and error.response.status_code == 200
                log.warning("Slack's Web API %s (auth.test: %s); Slack requests are still acknowledged, "
                            "answers may fail; trying again every %gs",
                            "refused the bot token" if refused else "cannot be reached",
                            describe_error(error), self.retry_after)
            return
        ids = {key: answer.get(key) for key in ("user_id", "bot_id", "team_id", "team", "url")}
        with self._lock:
            self._ids, self._lookup = ids, None
            recovered, self._failing = self._failing, False
        log.info("Slack's Web API %s: the bot is %s (%s)", "is reachable again" if recovered else "answered",
                 ids.get("user_id"), ids.get("bot_id"))


class BoltTokenWarnings(logging.Filter):
    """Drops bolt's start-up warnings that the token "will be ignored"/"unused": `BotIdentity`
    hands it to every request, so they would only mislead whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not ("`token`" in message and ("will be ignored" in message or "will be unused" in message))
