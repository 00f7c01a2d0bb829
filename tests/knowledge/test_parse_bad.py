"""Every malformed file in tests/data/bad gets the behaviour its README asks for."""
from __future__ import annotations

import pytest

from knowledge import LessonFileError, parse_bytes

from ..conftest import BAD

REJECTED = {
    "empty_file.txt": (r"empty file", None),
    "binary_garbage.txt": (r"binary file, not text", None),
    "html_page.txt": (r"HTML page, not the text rendering", 1),
    "missing_url.txt": (r"missing url, so the lesson has no id$", 32),
    "truncated_mid_record.txt": (r"missing url.*looks truncated: no 'Skip to top' line", 22),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_files_name_the_file_the_line_and_the_reason(name):
    pattern, line = REJECTED[name]
    path = BAD / name
    with pytest.raises(LessonFileError, match=pattern) as caught:
        parse_bytes(path.read_bytes(), str(path))
    assert caught.value.source == str(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize("name, lesson_id", [
    ("keys_reordered.txt", "900904"),
    ("crlf_line_endings.txt", "900905"),
    ("utf8_bom.txt", "900906"),
    ("very_long_value_200kb.txt", "900908"),
    ("duplicate_id_252474.txt", "252474"),
])
def test_valid_variants_parse_without_warnings(name, lesson_id):
    parsed = parse_bytes((BAD / name).read_bytes(), name)
    assert parsed.lesson.id == lesson_id
    assert parsed.warnings == ()
    assert parsed.lesson.title and parsed.lesson.themes and parsed.lesson.locations


def test_reordered_keys_pair_category_and_region_correctly():
    lesson = parse_bytes((BAD / "keys_reordered.txt").read_bytes()).lesson
    text = (BAD / "keys_reordered.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    country = lines[lines.index("- country:") + 1][2:]
    region = lines[lines.index("- region:") + 1][2:]
    theme = lines[lines.index("- theme:") + 1][2:]
    category = lines[lines.index("- category:") + 1][2:]
    assert lesson.locations == ((country, region),)
    assert lesson.themes == ((theme, category),)


def test_crlf_leaves_no_carriage_return_in_values():
    lesson = parse_bytes((BAD / "crlf_line_endings.txt").read_bytes()).lesson
    assert not any("\r" in str(value) for value in lesson.to_dict().values())


def test_bom_does_not_hide_the_first_line():
    lesson = parse_bytes((BAD / "utf8_bom.txt").read_bytes()).lesson
    assert not lesson.title.startswith(("\ufeff", "Back to index"))


def test_latin1_file_is_decoded_with_a_warning_and_accents_intact():
    parsed = parse_bytes((BAD / "latin1_encoded.txt").read_bytes())
    assert parsed.lesson.id == "900907"
    assert "Côte d'Ivoire" in parsed.lesson.countries
    assert any("not valid UTF-8" in w for w in parsed.warnings)
    assert "Évaluation" in (parsed.lesson.title + parsed.lesson.eval_title + str(parsed.lesson.to_dict()))


def test_missing_title_gives_a_best_effort_record_that_still_shows_its_url():
    parsed = parse_bytes((BAD / "missing_title.txt").read_bytes())
    assert parsed.lesson.id == "900903"
    assert parsed.lesson.title == ""
    assert parsed.lesson.display_title == parsed.lesson.url
    assert any("no title" in w for w in parsed.warnings)


def test_long_value_is_kept_whole():
    lesson = parse_bytes((BAD / "very_long_value_200kb.txt").read_bytes()).lesson
    assert len(lesson.description) > 190_000
