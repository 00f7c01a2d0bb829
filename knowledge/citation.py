"""A reference to one lesson, for concept notes and reference managers, built only from the lesson's fields.

Nothing is invented: a field the lesson does not have is left out. The database (i-eval Discovery) and the
organisation that publishes it (the ILO) are named only when the lesson's own URL is on that database, and
no year is given because the pages carry none (APA writes its "n.d." for that).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from .record import Lesson

FORMATS: tuple[str, ...] = ("text", "apa", "bibtex", "ris")
DATABASE = "i-eval Discovery"
PUBLISHER = "International Labour Organization (ILO)"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                   "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class Reference:
    """The facts a citation may state, each "" (or None) when the lesson does not have it."""

    lesson_id: str
    evaluation: str
    eval_number: str
    url: str
    database: str
    publisher: str
    accessed: date | None

    @property
    def title(self) -> str:
        """"Lesson learned 252474", with the evaluation's title after a colon when there is one."""
        head = f"Lesson learned {self.lesson_id}"
        return f"{head}: {self.evaluation}" if self.evaluation else head


def _one_line(text: str) -> str:
    return " ".join(text.split())


def reference(lesson: Lesson, accessed: date | None = None) -> Reference:
    """What the lesson itself says about where it comes from."""
    url = _one_line(lesson.url)
    parts = urlsplit(url) if url else None
    host = (parts.hostname or "") if parts else ""
    on_ilo = host == "ilo.org" or host.endswith(".ilo.org")
    on_ievaldiscovery = on_ilo and "/ievaldiscovery/" in parts.path.lower() + "/"
    return Reference(
        lesson_id=_one_line(lesson.id),
        evaluation=_one_line(lesson.eval_title or lesson.title),
        eval_number=_one_line(lesson.eval_number),
        url=url,
        database=DATABASE if on_ievaldiscovery else "",
        publisher=PUBLISHER if on_ilo else "",
        accessed=accessed,
    )


def cite(lesson: Lesson, fmt: str = "text", accessed: date | None = None) -> str:
    """The lesson's reference in `fmt` (one of FORMATS); the accessed date only when given."""
    formatters = {"text": text, "apa": apa, "bibtex": bibtex, "ris": ris}
    if fmt not in formatters:
        raise ValueError(f"unknown citation format {fmt!r}; use one of {', '.join(FORMATS)}")
    return formatters[fmt](reference(lesson, accessed))


def _sentence(*parts: str) -> str:
    """The non-empty parts joined into one sentence."""
    return ", ".join(p for p in parts if p) + "." if any(parts) else ""


def text(ref: Reference) -> str:
    """A plain reference line for a report or a chat message."""
    lesson = f"Lesson learned {ref.lesson_id}"
    if ref.evaluation:
        lesson += f', from the evaluation "{ref.evaluation}"'
    if ref.eval_number:
        lesson += f" (evaluation {ref.eval_number})"
    pieces = [lesson + ".", _sentence(ref.database, ref.publisher)]
    if ref.url:
        pieces.append(ref.url + (f" (accessed {_day_month_year(ref.accessed)})." if ref.accessed else ""))
    elif ref.accessed:
        pieces.append(f"Accessed {_day_month_year(ref.accessed)}.")
    return " ".join(p for p in pieces if p)


def apa(ref: Reference) -> str:
    """APA 7 for a work with no author and no date: the title leads, then "(n.d.)"."""
    title = ref.title + (f" (Evaluation {ref.eval_number})" if ref.eval_number else "")
    pieces = [f"{title}. (n.d.)."]
    if ref.database:
        pieces.append(f"In {ref.database}.")
    if ref.publisher:
        pieces.append(f"{ref.publisher}.")
    if ref.url and ref.accessed:
        pieces.append(f"Retrieved {_month_day_year(ref.accessed)}, from {ref.url}")
    elif ref.url:
        pieces.append(ref.url)
    return " ".join(pieces)


def bibtex(ref: Reference) -> str:
    """A `@misc` entry for BibTeX and biblatex, with TeX's special characters escaped."""
    fields = [
        ("title", "{" + _tex(ref.title) + "}"),  # double braces keep the title's capitals
        ("howpublished", _tex(ref.database)),
        ("publisher", _tex(ref.publisher).replace("(ILO)", "({ILO})")),
        ("note", _tex(f"Evaluation {ref.eval_number}") if ref.eval_number else ""),
        ("url", _tex_url(ref.url)),
        ("urldate", ref.accessed.isoformat() if ref.accessed else ""),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@misc{{{bibtex_key(ref.lesson_id)},\n{body}}}"


def bibtex_key(lesson_id: str) -> str:
    """A stable key from the lesson id: the same lesson always gets the same key."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in lesson_id)
    return f"lesson-{safe}"


def ris(ref: Reference) -> str:
    """An RIS record (Zotero, EndNote): an electronic source inside the evaluation, with the database."""
    lines = [("TY", "ELEC"), ("TI", f"Lesson learned {ref.lesson_id}"), ("T2", ref.evaluation),
             ("AN", ref.lesson_id), ("N1", f"Evaluation {ref.eval_number}" if ref.eval_number else ""),
             ("PB", ref.publisher), ("DB", ref.database), ("UR", ref.url),
             ("Y2", ref.accessed.strftime("%Y/%m/%d") if ref.accessed else "")]
    return "\n".join(f"{tag}  - {value}" for tag, value in lines if value) + "\nER  - "


def _tex(value: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in value)


def _tex_url(url: str) -> str:
    """URLs stay verbatim for the `url` field; only what would unbalance the entry is percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _day_month_year(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _month_day_year(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
