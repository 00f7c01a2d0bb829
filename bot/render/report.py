"""The operator's report (`bot.report.Report`) as terminal text, for `lessons report`."""
from __future__ import annotations

from ..report import Demand, Report

NONE = "  none yet"


def percent(count: int, report: Report) -> str:
    """`count` as a percentage of the report's questions ("12.5%"; "-" when there were none)."""
    share = report.share(count)
    return "-" if share is None else f"{share:.1%}"


def _demand(title: str, rows: list[Demand]) -> list[str]:
    lines = [f"\n{title} (questions / lessons available):"]
    lines += [f"  {d.asked:5d} / {d.available:4d}  {d.name}" for d in rows] or [NONE]
    return lines


def _gaps(report: Report) -> list[str]:
    lines = ["\nGaps: the questions asked most that no lesson answers in whole (evidence the lessons lack):"]
    if not report.gaps:
        return [*lines, "  none: every question found lessons that answer it" if report.questions else NONE]
    for gap in report.gaps:
        found = [f"nothing found {gap.nothing}"] if gap.nothing else []
        found += [f"only part found {gap.weak}"] if gap.weak else []
        lines.append(f"  {gap.asked:5d}  {gap.question or '(only common words)'}  "
                     f"({'; '.join(found)}; last {gap.last_asked})")
        if gap.named:
            lines.append(f"         about: {', '.join(gap.named)}")
        lines.append("         typed: " + " | ".join(gap.typed))
    return lines


def report_to_text(report: Report) -> str:
    """The report as plain text: totals first, then days, questions, themes, countries, gaps, votes."""
    lines = [f"Questions from {report.start_day} to {report.end_day} ({report.since_days} days): {report.questions}"]
    lines += [f"note: {note}" for note in report.notes]
    if report.per_door:
        lines.append("By door: " + " · ".join(f"{door} {n}" for door, n in report.per_door.items()))
    lines.append(f"Nothing found: {report.nothing_found} ({percent(report.nothing_found, report)}) · "
                 f"only part of the question found: {report.weak} ({percent(report.weak, report)})")
    p50, p95 = report.latency_ms["p50"], report.latency_ms["p95"]
    if p50 is not None:
        lines.append(f"Answer time: median {p50} ms · 95th percentile {p95} ms")
    busy = [(day, n) for day, n in report.per_day if n]
    peak = max((n for _, n in busy), default=1)
    lines.append("\nQuestions per day (days without questions left out):")
    lines += [f"  {day}  {n:5d}  {'#' * max(1, round(30 * n / peak))}" for day, n in busy] or [NONE]
    lines.append("\nTop questions (as understood):")
    lines += [f"  {n:5d}  {q or '(only common words)'}" for q, n in report.top_questions] or [NONE]
    lines += _demand("Themes asked about", report.themes)
    lines += _demand("Countries asked about", report.countries)
    lines += _gaps(report)
    if report.feedback:
        lines.append("\nFeedback votes (helpful / not helpful):")
        lines += [f"  {v.helpful:4d} / {v.not_helpful:4d}  {v.lesson_id}  {v.title}" for v in report.feedback]
    return "\n".join(lines) + "\n"
