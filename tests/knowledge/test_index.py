"""The inverted index on a four-lesson corpus: terms, postings, fields, idf, streams, duplicates."""
from __future__ import annotations

import numpy as np

from knowledge import Lesson, SearchOptions
from knowledge.index import FIELDS, InvertedIndex, field_bit, idf_of
from knowledge.text import stem

LESSONS = [
    Lesson(id="1", url="", title="Herders", description="Herders need the social insurance."),
    Lesson(id="2", url="", title="Fishers", description="Fishers need boats.", challenges="Herders left."),
    Lesson(id="3", url="", title="Roads", description="Côte d’Ivoire roads."),
    Lesson(id="4", url="", title="Copy", description="Herders need the social insurance."),
]


def build() -> InvertedIndex:
    """The index of the four lessons alone: no English prior, so idf is BM25's own (`idf_of`)."""
    options = SearchOptions()
    return InvertedIndex(LESSONS, options.field_weights, options.bm25_k1, options.bm25_b, english_prior=0.0)


def test_postings_list_each_lesson_once_with_its_fields():
    index = build()
    docs, impacts, fields = index.postings(index.term_id(stem("herders")))
    assert docs.tolist() == [0, 1, 3] and (impacts > 0).all()
    assert fields.tolist() == [field_bit("title") | field_bit("description"), field_bit("challenges"),
                               field_bit("description")]
    assert index.term_id("nothere") == -1 and [len(a) for a in index.postings(-1)] == [0, 0, 0]


def test_rarer_words_weigh_more_and_stop_words_are_not_terms():
    index = build()
    herders, boats = index.term_id(stem("herders")), index.term_id(stem("boats"))
    assert index.df[herders] == 3 and index.df[boats] == 1
    assert index.idf[boats] > index.idf[herders]
    assert np.isclose(index.idf[boats], idf_of(4, 1))
    assert index.term_id("the") == -1


def test_stream_keeps_stems_in_page_order_by_field():
    index = build()
    stems = {t: s for s, t in index.stem_ids.items()}
    assert [stems[t] for t in index.doc_stream(0).tolist()] == [stem(w) for w in
                                                                 ("herders", "herders", "need", "social", "insurance")]
    assert FIELDS[index.stream_field[index.stream_start[0]]] == "title"


def test_folded_words_split_like_text_words_and_keep_their_spellings():
    index = build()
    assert index.term_id("cote") >= 0 and index.term_id("ivoir") >= 0
    assert index.spellings(index.term_id(stem("herders"))) == ["herders"]


def test_lessons_with_the_same_prose_point_at_the_first():
    assert build().duplicate_of.tolist() == [0, 1, 2, 0]
