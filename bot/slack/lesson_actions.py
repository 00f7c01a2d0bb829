"""The buttons under each lesson and of subscriptions: Cite, Similar lessons, Helpful / Not helpful,
an alert's "N more", and App Home's Remove. Each answers the person who clicked, privately."""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import App

from knowledge import Lesson, QueryError

from ..features.access import today
from ..features.votes import UnknownLesson, Votes
from ..live import KnowledgeHolder
from ..render.blocks import error_message, text_message
from ..render.buttons import (
    ACTION_ALERT_MORE,
    ACTION_CITE,
    ACTION_NOT_HELPFUL,
    ACTION_SIMILAR,
    ACTION_UNSUBSCRIBE,
    VOTE_ACTIONS,
    decode_alert_more,
    decode_lesson,
    decode_subscription,
    decode_vote,
)
from ..render.lesson_blocks import citation_message, lessons_message, similar_message, vote_thanks
from ..render.subscription_blocks import unavailable
from ..state import Scope, StateStore, StateUnavailable, Subscriptions

log = logging.getLogger("lessons.slack")

Respond = Callable[..., Any]
GONE = "That lesson is no longer loaded; please search again."


def private(message: Mapping[str, Any]) -> dict[str, Any]:
    """A reply only the clicker sees, below the message clicked (which stays as it was)."""
    return {"response_type": "ephemeral", "replace_original": False, **message}


def clicker(body: Mapping[str, Any]) -> tuple[str, str]:
    """(team id, user id) of who clicked."""
    user = body.get("user") or {}
    team = (body.get("team") or {}).get("id") or user.get("team_id") or ""
    return str(team), str(user.get("id") or "")


class LessonActions:
    """The listeners of the lesson and subscription buttons, over one holder and the state store."""

    def __init__(self, holder: KnowledgeHolder, state: StateStore | None, publish_home: Callable[[str], None]) -> None:
        self.holder, self.publish_home = holder, publish_home
        self.votes = Votes(state)
        self.subscriptions = Subscriptions(state) if state is not None else None

    def register(self, app: App) -> None:
        """Put every listener on `app`."""
        app.action(ACTION_CITE)(self.on_cite)
        app.action(ACTION_SIMILAR)(self.on_similar)
        for action_id in VOTE_ACTIONS:
            app.action(action_id)(self.on_vote)
        app.action(ACTION_ALERT_MORE)(self.on_alert_more)
        app.action(ACTION_UNSUBSCRIBE)(self.on_unsubscribe)

    def on_cite(self, ack: Callable[..., Any], action: dict, respond: Respond) -> None:
        """"Cite": the lesson's reference line, APA and BibTeX, for the clicker."""
        ack()
        lesson = self.lesson_of(action, respond)
        if lesson is not None:
            respond(**private(citation_message(lesson, today())))

    def on_similar(self, ack: Callable[..., Any], action: dict, respond: Respond) -> None:
        """"Similar lessons": the lessons most like this one, for the clicker."""
        ack()
        lesson = self.lesson_of(action, respond)
        if lesson is not None:
            respond(**private(similar_message(lesson, self.holder.kb.related(lesson.id))))

    def on_vote(self, ack: Callable[..., Any], body: dict, action: dict, respond: Respond) -> None:
        """"Helpful" / "Not helpful": one vote per person, question and lesson, changeable."""
        ack()
        parsed = decode_vote(action.get("value"))
        team, user = clicker(body)
        if parsed is None or not user:
            respond(**private(error_message("this button no longer works; please ask again.")))
            return
        question, lesson_id = parsed
        vote = -1 if action.get("action_id") == ACTION_NOT_HELPFUL else 1
        kb = self.holder.kb
        try:
            self.votes.record(kb, question, lesson_id, f"slack:{team}:{user}", vote)
        except UnknownLesson:
            respond(**private(text_message(GONE)))
        except QueryError as error:
            respond(**private(error_message(str(error))))
        except StateUnavailable as error:
            respond(**private(unavailable(error.message)))
        else:
            respond(**private(vote_thanks(vote, kb.get(lesson_id), question)))

    def on_alert_more(self, ack: Callable[..., Any], action: dict, respond: Respond) -> None:
        """An alert's "N more": the other new lessons, for the clicker."""
        ack()
        parsed = decode_alert_more(action.get("value"))
        if parsed is None:
            respond(**private(error_message("this button no longer works.")))
            return
        question, ids = parsed
        kb = self.holder.kb
        respond(**private(lessons_message(question, [kb.get(i) for i in ids if kb.get(i) is not None])))

    def on_unsubscribe(self, ack: Callable[..., Any], body: dict, action: dict) -> None:
        """App Home's "Remove": only the clicker's own subscription goes; the Home tab is then redrawn."""
        ack()
        _, user = clicker(body)
        sub_id = decode_subscription(action.get("value"))
        if self.subscriptions is not None and user and sub_id is not None:
            try:
                self.subscriptions.remove_id(Scope("user", user), sub_id)
            except StateUnavailable as error:
                log.warning("could not remove a subscription from App Home: %s", error.detail)
        self.publish_home(user)

    def lesson_of(self, action: Mapping[str, Any], respond: Respond) -> Lesson | None:
        """The lesson a button names, or None after telling the clicker why not."""
        lesson_id = decode_lesson(action.get("value"))
        lesson = self.holder.kb.get(lesson_id) if lesson_id else None
        if lesson is None:
            respond(**private(text_message(GONE if lesson_id else "This button no longer works.")))
        return lesson
