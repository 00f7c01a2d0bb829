"""The page format both ways: the parser reads it exactly, in both of its saved shapes; every
malformed file in tests/data/bad gets the behaviour its README asks for; `render_page` writes it back."""
from __future__ import annotations

import pytest

from knowledge import BUNDLED_LESSONS, LessonFileError, parse_bytes, parse_text, render_page

from ..conftest import BAD, SEED, lesson_page


def test_seed_lesson_fields_are_read_exactly():
    lesson = parse_bytes(SEED.read_bytes(), str(SEED)).lesson
    title = ("Extending Social Protection to Herders with Enhanced Shock Responsiveness in Mongolia"
             " - Joint final evaluation")
    assert lesson.id == "252474"
    assert lesson.url == "https://webapps.ilo.org/ievaldiscovery/lessons/252474"
    assert lesson.title == title
    assert lesson.eval_title == title
    assert lesson.eval_number == "3474"
    assert lesson.eval_url == "https://webapps.ilo.org/ievaldiscovery/eval/3474"
    assert lesson.themes == (("Programme implementation", "Organizational issues"),)
    assert lesson.locations == (("Mongolia", "Asia and the Pacific"),)
    assert lesson.country == "Mongolia" and lesson.region == "Asia and the Pacific"
    assert lesson.comments == ("Herders are main target of UNJP. These lessons learnt are targets PUNOs"
                               " and other government and non-governmental partners.")
    assert lesson.challenges.startswith("UNJP had several focal points at the Ministry of Labour")
    assert lesson.challenges.endswith("should have been covered by the social and health insurance.")
    assert lesson.success.startswith("The success appeared at the local level")
    assert "Pastureland Users’ Groups" in lesson.success  # typographic quote kept
    assert lesson.context.startswith("UNJP implementation years overlapped with pandemic")
    assert lesson.description.endswith("It contributed immensely for the partnership building at the soum level.")
    assert lesson.administrative_issues == ""  # "N/A" is empty
    assert dict(lesson.extra) == {}
    assert lesson.source == str(SEED)


def test_page_saved_without_dash_prefixes_parses_the_same():
    text = SEED.read_text(encoding="utf-8")
    bare = "\n".join(line[2:] if line.startswith("- ") else line for line in text.split("\n"))
    assert "- " not in bare.split("\n")[2]
    prefixed, plain = parse_text(text).lesson, parse_text(bare).lesson
    for name in ("id", "title", "eval_number", "themes", "locations", "challenges", "description"):
        assert getattr(plain, name) == getattr(prefixed, name), name


@pytest.mark.parametrize("placeholder", ["N/A", "n/a", "-", "Not applicable.", "Not applicable", "See below", " "])
def test_placeholder_values_are_empty(placeholder):
    lesson = parse_text(lesson_page("1", challenges=placeholder, success="Real text.")).lesson
    assert lesson.challenges == ""
    assert lesson.success == "Real text."


def test_multiline_value_keeps_continuation_lines_and_a_colon_ending_line():
    text = lesson_page("2", success="Two points explain it:\nOne was pressure.\n• Another was earlier action.")
    lesson = parse_text(text).lesson
    assert lesson.success == "Two points explain it:\nOne was pressure.\n• Another was earlier action."
    assert lesson.context == ""


def test_value_containing_dash_space_and_key_like_words_stays_in_the_value():
    text = lesson_page("3", comments="Partners - unions and employers - agreed on this: success: mixed")
    assert parse_text(text).lesson.comments == "Partners - unions and employers - agreed on this: success: mixed"


def test_empty_valued_key_directly_followed_by_next_key():
    text = lesson_page("4").replace("- administrative_issues:\n- N/A\n", "- administrative_issues:\n")
    lesson = parse_text(text).lesson
    assert lesson.administrative_issues == ""
    assert lesson.id == "4"


def test_several_theme_and_location_pairs_keep_their_order():
    text = lesson_page("5", themes=(("Gender equality", "Conditions of work"), ("Social dialogue", "Tripartism")),
                       locations=(("Philippines", "Asia and the Pacific"), ("Paraguay", "Americas"),
                                  ("Zambia", "Africa")))
    lesson = parse_text(text).lesson
    assert lesson.themes == (("Gender equality", "Conditions of work"), ("Social dialogue", "Tripartism"))
    assert lesson.countries == ("Philippines", "Paraguay", "Zambia")
    assert lesson.regions == ("Asia and the Pacific", "Americas", "Africa")


def test_unknown_keys_are_kept_not_dropped():
    text = lesson_page("6").replace("- url:", "- funding_source:\n- Government of Norway\n- url:")
    assert dict(parse_text(text).lesson.extra) == {"funding_source": "Government of Norway"}


def test_truncated_heading_gives_way_to_full_eval_title():
    text = lesson_page("7", title="A long evaluation title").replace(
        "Back to index\nA long evaluation title\n", "Back to index\nA long evalu...\n")
    assert parse_text(text).lesson.title == "A long evaluation title"


def test_non_ascii_names_and_typographic_quotes_survive():
    text = lesson_page("8", locations=(("Côte d’Ivoire", "Africa"), ("Türkiye", "Europe and Central Asia")),
                       description="“İstanbul” and São Tomé")
    lesson = parse_text(text).lesson
    assert lesson.countries == ("Côte d’Ivoire", "Türkiye")
    assert lesson.description == "“İstanbul” and São Tomé"


def test_page_without_trailing_newline_and_skip_to_top_glued_is_read():
    text = lesson_page("9").rstrip("\n")
    assert parse_text(text).lesson.locations == (("Mongolia", "Asia and the Pacific"),)


def test_url_without_a_lesson_id_is_a_clear_error():
    text = lesson_page("10").replace("https://webapps.ilo.org/ievaldiscovery/lessons/10", "not a url")
    with pytest.raises(LessonFileError, match=r"x.txt:\d+: url 'not a url' does not end with a lesson id"):
        parse_text(text, "x.txt")


def test_every_bundled_lesson_survives_a_round_trip_through_render_page():
    for path in sorted(BUNDLED_LESSONS.glob("*.txt")):
        lesson = parse_bytes(path.read_bytes(), str(path)).lesson
        again = parse_text(render_page(lesson), str(path)).lesson
        assert again == lesson, path.name


# -- malformed files (tests/data/bad) ------------------------------------------------------------

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
