"""The Slack Web API client the door posts with: where it points, how long a call may take, and
what it retries."""
from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from ..config import Secrets

DEFAULT_API_URL = "https://slack.com/api/"
#: Seconds a Web API call may take (slack_sdk's default is 30). Listeners run after the ack,
#: so this bounds how long a stuck call holds one of bolt's listener threads.
API_TIMEOUT = 10.0


def web_client(secrets: Secrets, *,
               retry_interval: RetryIntervalCalculator = default_interval_calculator) -> WebClient:
    """The Web API client: the bot token, `SLACK_API_URL` (default Slack's), a 10 s timeout, and
    retries: once on a connection error (slack_sdk's default), after Retry-After on 429 (at most
    twice), once on 500/503. `retry_interval` spaces the connection and server-error retries
    (slack_sdk's exponential backoff; tests pass a shorter one)."""
    base_url = secrets.slack_api_url or DEFAULT_API_URL
    return WebClient(
        token=secrets.slack_bot_token or None, timeout=API_TIMEOUT,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=retry_interval),
                        RateLimitErrorRetryHandler(max_retry_count=2),
                        ServerErrorRetryHandler(max_retry_count=1, interval_calculator=retry_interval)],
    )


def describe_error(error: BaseException) -> str:
    """One short line for a Web API failure: Slack's error code, or the exception's type and first line."""
    if isinstance(error, SlackApiError):
        return f"{error.response.status_code} {error.response.get('error')}"
    return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
