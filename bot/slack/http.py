"""Slack's HTTP mode: `POST /slack/events` on the Flask app (the shape of bolt's own Flask adapter).

Signatures are checked first, with slack_sdk's `SignatureVerifier`, so a forged or stale request
gets 401 without its body being parsed or reaching any log; a signed body that bolt cannot read
gets 400 instead of bolt's 500, with one log line (never a traceback: the payload is the sender's
mistake, not the bot's).
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response
from slack_sdk.signature import SignatureVerifier

from .client import describe_error

log = logging.getLogger("lessons.slack")

EVENTS_PATH = "/slack/events"


def mount_slack(flask_app: Flask, slack_app: App, *, signing_secret: str, path: str = EVENTS_PATH) -> None:
    """Serve events, commands and interactivity at `POST path`, verified with `signing_secret`."""
    verifier = SignatureVerifier(signing_secret)

    def slack_events() -> Response | tuple[Response, int]:
        body = request.get_data(cache=True)
        if not signature_ok(verifier, body, request.headers.get("X-Slack-Request-Timestamp"),
                            request.headers.get("X-Slack-Signature")):
            log.warning("rejected a Slack request from %s: missing, wrong or stale signature", request.remote_addr)
            return jsonify(error="invalid_signature",
                           detail="missing, wrong or stale Slack signature (X-Slack-Signature)"), 401
        problem = unreadable(body)
        if problem:
            log.warning("rejected a signed Slack request: %s", problem)
            return jsonify(error="malformed_request", detail=problem), 400
        try:
            return to_flask_response(slack_app.dispatch(to_bolt_request(request)))
        except Exception as error:  # bolt choked on a signed payload of a shape Slack never sends
            log.warning("rejected a signed Slack request slack-bolt could not read: %s (body not logged)",
                        describe_error(error))
            return jsonify(error="malformed_request", detail="Slack sent a payload this bot cannot read"), 400

    flask_app.add_url_rule(path, "slack_events", slack_events, methods=["POST"])


def signature_ok(verifier: SignatureVerifier, body: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Slack's v0 signature of `body`, made within five minutes of now; False for any header
    slack_sdk's verifier cannot read (a timestamp that is not a number, a non-ASCII signature)."""
    try:
        return verifier.is_valid(body, timestamp, signature)
    except (ValueError, TypeError):
        return False


def unreadable(body: bytes) -> str:
    """Why a signed body is no Slack request at all ("" when bolt may parse it)."""
    if not body:
        return "the body is empty"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    return ""
