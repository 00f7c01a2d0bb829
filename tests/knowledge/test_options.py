"""Search settings: documented defaults, and values that would break every search refused by name."""
from __future__ import annotations

import pytest

from knowledge import PROSE_FIELDS, SearchOptions
from knowledge.index import FIELDS
from knowledge.options import DEFAULT_FIELD_WEIGHTS


def test_every_indexed_field_has_a_default_weight():
    assert tuple(DEFAULT_FIELD_WEIGHTS) == FIELDS == ("title", "theme", "category", "place", *PROSE_FIELDS)
    assert DEFAULT_FIELD_WEIGHTS["context"] == 0.7 and DEFAULT_FIELD_WEIGHTS["administrative_issues"] == 0.5


def test_a_partial_field_weights_mapping_keeps_the_other_defaults():
    options = SearchOptions(field_weights={"title": 5.0})
    assert options.field_weights["title"] == 5.0 and options.field_weights["theme"] == 2.5


@pytest.mark.parametrize(("settings", "message"), [
    ({"default_limit": 0}, "default_limit: must be between 1 and max_limit"),
    ({"max_query_chars": 0}, "max_query_chars: must be at least 1"),
    ({"min_coverage": 1.5}, "min_coverage: must be between 0 and 1"),
    ({"field_weights": {"body": 1.0}}, "field_weights: unknown field 'body'"),
    ({"field_weights": {"title": -1.0}}, "field_weights: weights must not be negative"),
    ({"english_prior": -1.0}, "english_prior: must be 0 or more"),
    ({"english_prior": float("nan")}, "english_prior: must be 0 or more"),
])
def test_bad_settings_are_refused_naming_the_setting(settings, message):
    with pytest.raises(ValueError, match=message):
        SearchOptions(**settings)
