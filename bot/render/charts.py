"""Small charts for the admin page, drawn here as SVG: no plotting library, no script, no CDN.

Pure functions from numbers and labels to SVG text. Every label is escaped (theme names come from
lesson files), each chart carries a title for screen readers, and each bar a tooltip with its value.
Colours come from classes that `static/admin.css` styles.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = 12


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    label = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{label}"><title>{label}</title>'
            + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, cls: str = "label", anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'


def _bar(x: float, y: float, w: float, h: float, cls: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" class="{cls}">'
            f"<title>{escape(tip)}</title></rect>")


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def day_bars(days: Sequence[tuple[str, int]], *, title: str, width: int = 720, height: int = 180) -> str:
    """Questions per day as vertical bars, oldest on the left; the last day and every 7th before it labelled,
    and the first when there is room."""
    left, bottom, top = 36, 24, 14
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((n for _, n in days), default=0) or 1
    step = plot_w / max(len(days), 1)
    labelled = set(range(len(days) - 1, -1, -7))
    if labelled and min(labelled) >= 3:
        labelled.add(0)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" class="axis"/>',
            _text(left - 6, top + 4, str(peak), "tick", "end"), _text(left - 6, top + plot_h, "0", "tick", "end")]
    for i, (day, count) in enumerate(days):
        h = plot_h * count / peak
        x = left + i * step
        body.append(_bar(x + step * 0.15, top + plot_h - h, step * 0.7, h, "bar-asked",
                         f"{day}: {count} question{'s' if count != 1 else ''}"))
        if i in labelled:
            body.append(_text(x + step / 2, height - 6, day[5:], "tick", "middle"))
    return _svg(width, height, title, body)


def paired_bars(rows: Sequence[tuple[str, int, int]], *, title: str, names: tuple[str, str],
                width: int = 720) -> str:
    """Two horizontal bars per row (e.g. questions asked, lessons available), each series scaled to its
    own largest value (they count different things), with the numbers written at the bars' ends."""
    label_w, row_h, legend_h = 230, 30, 22
    height = legend_h + row_h * max(len(rows), 1) + 6
    bar_w = width - label_w - 50
    peaks = (max((a for _, a, _ in rows), default=0) or 1, max((b for _, _, b in rows), default=0) or 1)
    body = [_bar(label_w, 4, 12, 10, "bar-asked", names[0]), _text(label_w + 18, 13, names[0]),
            _bar(label_w + 180, 4, 12, 10, "bar-available", names[1]), _text(label_w + 198, 13, names[1])]
    if not rows:
        body.append(_text(label_w, legend_h + 18, "nothing yet", "tick"))
    for i, (name, asked, available) in enumerate(rows):
        y = legend_h + i * row_h
        body.append(_text(label_w - 8, y + 17, _short(name, 34), "label", "end"))
        series = ((asked, "bar-asked", names[0]), (available, "bar-available", names[1]))
        for j, (value, cls, what) in enumerate(series):
            w = bar_w * value / peaks[j]
            body.append(_bar(label_w, y + 3 + j * 12, w, 10, cls, f"{name}: {value} {what}"))
            body.append(_text(label_w + w + 4, y + 12 + j * 12, str(value), "tick"))
    return _svg(width, height, title, body)
