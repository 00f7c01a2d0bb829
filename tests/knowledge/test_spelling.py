"""Typo tolerance: the edit budget and the nearest known word."""
from __future__ import annotations

import random

import pytest

from knowledge.spelling import SpellingIndex, edit_budget, fnv

from ..conftest import lesson_page
from .conftest import ids


@pytest.mark.parametrize("typed, corrected", [
    ("farx", None),                         # 4 letters: no edit allowed
    ("cacao", None),                        # 5 letters, 2 edits from "cocoa": over the budget of 1
    ("cocao", "cocoa"),                     # 5 letters, 1 edit (a transposition)
    ("coperativs", "cooperatives"),         # 10 letters, 2 edits
    ("chld", "child"),                      # a 5-letter word with one letter dropped
])
def test_edit_budget_grows_with_word_length(kb_of, typed, corrected):
    kb = kb_of({"1": lesson_page("1", description="Child labour on cocoa farms; cooperatives helped. Farm work.")})
    answer = kb.ask(typed)
    if corrected is None:
        assert answer.hits == () and answer.corrections == ()
    else:
        assert answer.corrections == ((typed, corrected),) and ids(answer) == ["1"]


@pytest.mark.parametrize(("word", "budget"), [("farm", 0), ("cocoa", 1), ("herdres", 1), ("coperativs", 2)])
def test_edit_budget_by_length(word, budget):
    assert edit_budget(word) == budget


def test_nearest_prefers_fewer_edits_then_the_commoner_word():
    index = SpellingIndex(["herders", "headers", "herder", "child", "cooperatives"], [5, 9, 1, 3, 2])
    assert index.nearest("herdres") == [("herders", 1)]
    assert index.nearest("heders", limit=3) == [("headers", 1), ("herders", 1)]  # "herder": two edits
    assert index.nearest("chid") == [("child", 1)]  # 4 letters: only a dropped letter of a known word
    assert index.nearest("coperativs") == [("cooperatives", 2)]
    assert index.nearest("xyzzyq") == []


def test_the_compiled_deletion_hashes_find_the_same_words():
    """A large index hashes its words' deletions in compiled code (FNV-1a over UTF-8), a small one with
    Python's `hash`: the same near words either way, for letters of one byte or several."""
    words = ["herders", "insurance", "côte", "naïveté", "straße", "İstanbul", "ærøskøbing", "déjà", "cooperatives",
             "coopératives", "日本語テキスト", "ab\udcffcdef"]
    plain = SpellingIndex(words, list(range(1, len(words) + 1)))
    compiled = SpellingIndex(words, list(range(1, len(words) + 1)), compiled=True)
    long = [w for w in words if len(w) >= 5]
    assert compiled._keys.tolist() == sorted(fnv(w[:j] + w[j + 1:]) for w in long for j in range(len(w)))
    rng = random.Random(4)
    for word in words * 20:
        at = rng.randrange(len(word))
        typo = rng.choice([word[:at] + word[at + 1:], word[:at] + "x" + word[at:], word[:at] + "é" + word[at + 1:]])
        assert compiled.nearest(typo, limit=3) == plain.nearest(typo, limit=3), typo
    assert compiled.nearest("insurrance") == [("insurance", 1)]
    assert compiled.nearest("naïvetée") == [("naïveté", 1)]
