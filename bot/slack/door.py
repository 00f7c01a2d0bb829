"""The Slack door: `/lessons`, direct messages, @mentions, buttons and the App Home tab.

`build_slack_app` builds a slack-bolt `App` (no module-level one) and registers the listeners of
one `SlackDoor`. Each listener only turns a Slack request into a question and posts what
`bot.render.blocks` renders; the query and page of every follow-up travel inside the buttons (and
message metadata), so any process can serve a click.

The one piece of memory is the keys already answered: event ids, message timestamps, and the
signature of every signed request (a replayed slash command or click carries the same one).
`bot.serve` passes `dedup.SharedKeys`, kept in the state file every worker shares, so Slack's
retries, the double delivery of a mention and a replay are dropped whichever process they reach;
without it (`build_slack_app(recent=None)`) a small bounded `RecentKeys` drops those that reach the
process that saw the first copy.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from knowledge import QueryError

from ..config import Secrets, Settings
from ..features.ranking import FeedbackRanking
from ..live import KnowledgeHolder
from ..records import NOTHING_KEPT, Records
from ..render.blocks import (
    ACTION_MORE,
    ACTION_NARROW,
    ACTION_SHARE,
    answer_message,
    decode_group,
    decode_value,
    error_message,
    help_message,
    home_view,
    text_message,
)
from ..render.buttons import ACTION_GROUP
from ..render.subscription_blocks import home_subscriptions, unavailable
from ..state import Scope, StateUnavailable
from .client import describe_error, web_client
from .conversation import Claims, RecentKeys, clean_text, continuation, ignorable, is_help, is_more
from .identity import BoltTokenWarnings, BotIdentity
from .lesson_actions import LessonActions
from .subscribe import SubscriptionCommands, command_scope, message_scope

log = logging.getLogger("lessons.slack")

Page = tuple[str, int]


def build_slack_app(
    settings: Settings,
    holder: KnowledgeHolder,
    *,
    secrets: Secrets,
    client: WebClient | None = None,
    recent: Claims | None = None,
    listener_executor: Executor | None = None,
    identity: BotIdentity | None = None,
    records: Records = NOTHING_KEPT,
) -> App:
    """A slack-bolt `App` answering the slash command, DMs, mentions, buttons and App Home.

    `client` defaults to a `WebClient` on `SLACK_API_URL`; `recent` is the de-duplication store
    (a `RecentKeys` of this process when None);
    `listener_executor` runs listeners after the ack (bolt's default pool when None); `identity`
    authorizes requests (a `BotIdentity` on `client` when None); `records` is what the doors keep
    (`Records`; without a state file, subscriptions and votes answer politely that they are not kept).
    Requests over HTTP are verified by `bot.slack.http.mount_slack` before bolt sees them, so bolt
    does not verify them again.
    """
    if not any(isinstance(f, BoltTokenWarnings) for f in log.filters):
        log.addFilter(BoltTokenWarnings())
    client = client or web_client(secrets)
    app = App(
        name="lessons",
        client=client,
        signing_secret=secrets.slack_signing_secret,
        request_verification_enabled=False,
        # Not bolt's own authorization: it calls auth.test at start-up (token verification) or on
        # the first request, and answers every request with 500 while Slack cannot be reached.
        authorize=identity or BotIdentity(client),
        listener_executor=listener_executor,
        logger=log,
        # A delivery no listener handles goes to `on_error`, which acknowledges it: bolt's 404
        # counts as a failed delivery at Slack (a failed click for the user).
        raise_error_for_unhandled_request=True,
    )
    SlackDoor(settings, holder, client, recent or RecentKeys(), records).register(app)
    return app


class SlackDoor:
    """The listeners of the Slack door over one holder; each is a handful of lines."""

    def __init__(self, settings: Settings, holder: KnowledgeHolder, client: WebClient, recent: Claims,
                 records: Records = NOTHING_KEPT) -> None:
        self.settings, self.holder, self.client, self.recent = settings, holder, client, recent
        self.questions = records.questions
        state = records.state
        self.command = settings.slack.command
        self.ranking = FeedbackRanking(state, settings.feedback.ranking)
        self.subscriptions = SubscriptionCommands(state, holder, self.command)
        self.actions = LessonActions(holder, state, self.publish_home)

    def register(self, app: App) -> None:
        """Put the middleware and every listener on `app`."""
        app.use(self.skip_repeats)
        app.use(self.ack_first)
        app.command(self.command)(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.action(ACTION_MORE)(self.on_page)
        app.action(re.compile(rf"^{ACTION_NARROW}_\d+$"))(self.on_page)
        app.action(ACTION_GROUP)(self.on_page)
        app.action(ACTION_SHARE)(self.on_share)
        self.actions.register(app)
        app.event("app_home_opened")(self.on_home)
        app.error(self.on_error)

    # -- middleware: retries, repeats and the early ack ----------------------------------------

    def skip_repeats(self, body: dict, request: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
        """Ack and drop a signed request already seen (a replay: the same signature), an event
        already seen here, and Slack's timeout retries: bolt acks events before the listener runs,
        so a timeout retry means the first copy is being answered."""
        signature = (request.headers.get("x-slack-signature") or [""])[0]
        if signature and not self.recent.claim("signature:" + signature):  # HTTP mode; Socket Mode has none
            log.info("dropped a replayed Slack request (its signature was seen before)")
            return BoltResponse(status=200, body="")
        if body.get("type") == "event_callback":
            event_id = str(body.get("event_id") or "")
            reason = (request.headers.get("x-slack-retry-reason") or [""])[0]
            retried = (request.headers.get("x-slack-retry-num") or [""])[0]
            if event_id and not self.recent.claim("event:" + event_id):
                log.info("dropped repeated Slack event %s (retry %s)", event_id, retried or "-")
                return BoltResponse(status=200, body="")
            if retried and reason == "http_timeout":
                log.info("dropped Slack retry %s of event %s (http_timeout)", retried, event_id)
                return BoltResponse(status=200, body="")
        next()
        return None

    def ack_first(self, body: dict, ack: Callable[..., Any], next: Callable[[], None]) -> None:
        """Acknowledge the slash command and button clicks at once, on the request's thread:
        listeners run on bolt's small pool, and when a slow Web API keeps it busy their own
        `ack()` would come after Slack's three seconds (bolt then answers 404)."""
        if body.get("command") == self.command or body.get("type") == "block_actions":
            ack()
        next()

    # -- listeners ------------------------------------------------------------------------------

    def on_command(self, ack: Callable[..., Any], respond: Callable[..., Any], command: dict) -> None:
        """`/lessons QUESTION`: a private answer restating the question, with a Share button."""
        ack()
        said = command.get("text", "")
        query = clean_text(said)
        if is_help(query):
            respond(response_type="ephemeral", **help_message(self.command))
            return
        if self.subscriptions.handles(query):
            respond(response_type="ephemeral", **self.subscriptions.reply(query, command_scope(command)))
            return
        message = self.answer_for(query, asked=True, share=True, door="slack-slash", said=said)
        respond(response_type="ephemeral", text=message["text"], blocks=message["blocks"])

    def on_message(self, event: dict, context: Mapping[str, Any]) -> None:
        """A direct message is a question (or `help`, or `more`). Channel messages are left to
        `app_mention`, so a mention is answered once."""
        if event.get("channel_type") != "im" or not self.first_sight(event, context):
            return
        self.reply(event.get("text", ""), event["channel"], event.get("thread_ts"), context, "slack-dm",
                   message_scope(event))

    def on_mention(self, event: dict, context: Mapping[str, Any]) -> None:
        """`@lessons QUESTION` in a channel: answered in a thread under the mention. The bot does
        not read channels (no `channels:history`), so a typed "more" there points to the button."""
        if not self.first_sight(event, context):
            return
        thread_ts = event.get("thread_ts") or event.get("ts")
        self.reply(event.get("text", ""), event["channel"], thread_ts, context, "slack-mention", message_scope(event),
                   readable=False)

    def on_page(self, ack: Callable[..., Any], body: dict, action: dict, respond: Callable[..., Any]) -> None:
        """"More results" and the narrowing buttons: the page named in the button, in place."""
        ack()
        page = self.page_of(action, respond)
        if page is None:
            return
        private = bool((body.get("container") or {}).get("is_ephemeral"))
        message = self.answer_for(page[0], page[1], asked=private, share=private,
                                  group=decode_group(action.get("value")))
        respond(replace_original=True, text=message["text"], blocks=message["blocks"])

    def on_share(self, ack: Callable[..., Any], body: dict, action: dict, respond: Callable[..., Any]) -> None:
        """"Share in channel": the same answer posted for everyone, and the private copy removed."""
        ack()
        page = self.page_of(action, respond)
        if page is None:
            return
        user = body.get("user") or {}
        name = (user.get("username") or user.get("name")) if isinstance(user, dict) else ""
        # The sharer by name, never as <@U…>: a mention would notify them of their own share.
        message = self.answer_for(page[0], page[1], buttons=False, shared_by=str(name or ""),
                                  group=decode_group(action.get("value")))
        respond(response_type="in_channel", replace_original=False, text=message["text"], blocks=message["blocks"])
        respond(delete_original=True)

    def on_home(self, event: dict) -> None:
        """The Home tab: what the bot knows, the person's subscriptions, and how to ask."""
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        self.publish_home(event["user"])

    def publish_home(self, user: str) -> None:
        """Draw `user`'s Home tab."""
        kb = self.holder.kb
        mine: list[dict[str, Any]] = []
        if self.subscriptions.subscriptions is not None:
            try:
                mine = home_subscriptions(self.subscriptions.subscriptions.list(Scope("user", user)), self.command)
            except StateUnavailable as error:
                mine = unavailable(error.message)["blocks"]
        view = home_view(len(kb), kb.loaded_at, kb.stats(), self.command, extra=mine)
        self.client.views_publish(user_id=user, view=view)

    def on_error(self, error: Exception, response: BoltResponse | None = None) -> BoltResponse | None:
        """A listener that failed after the ack (typically a Web API call): one line, no traceback.

        Bolt also calls this for a delivery no listener handles (`app_rate_limited`, a click on a
        button it does not know, a modal submitted): acknowledged with 200 and one INFO line; and
        for a failure while routing a request (its 500, before any ack): a signed payload of a
        shape Slack never sends, which then gets 400 instead.
        """
        if isinstance(error, BoltUnhandledRequestError):
            log.info("acknowledged a Slack delivery this bot does not act on: %s", unhandled_kind(error.body))
            return BoltResponse(status=200, body="")
        if response is not None and response.status == 500:
            log.warning("rejected a signed Slack request bolt could not route: %s", describe_error(error))
            return BoltResponse(status=400, body={"error": "malformed_request",
                                                  "detail": "Slack sent a payload this bot cannot read"})
        log.error("Slack listener failed: %s", describe_error(error))
        return None

    # -- what the listeners share ---------------------------------------------------------------

    def first_sight(self, event: Mapping[str, Any], context: Mapping[str, Any]) -> bool:
        """True for a person's message not answered yet (by this process)."""
        if ignorable(event, context.get("bot_user_id")):
            return False
        return self.recent.claim(f"message:{event.get('channel')}:{event.get('ts')}")

    def answer_for(self, query: str, offset: int = 0, door: str = "", said: str = "", group: bool | None = None,
                   **options: Any) -> dict[str, Any]:
        """The answer to `query` from `offset` (one lesson per evaluation when `group`; None: the
        setting) as a message, moved by feedback, or a short apology for a refused query.
        `door` names where a new question was asked, for the question log ("": a click, not logged);
        `said` is the message as Slack sent it (see `QuestionRecorder.answered`)."""
        kb, started = self.holder.kb, time.perf_counter()
        try:
            answer = self.ranking.ask(kb, query, offset=offset, group=group).answer
        except QueryError as error:
            return error_message(str(error))
        if door and self.questions is not None:
            self.questions.answered(door, answer, (time.perf_counter() - started) * 1000, said=said)
        grouped = self.settings.search.group_by_evaluation if group is None else group
        return answer_message(answer, narrow=self.settings.slack.narrowing_buttons,
                              max_query_chars=kb.options.max_query_chars, grouped=grouped, **options)

    def reply(self, said: str, channel: str, thread_ts: str | None, context: Mapping[str, Any], door: str,
              scope: Scope | None = None, readable: bool = True) -> None:
        """Answer a message as Slack sent it: help, a subscription command, the next page of the last
        answer (where the bot may read the conversation: a DM), or the question itself."""
        text = clean_text(said)
        if is_help(text):
            message = help_message(self.command)
        elif scope is not None and self.subscriptions.handles(text):
            message = self.subscriptions.reply(text, scope)
        elif is_more(text) and not readable:
            message = text_message("In a channel, use the *More results* button under the answer.")
        elif is_more(text):
            message = self.next_page(channel, thread_ts, context)
        else:
            message = self.answer_for(text, door=door, said=said)
        self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                                     unfurl_media=False, **message)

    def next_page(self, channel: str, thread_ts: str | None, context: Mapping[str, Any]) -> dict[str, Any]:
        """What a typed "more" gets: the next page of the bot's last answer here, or why not."""
        try:
            page = self.last_page(channel, thread_ts, context)
        except SlackApiError as error:
            log.warning("cannot read the conversation to continue an answer: %s", error.response.get("error"))
            return text_message("Use the *More results* button under the answer.")
        if page:
            return self.answer_for(page[0], page[1])
        if page is False:
            return text_message("That was everything I found. Ask another question!")
        return text_message("There is no answer to continue here yet: ask me a question first, "
                            "or use the *More results* button under an answer.")

    def last_page(self, channel: str, thread_ts: str | None, context: Mapping[str, Any]) -> Page | bool | None:
        """Where a typed "more" continues, read from the conversation (see `continuation`)."""
        if thread_ts:
            history = self.client.conversations_replies(channel=channel, ts=thread_ts, limit=50,
                                                        include_all_metadata=True)
            messages = list(reversed(history.get("messages") or []))
        else:
            history = self.client.conversations_history(channel=channel, limit=30, include_all_metadata=True)
            messages = history.get("messages") or []
        return continuation(messages, {context.get("bot_id"), context.get("bot_user_id")} - {None})

    @staticmethod
    def page_of(action: Mapping[str, Any], respond: Callable[..., Any]) -> Page | None:
        """The (query, offset) a button carries, or None after telling the user it no longer works."""
        page = decode_value(action.get("value"))
        if page is None:
            respond(response_type="ephemeral", replace_original=False,
                    **error_message("this button no longer works; please ask again."))
        return page


def unhandled_kind(body: Mapping[str, Any]) -> str:
    """A short, safe name for a delivery no listener took: its type and the action, event or modal
    it named (cut short; never the payload)."""
    kind = body.get("type") if isinstance(body.get("type"), str) else "?"
    actions, event, view = body.get("actions"), body.get("event"), body.get("view")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        detail = actions[0].get("action_id")
    elif isinstance(event, dict):
        detail = event.get("type")
    elif isinstance(view, dict):
        detail = view.get("callback_id")
    else:
        detail = body.get("callback_id")
    return (f"{kind} {detail}" if isinstance(detail, str) and detail else kind)[:80]
