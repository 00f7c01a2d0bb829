"""The lesson record and the one list of prose fields with their labels."""
from __future__ import annotations

import dataclasses

from knowledge import FIELD_LABELS, PROSE_FIELDS, Lesson


def test_prose_fields_are_the_lesson_s_and_each_has_a_label():
    assert PROSE_FIELDS == ("comments", "challenges", "success", "context", "description", "administrative_issues")
    assert tuple(FIELD_LABELS) == PROSE_FIELDS and FIELD_LABELS["administrative_issues"] == "administrative issues"
    assert set(PROSE_FIELDS) <= {f.name for f in dataclasses.fields(Lesson)}


def test_places_and_themes_read_in_page_order_without_repeats():
    lesson = Lesson(id="1", url="https://x/1", title="", locations=(("Peru", "Americas"), ("Chile", "Americas")),
                    themes=(("Gender equality", "Conditions of work"), ("Gender equality", "Equality")))
    assert lesson.countries == ("Peru", "Chile") and lesson.regions == ("Americas",)
    assert lesson.country == "Peru, Chile" and lesson.region == "Americas"
    assert lesson.theme_values == ("Gender equality",)
    assert lesson.category_values == ("Conditions of work", "Equality")
    assert lesson.theme_names == ("Gender equality", "Conditions of work", "Equality")
    assert lesson.display_title == "https://x/1"


def test_prose_and_to_dict_name_every_prose_field():
    lesson = Lesson(id="1", url="u", title="T", success="It worked.", comments="Noted.")
    assert lesson.prose() == {"comments": "Noted.", "success": "It worked."}
    data = lesson.to_dict()
    assert all(name in data for name in PROSE_FIELDS) and data["success"] == "It worked."
    assert data["themes"] == [] and data["extra"] == {}
