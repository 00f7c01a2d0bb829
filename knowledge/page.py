"""The iEvalDiscovery lesson page (the scraped text rendering) both ways: read into a `Lesson`
(`parse_bytes`, `parse_text`), and a `Lesson` written back as a page (`render_page`, which the
benchmark's generator and the tests' hand-made lessons use), so the format lives in one module.

The page is a list of ``- key:`` lines, each followed by its value on a ``- value`` line and,
for multi-line values, bare continuation lines. Some pages were saved without the leading
``- ``; both shapes parse. Only the known key names (and snake_case names in the ``- key:``
shape) count as keys, because prose lines may end with a colon too.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from types import MappingProxyType

from .record import PROSE_FIELDS, Lesson

#: Keys whose values are read into named `Lesson` fields or nested blocks.
KNOWN_KEYS = frozenset(
    {
        "eval_number", "eval_url", "lessons_learned", "themes", "theme", "category",
        *PROSE_FIELDS, "url", "location", "country", "region", "eval_title",
    }
)
#: Values that mean "nothing here" on the live pages.
PLACEHOLDERS = frozenset({"", "-", "--", "n/a", "na", "n.a.", "none", "not applicable", "see below"})
CHROME = ("Back to index", "Skip to top")

_PREFIXED_KEY = re.compile(r"^- ([a-z][a-z0-9_]*):\s*$")
_BARE_KEY = re.compile(r"^([a-z][a-z0-9_]*):\s*$")
_LESSON_URL = re.compile(r"^https?://\S+/([A-Za-z0-9_-]+)/?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class LessonFileError(ValueError):
    """A file that cannot become a lesson; the message names the file, the line and why."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source, self.reason, self.line = source, reason, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Parsed:
    """A parsed lesson and the warnings met on the way (best-effort repairs)."""

    lesson: Lesson
    warnings: tuple[str, ...] = ()


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, list[str]]:
    """Bytes → text: UTF-8 (BOM stripped), else cp1252/Latin-1 with a warning; binary is refused."""
    if not data.strip():
        raise LessonFileError(source, "empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise LessonFileError(source, "starts with a UTF-16 byte-order mark but is not UTF-16 text") from None
        return text.replace("\r\n", "\n").replace("\r", "\n"), ["saved as UTF-16; UTF-8 is expected"]
    if b"\x00" in data[:65536]:
        raise LessonFileError(source, "binary file, not text (contains NUL bytes)")
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        warnings.append("not valid UTF-8; decoded as Windows-1252/Latin-1")
        controls = len(_CONTROL.findall(text[:65536]))
        if controls > 0.01 * min(len(text), 65536):
            raise LessonFileError(source, "binary file, not text (invalid UTF-8 and control bytes)") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings


def parse_text(text: str, source: str = "<text>") -> Parsed:
    """Parse a page's text; raise `LessonFileError` when no usable lesson is in it."""
    head = text.lstrip()[:2048].lower()
    if head.startswith(("<!doctype", "<html")) or "<html" in head:
        raise LessonFileError(source, "HTML page, not the text rendering of a lesson", 1)
    lines = text.split("\n")
    prefixed = sum(line.startswith("- ") for line in lines) >= len([line for line in lines if line.strip()]) / 3
    fields, pairs, heading, warnings = _collect(lines, prefixed)

    url = fields.get("url", "")
    if not url:
        truncated = not any(line.strip() == CHROME[1] for line in lines)
        reason = "missing url, so the lesson has no id"
        if truncated:
            reason += f" (the file looks truncated: no '{CHROME[1]}' line)"
        raise LessonFileError(source, reason, len(lines))
    match = _LESSON_URL.match(url)
    if not match:
        line = _line_of(lines, url)
        raise LessonFileError(source, f"url {url[:80]!r} does not end with a lesson id", line)

    # The heading may be a truncated title ending in "..."; eval_title holds the whole one.
    title = fields.get("eval_title", "") or heading
    if not title:
        warnings.append("no title (no heading line and no eval_title); showing the url instead")
    lesson = Lesson(
        id=match.group(1),
        url=url,
        title=title,
        eval_number=fields.get("eval_number", ""),
        eval_title=fields.get("eval_title", "") or heading,
        eval_url=fields.get("eval_url", ""),
        themes=tuple(pairs["theme"]),
        locations=tuple(pairs["country"]),
        extra=MappingProxyType({k: v for k, v in fields.items() if k not in KNOWN_KEYS}),
        source=source,
        **{name: fields.get(name, "") for name in PROSE_FIELDS},
    )
    return Parsed(lesson, tuple(warnings))


def parse_bytes(data: bytes, source: str = "<bytes>") -> Parsed:
    """Decode and parse a page's bytes; see `decode` and `parse_text`."""
    text, warnings = decode(data, source)
    parsed = parse_text(text, source)
    return Parsed(parsed.lesson, tuple(warnings) + parsed.warnings)


def render_page(lesson: Lesson) -> str:
    """The page text of a lesson, in the production order of keys ("- key:" / "- value" lines)."""
    lines = ["Back to index", lesson.title, "- eval_number:", f"- {lesson.eval_number}", "- eval_url:",
             f"- {lesson.eval_url}", "- lessons_learned:", "- themes:"]
    for theme, category in lesson.themes:
        lines += ["- theme:", f"- {theme}", "- category:", f"- {category}"]
    for name in PROSE_FIELDS:
        lines += [f"- {name}:", f"- {getattr(lesson, name) or 'N/A'}"]
    lines += ["- url:", f"- {lesson.url}", "- location:"]
    for country, region in lesson.locations:
        lines += ["- country:", f"- {country}", "- region:", f"- {region}"]
    lines += ["- eval_title:", f"- {lesson.eval_title or lesson.title}", "Skip to top"]
    return "\n".join(lines) + "\n"


def clean_value(raw: str) -> str:
    """Trim a value and turn the page's placeholders ("N/A", "-", "Not applicable.") into ""."""
    value = "\n".join(line.rstrip() for line in raw.strip().split("\n")).strip()
    return "" if value.rstrip(".").strip().lower() in PLACEHOLDERS else value


# Nested blocks: a key that belongs to a pair, and the pair's first member.
_PAIR_OF = {"theme": "theme", "category": "theme", "country": "country", "region": "country"}
_SECOND = {"theme": "category", "country": "region"}


def _collect(lines: list[str], prefixed: bool):
    """Walk the lines once: heading, flat fields, and theme/location pairs in page order."""
    fields: dict[str, str] = {}
    pairs: dict[str, list[tuple[str, str]]] = {"theme": [], "country": []}
    current: dict[str, dict[str, str]] = {"theme": {}, "country": {}}
    warnings: list[str] = []
    body, heading = _body(lines, prefixed)
    key: str | None = None
    value: list[str] = []
    for raw in body:
        name = _key_of(raw, prefixed)
        if name is not None:
            if key is not None:
                _store(key, value, fields, pairs, current, warnings)
            key, value = name, []
        elif key is None:
            if raw.strip():
                warnings.append(f"text before the first key ignored: {raw.strip()[:60]!r}")
        else:
            # Only a value's first line carries the "- " prefix; continuation lines are bare.
            value.append(raw[2:] if not value and raw.startswith("- ") else raw)
    if key is not None:
        _store(key, value, fields, pairs, current, warnings)
    for group in ("theme", "country"):
        _close(pairs, current, group)
    return fields, pairs, heading, warnings


def _body(lines: list[str], prefixed: bool) -> tuple[list[str], str]:
    """The page's lines without its chrome ("Back to index", "Skip to top"), and its heading."""
    body = list(lines)
    while body and not body[-1].strip():
        body.pop()
    if body and body[-1].strip() == CHROME[1]:
        body.pop()
    elif body and body[-1].endswith(CHROME[1]):
        body[-1] = body[-1][: -len(CHROME[1])]
    heading = ""
    start = 0
    if body and body[0].strip() == CHROME[0]:
        start = 1
        if len(body) > 1 and not _key_of(body[1], prefixed):
            heading = body[1].strip()
            start = 2
    return body[start:], heading


def _store(key: str, value: list[str], fields: dict[str, str], pairs, current, warnings: list[str]) -> None:
    """File one key's value: into its theme or location pair, or the flat fields (the first value wins)."""
    text = clean_value("\n".join(value))
    group = _PAIR_OF.get(key)
    if group:
        pair = current[group]
        if key in pair:  # the pair is complete: the next one starts here
            _close(pairs, current, group)
            pair = current[group]
        pair[key] = text
    elif key in ("themes", "location", "lessons_learned"):
        pass  # block headers and the always-empty lessons_learned carry no value
    elif key in fields and fields[key]:
        warnings.append(f"key '{key}' appears twice; the first value is kept")
    else:
        fields[key] = text


def _close(pairs, current, group: str) -> None:
    pair = current[group]
    if any(pair.values()):
        pairs[group].append((pair.get(group, ""), pair.get(_SECOND[group], "")))
    current[group] = {}


def _key_of(line: str, prefixed: bool) -> str | None:
    """The key a line opens, or None when it is part of a value."""
    match = _PREFIXED_KEY.match(line)
    if match and (match.group(1) in KNOWN_KEYS or prefixed):
        return match.group(1)
    match = _BARE_KEY.match(line)
    if match and match.group(1) in KNOWN_KEYS:
        return match.group(1)
    return None


def _line_of(lines: list[str], needle: str) -> int | None:
    for number, line in enumerate(lines, 1):
        if needle in line:
            return number
    return None
