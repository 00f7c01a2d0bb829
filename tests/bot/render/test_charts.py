"""The admin page's SVG charts: well-formed, proportional, labelled, and safe with hostile labels."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.render.charts import day_bars, paired_bars

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str, cls: str) -> list[ET.Element]:
    return [rect for rect in ET.fromstring(svg).iter(SVG + "rect") if rect.get("class") == cls]


def test_day_bars_are_proportional_and_say_their_values():
    days = [("2025-04-28", 2), ("2025-04-29", 0), ("2025-04-30", 4)]
    svg = day_bars(days, title="Questions per day")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.find(SVG + "title").text == "Questions per day"
    heights = [float(rect.get("height")) for rect in bars(svg, "bar-asked")]
    assert heights[1] == 0 and heights[2] == 2 * heights[0] > 0
    tips = [rect.find(SVG + "title").text for rect in bars(svg, "bar-asked")]
    assert tips == ["2025-04-28: 2 questions", "2025-04-29: 0 questions", "2025-04-30: 4 questions"]


def test_day_bars_label_the_last_day_and_every_seventh_before_it_without_overlap():
    days = [(f"2025-04-{d:02d}", 1) for d in range(1, 31)]
    labels = [t.text for t in ET.fromstring(day_bars(days, title="t")).iter(SVG + "text") if "-" in (t.text or "")]
    assert labels == ["04-02", "04-09", "04-16", "04-23", "04-30"]  # 04-01 would touch 04-02


def test_paired_bars_scale_each_series_to_its_own_largest_value():
    svg = paired_bars([("Social protection", 10, 3), ("Child labour", 5, 6)], title="t", names=("asked", "lessons"))
    asked = [float(r.get("width")) for r in bars(svg, "bar-asked")][1:]  # the first is the legend's
    available = [float(r.get("width")) for r in bars(svg, "bar-available")][1:]
    assert asked[0] == 2 * asked[1] and available[1] == 2 * available[0]
    texts = [t.text for t in ET.fromstring(svg).iter(SVG + "text")]
    assert {"Social protection", "Child labour", "10", "3", "5", "6"} <= set(texts)


def test_hostile_labels_stay_text():
    hostile = '<script>alert(1)</script>" onload="x'
    for svg in (paired_bars([(hostile, 1, 1)], title=hostile, names=("a", "b")), day_bars([(hostile, 1)], title="t")):
        root = ET.fromstring(svg)
        assert not list(root.iter(SVG + "script")) and not list(root.iter("script"))
        assert all("onload" not in element.attrib for element in root.iter())
        assert "<script>" not in svg


def test_an_empty_chart_says_so():
    assert "nothing yet" in paired_bars([], title="t", names=("a", "b"))
    assert ET.fromstring(day_bars([], title="t")) is not None
