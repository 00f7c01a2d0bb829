"""`POST /api/feedback`: a "Helpful" / "Not helpful" vote from the search page (or any client), under
the webhook's token rule: with WEBHOOK_TOKEN set, `Authorization: Bearer <token>` is required (the
gate, `bot.web.gate`, checks it before the body is read)."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify

from knowledge import QueryError

from ..config import Settings
from ..features.votes import UnknownLesson, Votes, read_vote
from ..live import KnowledgeHolder
from ..state import HELPFUL, StateStore, StateUnavailable
from .http import ApiError, json_kind, read_fields

MAX_VOTER_CHARS = 200


def register_feedback(app: Flask, holder: KnowledgeHolder, settings: Settings, state: StateStore | None) -> None:
    """Mount `POST /api/feedback` on `app`."""
    votes = Votes(state)

    def feedback() -> Response | tuple[Response, int]:
        fields = read_fields(settings.server.max_body_bytes)
        question, lesson_id, voter = (_text(fields, name) for name in ("question", "lesson_id", "voter"))
        vote = read_vote(fields.get("vote"))
        if vote is None:
            raise ApiError(400, "invalid_payload", "'vote' must be \"helpful\" or \"not_helpful\"")
        if len(voter) > MAX_VOTER_CHARS:
            raise ApiError(400, "invalid_payload", f"'voter' is over {MAX_VOTER_CHARS} characters")
        try:
            key = votes.record(holder.kb, question, lesson_id, "web:" + voter, vote)
        except UnknownLesson as error:
            raise ApiError(404, "not_found", str(error)) from None
        except QueryError as error:
            raise ApiError(400, "invalid_query", str(error)) from None
        except StateUnavailable as error:
            return jsonify(error="state_unavailable", detail=error.message), 503
        return jsonify(ok=True, question=key, lesson_id=lesson_id,
                       vote="helpful" if vote == HELPFUL else "not_helpful")

    app.add_url_rule("/api/feedback", "feedback", feedback, methods=["POST"])


def _text(fields: Any, name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"not usable ({json_kind(value)})"
        raise ApiError(400, "invalid_payload", f"'{name}' is {shown}: send question, lesson_id, vote and voter")
    return value.strip()
