"""Logging: one line per event (text or JSON), control characters escaped, secrets scrubbed.

Every handler the app installs carries `ScrubFilter`, which removes the values of the secrets
in the environment and anything shaped like a Slack token or a `response_url` before a record
is written, and drops slack-bolt's log of a rejected request's body (it quotes strangers' input).
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterable
from typing import TextIO

#: Shapes of secrets that must never reach a log, whatever logged them.
SECRET_PATTERNS = (
    re.compile(r"xox[abposr]-[A-Za-z0-9-]+"),                     # Slack bot/user/app-level tokens
    re.compile(r"xapp-[A-Za-z0-9-]+"),                            # Slack app-level (Socket Mode) tokens
    # response_url and incoming webhooks: the whole URL, whatever its scheme, prefix or case, on
    # Slack's hosts (GovSlack runs on slack-gov.com) and on any other host when shaped like one
    re.compile(r"(?i)[^\s\"'<>]*hooks\.slack(?:-gov)?\.com/[^\s\"'<>,]*"),
    re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s/\"'<>]+/(?:commands|actions|services|workflows|triggers)/"
               r"[^\s\"'<>,]*"),
    re.compile(r"(?i)(bearer\s+)[^\s\"',]+"),                     # Authorization headers
    re.compile(r"([?&]ticket=)[^\s\"'&<>]+"),                      # Socket Mode's wss:// URL (apps.connections.open)
    # a token as a JSON key ("token": "…") or a form/query field (token=…), not the English word
    re.compile(r"(?i)(\"(?:token|signing_secret|client_secret)\"\s*:\s*\"?|\b(?:token|signing_secret|client_secret)=)"
               r"[^\s\"',&]+"),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
REDACTED = "[redacted]"
#: slack-bolt logs the raw body of every request whose signature fails; we log our own line instead.
_BOLT_BODY_DUMP = "Invalid request signature detected"
#: slack_sdk logs each failed attempt at ERROR, retried or not; the caller logs the outcome once.
_SDK_ATTEMPT_FAILED = "Failed to send a request to Slack API server"


def escape_controls(text: str) -> str:
    """Make a message one safe line: newlines, ANSI escapes and bidi overrides become visible escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove known secret values and secret-shaped strings from a text."""
    for value in secrets:
        if value:
            text = text.replace(value, REDACTED)
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.lastindex else "") + REDACTED, text)
    return text


class ScrubFilter(logging.Filter):
    """Rewrites each record to a scrubbed, single-line message; drops bolt's body dumps and
    demotes slack_sdk's per-attempt failures to DEBUG."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(sorted((s for s in secrets if s), key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string in someone's log call must not kill the request
            message = str(record.msg)
        if _BOLT_BODY_DUMP in message:
            record.msg, record.args = "Slack request rejected: invalid or stale signature", None
            return True
        if record.name.startswith("slack_sdk") and message.startswith(_SDK_ATTEMPT_FAILED):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
                return False
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks stay in the log (for operators) but scrubbed and escaped like the message.
            text = logging.Formatter().formatException(record.exc_info)
            message = f"{message} | {text}"
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = escape_controls(scrub(message, self.secrets)), None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = (),
                  stream: TextIO | None = None) -> logging.Handler:
    """Install one scrubbing handler on the root logger (replacing earlier ones we installed)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(ScrubFilter(secrets))
    handler.set_name("lessons")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "lessons"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # waitress warns once per queued request while every thread is busy: under load that is a
    # flood of identical lines that itself slows the server. Its errors still come through.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # slack_sdk says at INFO each retry it makes ("A retry handler found: ..."), a line per attempt
    # while Slack cannot be reached; the door logs the outcome once. Shown at DEBUG only.
    logging.getLogger("slack_sdk").setLevel(logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING)
    return handler
