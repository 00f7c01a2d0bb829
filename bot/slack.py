"""The Slack door: `/lessons`, direct messages, @mentions, buttons and the App Home tab.

`build_slack_app` registers every listener inside the factory (no module-level `App`), and
`mount_slack` serves it at `POST /slack/events` on the Flask app. Listeners only turn a Slack
request into a question and post what `blocks.py` renders; the query and page of every
follow-up travel inside the buttons (and message metadata), so any process can serve a click.

The one piece of process memory is `RecentKeys`, a small bounded cache of event ids and message
timestamps already answered. It makes de-duplication best-effort per process: Slack's retries
and the double delivery of a mention are dropped by the process that saw the first copy.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from concurrent.futures import Executor
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl

from flask import Flask, Response, jsonify, request
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from knowledge import QueryError

from .blocks import (ACTION_MORE, ACTION_NARROW, ACTION_SHARE, METADATA_EVENT, answer_message, decode_value,
                     error_message, help_message, home_view, text_message, unescape)
from .config import Secrets, Settings
from .holder import KnowledgeHolder

log = logging.getLogger("lessons.slack")

DEFAULT_API_URL = "https://slack.com/api/"
#: Seconds a Web API call may take (slack_sdk's default is 30). Listeners run after the ack,
#: so this bounds how long a stuck call holds one of bolt's listener threads.
API_TIMEOUT = 10.0
EVENTS_PATH = "/slack/events"
# Slack rejects requests signed more than five minutes away from now (replay protection).
MAX_CLOCK_SKEW = 300

HELP_WORDS = {"", "help", "?", "usage", "hi", "hello"}
MORE_WORDS = {"more", "more results", "next", "show more"}


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


def web_client(secrets: Secrets) -> WebClient:
    """The Web API client: the bot token, `SLACK_API_URL` (default Slack's), a 10 s timeout, and
    retries: once on a connection error (slack_sdk's default), after Retry-After on 429 (at most
    twice), once on 500/503."""
    base_url = secrets.slack_api_url or DEFAULT_API_URL
    client = WebClient(token=secrets.slack_bot_token or None, timeout=API_TIMEOUT,
                       base_url=base_url if base_url.endswith("/") else base_url + "/")
    client.retry_handlers.extend([RateLimitErrorRetryHandler(max_retry_count=2),
                                  ServerErrorRetryHandler(max_retry_count=1)])
    return client


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


def describe_error(error: BaseException) -> str:
    """One short line for a Web API failure: Slack's error code, or the exception's type and first line."""
    if isinstance(error, SlackApiError):
        return f"{error.response.status_code} {error.response.get('error')}"
    return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"


class _BoltTokenWarnings(logging.Filter):
    """Drops bolt's start-up warnings that the token "will be ignored"/"unused": `BotIdentity`
    hands it to every request, so they would only mislead whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not ("`token`" in message and ("will be ignored" in message or "will be unused" in message))



def clean_text(text: str, bot_user_id: str | None = None) -> str:
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


def _ignorable(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Edits, joins and other subtypes, any bot's messages (ours included), and Slackbot."""
    user = event.get("user")
    return bool(event.get("subtype") or event.get("bot_id") or event.get("bot_profile")
                or not user or user == bot_user_id or user == "USLACKBOT")


def build_slack_app(
    settings: Settings,
    holder: KnowledgeHolder,
    *,
    secrets: Secrets,
    client: WebClient | None = None,
    recent: RecentKeys | None = None,
    listener_executor: Executor | None = None,
    identity: BotIdentity | None = None,
) -> App:
    """A slack-bolt `App` answering the slash command, DMs, mentions, buttons and App Home.

    `client` defaults to a `WebClient` on `SLACK_API_URL`; `recent` is the de-duplication cache;
    `listener_executor` runs listeners after the ack (bolt's default pool when None); `identity`
    authorizes requests (a `BotIdentity` on `client` when None).
    """
    if not any(isinstance(f, _BoltTokenWarnings) for f in log.filters):
        log.addFilter(_BoltTokenWarnings())
    command_name = settings.slack.command
    recent = recent or RecentKeys()
    client = client or web_client(secrets)
    app = App(
        name="lessons",
        client=client,
        signing_secret=secrets.slack_signing_secret,
        request_verification_enabled=bool(secrets.slack_signing_secret),
        # Not bolt's own authorization: it calls auth.test at start-up (token verification) or on
        # the first request, and answers every request with 500 while Slack cannot be reached.
        authorize=identity or BotIdentity(client),
        listener_executor=listener_executor,
        logger=log,
    )

    def answer_for(query: str, offset: int = 0, **options: Any) -> dict[str, Any]:
        kb = holder.kb
        try:
            answer = kb.ask(query, offset=offset)
        except QueryError as error:
            return error_message(str(error))
        return answer_message(answer, narrow=settings.slack.narrowing_buttons,
                              max_query_chars=kb.options.max_query_chars, **options)

    def post(channel: str, message: Mapping[str, Any], thread_ts: str | None = None) -> None:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                                unfurl_media=False, **message)

    def last_page(channel: str, thread_ts: str | None, context: Mapping[str, Any]) -> tuple[str, int] | bool | None:
        """Where a typed "more" continues, read from the conversation (see `continuation`)."""
        if thread_ts:
            history = client.conversations_replies(channel=channel, ts=thread_ts, limit=50,
                                                   include_all_metadata=True)
            messages = list(reversed(history.get("messages") or []))
        else:
            history = client.conversations_history(channel=channel, limit=30, include_all_metadata=True)
            messages = history.get("messages") or []
        return continuation(messages, {context.get("bot_id"), context.get("bot_user_id")} - {None})

    def reply(text: str, channel: str, thread_ts: str | None, context: Mapping[str, Any]) -> None:
        """Answer a message: help, the next page of the last answer, or the question itself."""
        if text.lower() in HELP_WORDS:
            post(channel, help_message(command_name), thread_ts)
        elif text.lower().strip(" .!") in MORE_WORDS:
            try:
                page = last_page(channel, thread_ts, context)
            except SlackApiError as error:
                log.warning("cannot read the conversation to continue an answer: %s", error.response.get("error"))
                post(channel, text_message("Use the *More results* button under the answer."), thread_ts)
                return
            if page:
                post(channel, answer_for(page[0], page[1]), thread_ts)
            elif page is False:
                post(channel, text_message("That was everything I found. Ask another question!"), thread_ts)
            else:
                post(channel, text_message("There is no answer to continue here yet: ask me a question first, "
                                           "or use the *More results* button under an answer."), thread_ts)
        else:
            post(channel, answer_for(text), thread_ts)

    # -- retries and repeats ----------------------------------------------------------------

    def skip_repeats(body: dict, request, next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002
        """Ack and drop an event already seen here, and Slack's timeout retries: bolt acks events
        before the listener runs, so a timeout retry means the first copy is being answered."""
        if body.get("type") == "event_callback":
            event_id = str(body.get("event_id") or "")
            reason = (request.headers.get("x-slack-retry-reason") or [""])[0]
            retried = (request.headers.get("x-slack-retry-num") or [""])[0]
            if event_id and not recent.claim("event:" + event_id):
                log.info("dropped repeated Slack event %s (retry %s)", event_id, retried or "-")
                return BoltResponse(status=200, body="")
            if retried and reason == "http_timeout":
                log.info("dropped Slack retry %s of event %s (http_timeout)", retried, event_id)
                return BoltResponse(status=200, body="")
        next()
        return None

    def ack_first(body: dict, ack, next: Callable[[], None]) -> None:  # noqa: A002
        """Acknowledge the slash command and button clicks at once, on the request's thread:
        listeners run on bolt's small pool, and when a slow Web API keeps it busy their own
        `ack()` would come after Slack's three seconds (bolt then answers 404)."""
        if body.get("command") == command_name or body.get("type") == "block_actions":
            ack()
        next()

    app.use(skip_repeats)
    app.use(ack_first)

    # -- the slash command ----------------------------------------------------------------

    def on_command(ack, respond, command):
        """`/lessons QUESTION`: a private answer restating the question, with a Share button."""
        ack()
        query = clean_text(command.get("text", ""))
        if query.lower() in HELP_WORDS:
            respond(response_type="ephemeral", **help_message(command_name))
            return
        message = answer_for(query, asked=True, share=True)
        respond(response_type="ephemeral", text=message["text"], blocks=message["blocks"])

    app.command(command_name)(on_command)

    # -- direct messages and mentions -------------------------------------------------------

    def on_message(event, context):
        """A direct message is a question (or `help`, or `more`). Channel messages are left to
        `app_mention`, so a mention is answered once."""
        if event.get("channel_type") != "im" or _ignorable(event, context.get("bot_user_id")):
            return
        if not recent.claim(f"message:{event.get('channel')}:{event.get('ts')}"):
            return
        reply(clean_text(event.get("text", ""), context.get("bot_user_id")), event["channel"],
              event.get("thread_ts"), context)

    def on_mention(event, context):
        """`@lessons QUESTION` in a channel: answered in a thread under the mention."""
        if _ignorable(event, context.get("bot_user_id")):
            return
        if not recent.claim(f"message:{event.get('channel')}:{event.get('ts')}"):
            return
        thread_ts = event.get("thread_ts") or event.get("ts")
        reply(clean_text(event.get("text", ""), context.get("bot_user_id")), event["channel"], thread_ts, context)

    app.event("message")(on_message)
    app.event("app_mention")(on_mention)

    # -- buttons ------------------------------------------------------------------------------

    def page_of(action: Mapping[str, Any], respond) -> tuple[str, int] | None:
        """The (query, offset) a button carries, or None after telling the user it no longer works."""
        page = decode_value(action.get("value"))
        if page is None:
            respond(response_type="ephemeral", replace_original=False,
                    **error_message("this button no longer works; please ask again."))
        return page

    def on_page(ack, body, action, respond):
        """"More results" and the narrowing buttons: the page named in the button, in place."""
        ack()
        page = page_of(action, respond)
        if page is None:
            return
        private = bool((body.get("container") or {}).get("is_ephemeral"))
        message = answer_for(page[0], page[1], asked=private, share=private)
        respond(replace_original=True, text=message["text"], blocks=message["blocks"])

    def on_share(ack, body, action, respond):
        """"Share in channel": the same answer posted for everyone, and the private copy removed."""
        ack()
        page = page_of(action, respond)
        if page is None:
            return
        user = str((body.get("user") or {}).get("id") or "")
        message = answer_for(page[0], page[1], buttons=False, shared_by=user)
        respond(response_type="in_channel", replace_original=False, text=message["text"], blocks=message["blocks"])
        respond(delete_original=True)

    app.action(ACTION_MORE)(on_page)
    app.action(re.compile(rf"^{ACTION_NARROW}_\d+$"))(on_page)
    app.action(ACTION_SHARE)(on_share)

    # -- App Home ------------------------------------------------------------------------------

    def on_home(event):
        """The Home tab: what the bot knows and how to ask."""
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        client.views_publish(user_id=event["user"], view=home_view(holder.kb, command_name))

    app.event("app_home_opened")(on_home)

    def on_error(error):
        log.error("Slack listener failed: %s", describe_error(error))

    app.error(on_error)
    return app


# -- HTTP mode ---------------------------------------------------------------------------------

def signature_ok(secret: str, body: bytes, timestamp: str, signature: str,
                 now: Callable[[], float] = time.time) -> bool:
    """Slack's v0 request signature, checked in constant time, within five minutes of now."""
    if not (secret and signature.isascii() and timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(now() - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v0=" + digest, signature)


def malformed(body: bytes, content_type: str) -> str:
    """Why slack-bolt could not parse this body ("" when it can), checked before bolt sees it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if not text:
        return "the body is empty"
    try:
        # The same rules as slack_bolt.request.internals.parse_body.
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            parsed: Any = json.loads(text)
        elif "payload" in text:
            payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
            parsed = json.loads(payload) if payload is not None else {}
        else:
            parsed = dict(parse_qsl(text, keep_blank_values=True))
    except (ValueError, RecursionError):
        return "the body is not valid JSON or form data"
    if not isinstance(parsed, dict):
        return "the body is not a JSON object"
    return _misshapen(parsed)


# Where slack-bolt's own parsing (before any listener or error handler) assumes a shape.
# Slack sends null for some of these (`"enterprise": null` in every non-Enterprise click).
_OBJECTS = ("view", "message", "previous_message")
_OBJECTS_OR_IDS = ("team", "user", "channel", "enterprise", "container")
_LISTS_OF_OBJECTS = ("authorizations", "actions")


def _misshapen(payload: Mapping[str, Any], nested: bool = False) -> str:
    """Why bolt would crash on this payload's shape ("" when it will not)."""
    if "event" in payload and not isinstance(payload["event"], dict):
        return "event is not an object"
    for key in _OBJECTS:
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            return f"{key} is not an object"
    for key in _OBJECTS_OR_IDS:
        if payload.get(key) is not None and not isinstance(payload[key], (dict, str)):
            return f"{key} is not an object or an id"
    for key in _LISTS_OF_OBJECTS:
        if payload.get(key) is not None and not (isinstance(payload[key], list)
                                                 and all(isinstance(item, dict) for item in payload[key])):
            return f"{key} is not a list of objects"
    if any(not isinstance(action.get("action_id"), str) for action in payload.get("actions") or ()):
        return "an action has no action_id"  # bolt's action matchers index and regex-match it
    event = payload.get("event")
    if not nested and isinstance(event, dict):
        problem = _misshapen(event, nested=True)
        if problem:
            return "event." + problem
    return ""


def mount_slack(flask_app: Flask, slack_app: App, *, signing_secret: str, path: str = EVENTS_PATH) -> None:
    """Serve events, commands and interactivity at `POST path`.

    Signatures are checked here first, so a forged or stale request gets 401 without its body
    reaching any log; a signed body bolt could not parse gets 400 instead of bolt's 500.
    """
    handler = SlackRequestHandler(slack_app)

    def slack_events() -> Response:
        body = request.get_data(cache=True)
        if not signature_ok(signing_secret, body, request.headers.get("X-Slack-Request-Timestamp", ""),
                            request.headers.get("X-Slack-Signature", "")):
            log.warning("rejected a Slack request from %s: missing, wrong or stale signature",
                        request.remote_addr)
            return jsonify(error="invalid_signature",
                           detail="missing, wrong or stale Slack signature (X-Slack-Signature)"), 401
        problem = malformed(body, request.headers.get("Content-Type", ""))
        if problem:
            log.warning("rejected a signed Slack request: %s", problem)
            return jsonify(error="malformed_request", detail=problem), 400
        try:
            return handler.handle(request)
        except Exception:  # bolt choked on a signed payload of a shape Slack never sends
            log.exception("slack-bolt could not handle a signed request (body not logged)")
            return jsonify(error="malformed_request", detail="Slack sent a payload this bot cannot read"), 400

    flask_app.add_url_rule(path, "slack_events", slack_events, methods=["POST"])
    flask_app.extensions["slack"] = slack_app


# -- lessons serve ---------------------------------------------------------------------------------

def start_slack(flask_app: Flask, settings: Settings, secrets: Secrets, *, retry_after: float = 30.0) -> Any:
    """Say in one log line whether Slack is on; connect Socket Mode when SLACK_APP_TOKEN is set.

    Returns the `SocketMode` connection (close it at shutdown) or None. A Socket Mode connection
    failure is logged, never stops the web door, and is retried every `retry_after` seconds.
    """
    slack_app = flask_app.extensions.get("slack")
    if slack_app is not None:
        log.info("Slack is on: events, %s and buttons at POST %s", settings.slack.command, EVENTS_PATH)
    if not secrets.slack_app_token or not secrets.slack_bot_token:
        if slack_app is None:
            log.info("Slack is off (SLACK_BOT_TOKEN/SLACK_SIGNING_SECRET not set)")
        return None
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if slack_app is None:
        slack_app = build_slack_app(settings, flask_app.extensions["lessons"], secrets=secrets)
    connection = SocketMode(SocketModeHandler(slack_app, secrets.slack_app_token), retry_after)
    connection.start()
    return connection


class SocketMode:
    """A Socket Mode connection that keeps trying to connect, in the background, until it does.

    Once connected, slack_sdk's client reconnects by itself; this covers a Slack that cannot be
    reached when the process starts.
    """

    def __init__(self, handler: Any, retry_after: float = 30.0) -> None:
        self.handler, self.retry_after = handler, retry_after
        self.connected = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Connect now; on failure log one line and keep trying every `retry_after` seconds."""
        if self._connect(first=True):
            return
        self._thread = threading.Thread(target=self._keep_trying, name="slack-socket-mode", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop trying and close the connection."""
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=API_TIMEOUT + 1)
        self.handler.close()

    def _keep_trying(self) -> None:
        while not self._closed.wait(self.retry_after):
            if self._connect(first=False):
                return

    def _connect(self, first: bool) -> bool:
        try:
            self.handler.connect()
        except Exception as error:  # noqa: BLE001 - any failure here must leave the web door serving
            if first:
                log.error("Slack Socket Mode could not connect: %s; trying again every %gs",
                          describe_error(error), self.retry_after)
            return False
        self.connected.set()
        log.info("Slack Socket Mode is connected (SLACK_APP_TOKEN set)")
        return True
