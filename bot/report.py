"""The operator's report over the question log: whether the bot is used, for what, and where the lessons
are missing. `lessons report` prints it and `/admin` draws it; both build it here, from the log and the
knowledge base (which says how many lessons each theme and country has, and what each found lesson is).

Gaps are the questions no lesson answered in whole: none matched, or the best one missed part of the
question. They are grouped by the question as understood (typos corrected, filler words dropped), so
every way of typing one question counts as one gap.
"""
from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge import KnowledgeBase

from .config import Settings
from .state import Entry, Feedback, QuestionLog, StateStore

DEFAULT_SINCE_DAYS = 30
DEFAULT_TOP = 10


@dataclass(frozen=True)
class Demand:
    """How often a theme or a country was asked about, and how many lessons the collection has on it."""

    name: str
    asked: int
    available: int


@dataclass(frozen=True)
class GapRow:
    """One question that found nothing, or only lessons that answer part of it."""

    question: str
    asked: int
    nothing: int
    weak: int
    last_asked: str
    named: list[str]
    typed: list[str]


@dataclass(frozen=True)
class Votes:
    """The feedback votes on one lesson (from Slack's Helpful / Not helpful buttons)."""

    lesson_id: str
    title: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Report:
    """Everything the report shows; `to_dict()` is the `--json` object and `GET /admin/report`."""

    since_days: int
    start_day: str
    end_day: str
    questions: int
    per_day: list[tuple[str, int]]
    per_door: dict[str, int]
    top_questions: list[tuple[str, int]]
    themes: list[Demand]
    countries: list[Demand]
    nothing_found: int
    weak: int
    gaps: list[GapRow]
    latency_ms: dict[str, float | None]
    feedback: list[Votes] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def share(self, count: int) -> float | None:
        """`count` as a share of all questions (None when there were none)."""
        return round(count / self.questions, 4) if self.questions else None

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values."""
        data = asdict(self)
        data["per_day"] = [{"day": day, "questions": n} for day, n in self.per_day]
        data["top_questions"] = [{"question": q, "asked": n} for q, n in self.top_questions]
        data["nothing_found"] = {"questions": self.nothing_found, "share": self.share(self.nothing_found)}
        data["weak"] = {"questions": self.weak, "share": self.share(self.weak)}
        return data


def build_report(questions: QuestionLog | None, kb: KnowledgeBase, *, since_days: int = DEFAULT_SINCE_DAYS,
                 top: int = DEFAULT_TOP, feedback: Feedback | None = None,
                 clock: Callable[[], float] = time.time, notes: Sequence[str] = ()) -> Report:
    """The report over the last `since_days` days (today included); `questions` None: an empty log.
    Raises `StateUnavailable` when the store cannot be read."""
    now = clock()
    start = _day(now) - dt.timedelta(days=since_days - 1)
    since = dt.datetime.combine(start, dt.time(), dt.timezone.utc).timestamp()
    entries = questions.entries(since) if questions is not None else []
    stats = kb.stats()
    themes, countries = Counter(), Counter()
    for entry in entries:
        themes.update(_themes(entry, kb))
        countries.update(set(entry.filters.get("country", ())))
    return Report(
        since_days=since_days, start_day=start.isoformat(), end_day=_day(now).isoformat(), questions=len(entries),
        per_day=_per_day(entries, start, _day(now)),
        per_door=dict(sorted(Counter(e.door for e in entries).items(), key=lambda kv: (-kv[1], kv[0]))),
        top_questions=_most_common(Counter(e.understood for e in entries), top),
        themes=[Demand(name, n, stats["theme"][name]) for name, n in _most_common(themes, top)],
        countries=[Demand(name, n, stats["country"][name]) for name, n in _most_common(countries, top)],
        nothing_found=sum(1 for e in entries if e.total == 0),
        weak=sum(1 for e in entries if e.total and e.nothing_found),
        gaps=_gaps(entries, top),
        latency_ms=_latency([e.latency_ms for e in entries]),
        feedback=_votes(feedback, kb, top) if feedback is not None else [],
        notes=list(notes),
    )


def report_from_settings(settings: Settings, kb: KnowledgeBase, *, since_days: int = DEFAULT_SINCE_DAYS,
                         top: int = DEFAULT_TOP) -> Report:
    """The report over the state file the config names, or an empty one with a note when there is none
    yet (a report never creates the file). Raises `StateUnavailable`."""
    path = Path(settings.state.path)
    notes = [] if settings.questions.enabled else ["questions.enabled is false: new questions are not logged"]
    if not path.exists():
        notes.append(f"no question log at {path} yet: 'lessons serve' writes it as it answers questions")
        return build_report(None, kb, since_days=since_days, top=top, notes=notes)
    store = StateStore(path)
    try:
        return build_report(QuestionLog(store), kb, since_days=since_days, top=top, feedback=Feedback(store),
                            notes=notes)
    finally:
        store.close()


def _themes(entry: Entry, kb: KnowledgeBase) -> set[str]:
    """The themes a question was about: those it named, else those of the best lesson it found."""
    named = set(entry.filters.get("theme", ()))
    if named or not entry.top_ids:
        return named
    best = kb.get(entry.top_ids[0])
    return set(best.theme_values) if best is not None else set()


def _gaps(entries: Iterable[Entry], top: int) -> list[GapRow]:
    """The `top` most asked questions that nothing answered in whole, by the question as understood."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.nothing_found or entry.total == 0:
            groups.setdefault(entry.understood, []).append(entry)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -max(e.at for e in kv[1]), kv[0]))[:top]
    return [GapRow(question, len(group), sum(1 for e in group if e.total == 0),
                   sum(1 for e in group if e.total), _when(max(e.at for e in group)),
                   sorted({f"{name}: {value}" for e in group for name, vs in e.filters.items() for value in vs}),
                   [typed for typed, _ in Counter(e.typed for e in group).most_common(3)])
            for question, group in ranked]


def _votes(feedback: Feedback, kb: KnowledgeBase, top: int) -> list[Votes]:
    """The lessons with the most votes, the least helpful first among equals."""
    tallies = feedback.per_lesson()
    rows = [Votes(lesson_id, _title(kb, lesson_id), t.helpful, t.not_helpful) for lesson_id, t in tallies.items()]
    return sorted(rows, key=lambda v: (-(v.helpful + v.not_helpful), v.helpful - v.not_helpful, v.lesson_id))[:top]


def _title(kb: KnowledgeBase, lesson_id: str) -> str:
    lesson = kb.get(lesson_id)
    return lesson.display_title if lesson is not None else "(no longer among the lessons)"


def _per_day(entries: Sequence[Entry], start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """Questions on each day from `start` to `end`, days without any included (a chart needs them)."""
    counts = Counter(_day(e.at) for e in entries)
    days = (end - start).days + 1
    return [((start + dt.timedelta(days=i)).isoformat(), counts[start + dt.timedelta(days=i)]) for i in range(days)]


def _latency(values: list[float]) -> dict[str, float | None]:
    """The median and the 95th percentile (nearest rank) of the answers' latency, in milliseconds."""
    if not values:
        return {"p50": None, "p95": None}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 1)

    return {"p50": rank(0.5), "p95": rank(0.95)}


def _most_common(counts: Counter[str], n: int) -> list[tuple[str, int]]:
    """The `n` commonest, ties in alphabetical order (so two runs print the same)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _day(at: float) -> dt.date:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).date()


def _when(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

