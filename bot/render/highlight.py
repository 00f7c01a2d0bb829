"""The one highlight policy: a summary with the query's words marked, in mrkdwn or in Markdown.

Spans go through `knowledge.summary.merge_spans` first (sorted, spans outside the text dropped,
overlapping ones and neighbours separated only by white space joined), and white space at a
span's edge stays outside the marks. So Slack shows `*social insurance* for *herders*`, the
webhook's Markdown `**social insurance** for **herders**`, and the page (whose script applies
the same rule to the spans the JSON gives, already merged) marks the same words.
"""
from __future__ import annotations

from collections.abc import Iterable

from knowledge.summary import merge_spans

from .markup import escape, fit, markdown_escape


def pieces(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, marked) pairs by the policy above; the pieces join back to `text`."""
    out: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in merge_spans(text, spans):
        word = text[start:end]
        core = word.strip()
        if not core:
            continue
        start += len(word) - len(word.lstrip())
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((core, True))
        cursor = start + len(core)
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out


def markdown(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` escaped for Markdown with the marked words in `**bold**`."""
    return "".join(f"**{markdown_escape(piece)}**" if marked else markdown_escape(piece)
                   for piece, marked in pieces(text, spans))


def mrkdwn(text: str, spans: Iterable[tuple[int, int]], limit: int) -> str:
    """`text` escaped for Slack with the marked words in `*bold*`, at most `limit` characters."""
    out: list[str] = []
    size = 0
    for piece, marked in pieces(text, spans):
        rendered = f"*{escape(piece)}*" if marked else escape(piece)
        if size + len(rendered) > limit - 1:
            if not marked:
                out.append(fit(piece, limit - size))
            return "".join(out).rstrip() + ("" if out and out[-1].endswith("…") else "…")
        out.append(rendered)
        size += len(rendered)
    return "".join(out)
