"""Log lines: one per event, control characters escaped, secrets and bolt's body dumps removed."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import escape_controls, scrub, setup_logging

SECRET = "s3cr3t-signing-value"


@pytest.fixture
def capture():
    stream = io.StringIO()
    handler = setup_logging("DEBUG", "text", [SECRET], stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_a_query_with_newlines_and_ansi_stays_on_one_escaped_line(capture):
    logging.getLogger("lessons.test").info("query %s", "herders\nINFO fake line\x1b[31m\r")
    lines = capture.getvalue().splitlines()
    assert len(lines) == 1
    assert "\\n" in lines[0] and "\\x1b" in lines[0] and "\x1b" not in lines[0]


@pytest.mark.parametrize("text", [
    f"signing secret is {SECRET}",
    "token xoxb-1234-5678-abcdef in a message",
    "app token xapp-1-A111-222-abc",
    "posting to https://hooks.slack.com/commands/T1/123/abc",
    "Authorization: Bearer hunter2",
    'body {"token": "legacy-verification-token", "text": "hi"}',
    'body: {"ok": true, "url": "wss://wss-primary.slack.com/link/?ticket=tkt-5ecret-1&app_id=A1"}',
])
def test_secrets_never_reach_the_log(capture, text):
    logging.getLogger("slack_bolt.App").warning("%s", text)
    output = capture.getvalue()
    for secret in (SECRET, "xoxb-1234", "xapp-1-A111", "hooks.slack.com/commands", "hunter2", "legacy-verification",
                   "5ecret"):
        assert secret not in output
    assert "[redacted]" in output


def test_bolts_rejected_request_body_dump_is_replaced_by_one_line(capture):
    logging.getLogger("slack_bolt.middleware.request_verification").info(
        "Invalid request signature detected (signature: v0=abc, timestamp: 1, body: text=%3C%21channel%3E)")
    output = capture.getvalue()
    assert "body:" not in output and "channel" not in output
    assert "Slack request rejected: invalid or stale signature" in output


def test_exceptions_are_logged_scrubbed_on_one_escaped_line(capture):
    try:
        raise RuntimeError(f"failed with {SECRET}")
    except RuntimeError:
        logging.getLogger("lessons").exception("boom")
    output = capture.getvalue()
    assert SECRET not in output and "RuntimeError" in output and len(output.splitlines()) == 1


def test_json_format_is_one_object_per_line():
    stream = io.StringIO()
    handler = setup_logging("INFO", "json", [], stream=stream)
    try:
        logging.getLogger("lessons").info("loaded %d lessons\nmore", 45)
    finally:
        logging.getLogger().removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "loaded 45 lessons\\nmore" and record["level"] == "INFO"


def test_bidi_override_and_bare_tokens_are_neutralised():
    assert escape_controls("a\u202eb") == "a\\u202eb"
    assert scrub("x xoxp-1-2 y", []) == "x [redacted] y"


def test_slack_sdk_per_attempt_failures_are_debug_lines():
    stream = io.StringIO()
    handler = setup_logging("INFO", "text", [], stream=stream)
    sdk = logging.getLogger("slack_sdk.web.base_client")
    try:
        sdk.error("Failed to send a request to Slack API server: <urlopen error refused>")
        assert stream.getvalue() == ""  # the listener's own failure line says it once
        sdk.setLevel(logging.DEBUG)
        sdk.error("Failed to send a request to Slack API server: <urlopen error refused>")
        assert " DEBUG slack_sdk.web.base_client: Failed to send" in stream.getvalue()
    finally:
        sdk.setLevel(logging.NOTSET)
        logging.getLogger().removeHandler(handler)


def test_the_word_token_in_a_sentence_is_not_redacted(capture):
    logging.getLogger("lessons").warning("listening on 0.0.0.0 without WEBHOOK_TOKEN: anyone who can reach it")
    assert "without WEBHOOK_TOKEN: anyone who can reach it" in capture.getvalue()
    logging.getLogger("lessons").warning("form token=abc123 and json {\"token\": \"abc123\"}")
    assert "abc123" not in capture.getvalue()


@pytest.fixture
def restored_levels():
    """The root's and slack_sdk's levels and the app's handler as they were (setup_logging sets them)."""
    root, sdk = logging.getLogger(), logging.getLogger("slack_sdk")
    levels = root.level, sdk.level
    yield
    for installed in [h for h in root.handlers if h.get_name() == "lessons"]:
        root.removeHandler(installed)
    root.setLevel(levels[0])
    sdk.setLevel(levels[1])


@pytest.mark.parametrize("url", [
    "https://hooks.slack.com/commands/T1/123/abcsecret",
    "https://HOOKS.SLACK.COM/commands/T1/123/abcsecret",
    "http://hooks.slack-gov.com/actions/T1/123/abcsecret",
    "https://Hooks.Slack-Gov.com/services/T1/B2/abcsecret",
    "https://proxy.example.org/commands/T1/123/abcsecret",  # any host: the path is a response_url's
])
def test_a_response_url_never_reaches_the_log_whatever_its_host_or_case(url, restored_levels):
    stream = io.StringIO()
    handler = setup_logging("INFO", "text", [], stream=stream)
    try:
        logging.getLogger("lessons.slack").warning("could not post to %s: refused", url)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "abcsecret" not in stream.getvalue() and "[redacted]" in stream.getvalue()


def test_slack_sdks_retry_lines_are_debug_only(restored_levels):
    stream = io.StringIO()
    sdk = logging.getLogger("slack_sdk.web.base_client")
    setup_logging("INFO", "text", [], stream=stream)
    sdk.info("A retry handler found: ConnectionErrorRetryHandler for POST https://slack.com/api/chat.postMessage")
    assert stream.getvalue() == ""
    setup_logging("DEBUG", "text", [], stream=stream)
    sdk.info("A retry handler found: ConnectionErrorRetryHandler")
    assert "A retry handler found" in stream.getvalue()
