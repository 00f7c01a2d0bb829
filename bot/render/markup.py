"""Escaping and links in the two markups the answers are written in: Slack's mrkdwn and Markdown."""
from __future__ import annotations

import re

MAX_URL_CHARS = 1000

#: Markdown's punctuation that can start markup; each is backslash-escaped (CommonMark allows
#: escaping any ASCII punctuation, and Mattermost, Teams and GitHub all honour it).
_MARKDOWN_SPECIAL = set("\\`*_[]()<>#|~!")
#: "@channel", "@here", "@all" and "@user" notify people when Mattermost relays the text; a
#: zero-width space after the "@" keeps the words readable but never a mention.
_ZWSP = "\u200b"
_WHITESPACE = re.compile(r"\s")
_ESCAPES = str.maketrans({char: "\\" + char for char in _MARKDOWN_SPECIAL})
_MENTION = re.compile(r"@(?=[^\W]|_)")
_SLACK_LINKABLE = re.compile(r"^https?://[^\s<>|]+$")


# -- Slack mrkdwn ------------------------------------------------------------------------------

def escape(text: str) -> str:
    """Text made inert for mrkdwn: only `&`, `<` and `>` are control characters in Slack."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The reverse of `escape`, for text Slack sends us (it arrives escaped)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def fit(text: str, limit: int) -> str:
    """`text` escaped and cut to at most `limit` characters, never in the middle of an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    out, size = [], 0
    for ch in text:
        piece = escape(ch)
        if size + len(piece) > limit - 1:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out).rstrip() + "…"


def link(url: str, label: str, limit: int = 600) -> str:
    """A mrkdwn link `<url|label>`; only http(s) URLs become links, anything else plain text."""
    label_text = fit(label, limit)
    if not _SLACK_LINKABLE.match(url or "") or len(url) > MAX_URL_CHARS:
        return label_text
    return f"<{url.replace('&', '%26')}|{label_text}>"


# -- Markdown ----------------------------------------------------------------------------------

def markdown_escape(text: str) -> str:
    """Plain text as Markdown that shows exactly this text: markup, HTML and mentions disarmed."""
    text = _WHITESPACE.sub(" ", text)  # one space per whitespace character, like the page shows
    return _MENTION.sub("@" + _ZWSP, text.translate(_ESCAPES))


def markdown_link(label: str, url: str) -> str:
    """`[label](url)` for an http(s) URL; any other URL (javascript:, data:) leaves the label alone."""
    if not url.lower().startswith(("https://", "http://")):
        return markdown_escape(label)
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{markdown_escape(label)}]({safe})"
