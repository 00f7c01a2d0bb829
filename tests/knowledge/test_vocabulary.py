"""The words the search knows beyond the lessons: thesaurus, places, intent."""
from __future__ import annotations

import pytest

from knowledge import PROSE_FIELDS, KnowledgeBase, SearchOptions
from knowledge.text import stem
from knowledge.vocabulary import CHALLENGE_PAIRS, INTENT_WORDS, SUCCESS_PAIRS, Places, Thesaurus, demonyms, term_of

from ..conftest import lesson_page
from .conftest import ids


@pytest.mark.parametrize("query", ["OSH", "occupational safety and health", "osh training"])
def test_thesaurus_links_acronyms_and_their_expansions(kb_of, query):
    kb = kb_of({"1": lesson_page("1", description="OSH training for factory managers."),
                "2": lesson_page("2", description="Occupational safety and health committees in every factory."),
                "3": lesson_page("3", description="Training for bank managers.")})
    found = ids(kb.ask(query))
    assert set(found[:2]) == {"1", "2"}


def test_thesaurus_links_british_and_american_spellings(kb_of):
    kb = kb_of({"1": lesson_page("1", description="Labour inspection improved."),
                "2": lesson_page("2", description="Market prices rose.")})
    assert ids(kb.ask("labor inspection")) == ["1"]
    assert kb.ask("labor inspection").corrections == ()


def test_own_synonyms_extend_the_thesaurus(kb_of):
    pages = {"1": lesson_page("1", description="Water, sanitation and hygiene in schools."),
             "2": lesson_page("2", description="Roads in schools.")}
    assert ids(kb_of(pages).ask("wash")) == []
    options = SearchOptions(synonyms={"wash": ("water sanitation and hygiene",)})
    assert ids(kb_of(pages, options).ask("wash")) == ["1"]


def test_a_country_alias_reaches_the_corpus_spelling_whatever_its_accents(make_lessons):
    root = make_lessons({
        "1": lesson_page("1", description="Social protection floor.", locations=(("São Tomé and Príncipe", "Africa"),)),
        "2": lesson_page("2", description="Social protection floor.", locations=(("Kenya", "Africa"),)),
    })
    answer = KnowledgeBase.from_paths([root]).ask("sao tome")
    assert [h.lesson.id for h in answer.hits] == ["1"]
    assert answer.filters == (("country", "São Tomé and Príncipe"),)


def test_places_find_the_longest_name_and_aliases_only_of_the_corpus_s_places():
    places = Places(["Türkiye", "South Sudan", "Sudan"], ["Arab States", "Africa"])
    assert places.find(["lessons", "from", "south", "sudan"]) == [(2, 4, "country", "South Sudan")]
    assert places.find(["turkey", "and", "the", "middle", "east"]) == [
        (0, 1, "country", "Türkiye"), (3, 5, "region", "Arab States")]
    assert places.find(["vietnam"]) == []  # an alias counts only when the corpus has its country


def test_thesaurus_groups_are_symmetric_and_phrases_are_stems():
    thesaurus = Thesaurus([["OSH", "occupational safety and health"], ["labour", "labor"]])
    assert thesaurus.equivalents(term_of("osh")) == (term_of("occupational safety and health"),)
    assert thesaurus.equivalents(term_of("occupational safety and health")) == (term_of("OSH"),)
    assert (stem("labor"),) in thesaurus and thesaurus.longest == 3
    assert "occupational" in thesaurus.words and "and" not in thesaurus.words


def test_intent_words_name_the_two_fields_they_favour():
    assert set(INTENT_WORDS) == {"challenges", "success"} <= set(PROSE_FIELDS)
    assert ("went", "wrong") in CHALLENGE_PAIRS and ("good", "practice") in SUCCESS_PAIRS


def test_a_places_adjectives_come_from_english_words_fewest_letters_changed_first():
    assert [word for word, _ in demonyms("jordan")] == ["jordanian"]
    assert demonyms("lebanon")[0][0] == "lebanese"
    assert "asiaese" not in dict(demonyms("asia"))  # the rules make no word the language lacks
    places = Places(["Niger", "Nigeria", "Jordan"], ["Africa", "Arab States"])
    assert places.find(["nigerian", "traders"]) == [(0, 1, "country", "Nigeria")]  # the nearer name
    assert places.find(["african", "traders"]) == [(0, 1, "region", "Africa")]
    assert places.find(["nigerian", "traders", "in", "jordan"]) == [(3, 4, "country", "Jordan")]


def test_places_are_built_without_reading_the_english_word_list(monkeypatch):
    """Adjectives are looked up when a question holds one: `lessons check` or a reload reads no word list."""
    import knowledge.vocabulary as vocabulary

    def unread(word: str) -> bool:
        raise AssertionError(f"the word list was read at build, for {word!r}")
    monkeypatch.setattr(vocabulary, "is_english", unread)
    places = Places(["Jordan", "Nepal"], ["Arab States", "Asia and the Pacific"])
    assert places.find(["jobs", "in", "jordan"]) == [(2, 3, "country", "Jordan")]
