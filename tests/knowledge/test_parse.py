"""The parser reads the iEvalDiscovery page format exactly, in both of its saved shapes."""
from __future__ import annotations

import pytest

from knowledge import LessonFileError, parse_bytes, parse_text

from ..conftest import SEED, lesson_page


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
                       locations=(("Philippines", "Asia and the Pacific"), ("Paraguay", "Americas"), ("Zambia", "Africa")))
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
    from knowledge import BUNDLED_LESSONS
    from knowledge.page import render_page

    for path in sorted(BUNDLED_LESSONS.glob("*.txt")):
        lesson = parse_bytes(path.read_bytes(), str(path)).lesson
        again = parse_text(render_page(lesson), str(path)).lesson
        assert again == lesson, path.name
