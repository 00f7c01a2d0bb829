"""The shortcut (bitsets and impact-ordered postings) gives the answers the straightforward search gives.

Both are computed by the code under test, on a generated corpus of a few thousand lessons and
many generated questions, so the test holds whatever the ranking rules become.
"""
from __future__ import annotations

import functools
import importlib.util
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase, bitsets, passes, search, shortcut, topk
from knowledge.page import parse_text
from knowledge.topk import LONG

GENERATOR = Path(__file__).parents[2] / "bench" / "generate.py"


@functools.cache
def generator():
    """bench/generate.py, which makes the lessons and the questions (loaded once)."""
    spec = importlib.util.spec_from_file_location("generate", GENERATOR)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    lessons = [parse_text(text).lesson for _, text in generator().pages(2000, seed=3)]
    # Near-duplicates (the same prose under another id) are counted once in a total.
    twins = [replace(lesson, id=f"9{lesson.id}") for lesson in lessons[::50]]
    return KnowledgeBase(lessons + twins)


def questions(kb: KnowledgeBase, count: int, seed: int = 5) -> list[str]:
    """1-6 words of a lesson's title and prose; some with a typo, a filter or a repeated word."""
    rng, lessons, generate = random.Random(seed), list(kb), generator()
    found = []
    while len(found) < count:
        lesson, chosen = generate.question_words(lessons, rng, 1, 6)
        if rng.random() < 0.2:
            i = rng.randrange(len(chosen))
            if len(chosen[i]) >= 5:
                chosen[i] = chosen[i][:2] + chosen[i][3:]
        if rng.random() < 0.1:
            chosen.append(f"theme:\"{rng.choice(lesson.theme_values)}\"")
        found.append(" ".join(chosen))
    return found


def page(answer) -> tuple:
    return ([(h.lesson.id, h.score, h.matched_terms, h.grouped) for h in answer.hits], answer.total,
            dict(answer.facets), answer.notice)


@pytest.mark.parametrize(("small", "rounds", "threshold"),
                         [(shortcut.SMALL, topk.ROUNDS, shortcut.THRESHOLD_CONCEPTS),
                          (64, topk.ROUNDS, shortcut.THRESHOLD_CONCEPTS), (64, 3, 2)],
                         ids=["as shipped", "large tiers scored in one pass", "prefixes read in several rounds"])
def test_the_shortcut_answers_as_the_straightforward_search(kb, small, rounds, threshold, monkeypatch):
    # Tiers above `SMALL` lessons are read by the threshold algorithm (`topk.best_within`, for
    # questions of up to `THRESHOLD_CONCEPTS`), in up to `ROUNDS` rounds, or scored in one
    # compiled pass: few of this corpus's tiers are that large.
    monkeypatch.setattr(shortcut, "SMALL", small)
    monkeypatch.setattr(topk, "ROUNDS", rounds)
    monkeypatch.setattr(shortcut, "THRESHOLD_CONCEPTS", threshold)
    searcher = kb._searcher
    taken = 0
    asked = questions(kb, 90)
    for number, question in enumerate(asked):
        limit, offset = ((5, 0), (10, 0), (10, 40))[number % 3]
        fast = searcher.ask(question, limit, offset, explain=False, straightforward=False)
        plain = searcher.ask(question, limit, offset, explain=False, straightforward=True)
        assert page(fast) == page(plain), question
        u, reader = searcher.understand(question), searcher.reader
        taken += reader.covers(u, None, None) and reader.answer(u, None, limit + offset, None) is not None
    # Most questions take the shortcut, so the comparison above is not of one path with itself.
    assert taken >= len(asked) // 2


def test_each_long_terms_postings_are_read_by_falling_impact(kb):
    index, order = kb._searcher.index, kb._searcher.reader.order
    long = np.flatnonzero(index.df >= LONG)
    assert len(long)
    for term in long.tolist():
        docs, impacts, _ = index.postings(term)
        first = int(order.first[term])
        read = order.order[first:first + len(docs)]
        assert sorted(read.tolist()) == list(range(len(docs)))
        assert np.all(np.diff(impacts[read].astype(np.float64)) <= order.step)
        # The bound past a prefix is at least every impact after it.
        middle = len(docs) // 3
        found, _, bound = order.prefix(term, middle, 1.0)
        assert set(found.tolist()) == set(docs[read[:middle]].tolist())
        assert bound >= float(impacts[read[middle:]].max())


def test_the_compiled_impact_order_is_its_definition(kb):
    """Each long term's postings by falling impact quantum, ties in lesson order (the compiled
    build against numpy's stable sort of the same quanta)."""
    index = kb._searcher.index
    order = topk.ImpactOrder(index.docs, index.impacts, index.start, index.df)
    long = np.flatnonzero(index.df >= topk.LONG)
    assert len(long) >= 3 and order.levels > 0
    for term in long.tolist():
        lo, hi, first = int(index.start[term]), int(index.start[term + 1]), int(order.first[term])
        quantum = np.minimum(np.floor(index.impacts[lo:hi].astype(np.float64) / order.step), order.levels)
        expected = np.argsort(-quantum, kind="stable")
        assert np.array_equal(order.order[first:first + hi - lo], expected)


def test_looking_lessons_up_in_compiled_code_finds_what_numpy_finds():
    """The shortcut's exact scores look candidates up in posting lists: galloping in compiled code
    (a large index) or numpy's sorted search (a small one) give the same values, 0 where a
    candidate is absent, for lists long and short, empty, and candidates past either end."""
    rng = np.random.default_rng(11)
    cases = [(np.zeros(0, np.int32), np.arange(5)), (np.array([3], np.int32), np.array([0, 3, 9]))]
    for size, wanted in ((1000, 40), (1000, 900), (50, 300), (20000, 7)):
        docs = np.sort(rng.choice(30000, size, replace=False)).astype(np.int32)
        cands = np.sort(rng.choice(30000, wanted, replace=False))
        cases.append((docs, np.concatenate([cands, docs[rng.integers(0, size, 5)]])))
    for docs, cands in cases:
        cands = np.unique(cands)
        values = rng.random(len(docs)).astype(np.float32) + np.float32(0.5)
        compiled = shortcut._lookup(docs, values, cands, compiled=True)
        assert np.array_equal(compiled, shortcut._lookup(docs, values, cands))
        assert compiled.dtype == np.float32
        assert np.count_nonzero(compiled) == len(np.intersect1d(docs, cands))


def test_a_bitset_holds_exactly_its_lessons():
    rng = np.random.default_rng(2)
    for n in (1, 63, 64, 65, 1000):
        docs = np.flatnonzero(rng.random(n) < 0.3)
        bits = bitsets.from_docs(docs, n)
        assert bitsets.count(bits) == len(docs)
        assert bitsets.members(bits).tolist() == docs.tolist()
        assert np.array_equal(bits, bitsets.from_mask(np.isin(np.arange(n), docs)))
        assert bitsets.holds(bits, np.arange(n)).tolist() == np.isin(np.arange(n), docs).tolist()
        assert bitsets.count(bitsets.full(n)) == n


def test_a_knowledge_base_below_the_threshold_scores_every_lesson(tmp_path):
    """Under `SHORTCUT_FROM` lessons the bitsets cost more than they save: none are built."""
    from knowledge.search import SHORTCUT_FROM
    small = KnowledgeBase([parse_text(text).lesson for _, text in generator().pages(300, seed=4)])
    assert len(small) < SHORTCUT_FROM
    for question in questions(small, 20):
        small.ask(question)
    assert "reader" not in vars(small._searcher)


def test_a_two_word_alternative_is_read_in_one_pass_as_numpy_reads_it(kb, monkeypatch):
    """A thesaurus phrase's lessons, scores and field bits, from one compiled pass that intersects
    both words' postings as bits (a large index) or from numpy (a small one): the same arrays,
    dtypes too, for pairs of words that stand together in some lessons and apart in others."""
    ranker, index = kb._searcher.ranker, kb._searcher.index
    rng = np.random.default_rng(4)
    common = np.flatnonzero(index.df >= 50)
    pairs = [tuple(int(t) for t in rng.choice(common, 2, replace=False)) for _ in range(40)]
    pairs += [(int(index.stream[p]), int(index.stream[p + 1])) for p in rng.choice(len(index.stream) - 1, 40)]
    compiled = [ranker._phrase_alternative(ids) for ids in pairs]
    monkeypatch.setattr(index, "compiled", False)
    for ids, fast in zip(pairs, compiled, strict=True):
        plain = ranker._phrase_alternative(ids)
        assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(plain, fast, strict=True)), ids
    assert sum(len(docs) > 0 for docs, _, _ in compiled) > 40  # most pairs share lessons


def test_the_compiled_passes_answer_as_numpy_does(kb, monkeypatch):
    """A large index scores, reads loose matches, measures proximity and marks the shown lessons'
    sentences in compiled passes (`passes.py`, `sentences.py`); a small one with numpy and Python.
    Both ways on the same lessons and questions (with thesaurus phrases, typos and filters), and
    for related lessons: scores and summaries to the last bit."""
    searcher = kb._searcher
    asked = [*questions(kb, 60, seed=8), "social protection for herders", "child labour cocoa",
             "occupational safety and health", "forced labour migrant workers", "youth employment Africa",
             # a question about one part of a lesson reads which fields hold each alternative
             "what went wrong with social protection", "what worked in occupational safety and health"]

    def pages() -> list:
        return [(page(answer), [(h.summary, h.highlights) for h in answer.hits])
                for answer in (searcher.ask(q, 10, straightforward=True) for q in asked)] + \
            [[(h.lesson.id, h.summary, h.summary_field, h.highlights) for h in searcher.related(lesson.id)]
             for lesson in searcher.lessons[:5]]

    def scored() -> list:  # every matched lesson's score, unrounded
        found = [searcher.ranker.score(u, None) for u in map(searcher.understand, asked) if u.concepts]
        return [(s.matched.tolist(), s.scores.dtype, s.scores.tobytes(), s.topic_share.tobytes()) for s in found]

    compiled, compiled_scores = pages(), scored()
    monkeypatch.setattr(searcher.index, "compiled", False)
    assert pages() == compiled
    assert scored() == compiled_scores
    assert sum(bool(p[0][0]) for p in compiled) > len(asked) // 2  # most questions find lessons


@pytest.mark.parametrize("power", [1.5, 1.0, 0.5, 3.0])
def test_any_coverage_power_scores_compiled_as_numpy_does(power, monkeypatch):
    """The matched lessons' scores come from one compiled pass on a large index, whatever the
    configured `coverage_power`: to the last bit what numpy's arithmetic gives a small one."""
    from knowledge.options import SearchOptions

    lessons = [parse_text(text).lesson for _, text in generator().pages(600, seed=6)]
    kb = KnowledgeBase(lessons, options=SearchOptions(coverage_power=power))
    searcher = kb._searcher
    assert searcher.index.compiled
    asked = [u for u in map(searcher.understand, questions(kb, 40, seed=14)) if u.concepts]

    def scored() -> list:
        found = [searcher.ranker.score(u, None) for u in asked]
        return [(s.matched.tolist(), s.scores.tobytes()) for s in found]

    compiled = scored()
    monkeypatch.setattr(searcher.index, "compiled", False)
    assert scored() == compiled
    assert sum(len(m) > 0 for m, _ in compiled) > len(asked) // 2


def test_a_second_pass_with_lent_words_scores_as_one_from_scratch(kb):
    """A question that borrows words is scored twice on the same sums (`Ranker.sums`): a pass must
    leave them as they were, so the next scores as it would from nothing."""
    from knowledge import expansion

    searcher, lent = kb._searcher, 0
    for u in map(searcher.understand, questions(kb, 60, seed=12)):
        if not u.concepts:
            continue
        sums = searcher.ranker.sums(u)
        first = searcher.ranker.score(u, None, sums=sums)
        more = expansion.lend(searcher.index, searcher.ranker, searcher.options, u, first)
        if more is None:
            continue
        lent += 1
        fresh = searcher.ranker.score(u, None, more)
        for again in (searcher.ranker.score(u, None, more, sums), searcher.ranker.score(u, None, more, sums)):
            assert np.array_equal(again.matched, fresh.matched) and again.scores.tobytes() == fresh.scores.tobytes()
            assert again.topic_share.tobytes() == fresh.topic_share.tobytes()
    assert lent >= 10  # most questions have words to lend


def test_a_large_knowledge_base_builds_the_shortcut_with_its_index(monkeypatch):
    """From `SHORTCUT_FROM` lessons the shortcut's bitsets and impact order are built beside the
    facets while the knowledge base is made, not by its first question, and answer as the rest."""
    monkeypatch.setattr(search, "SHORTCUT_FROM", 500)
    lessons = [parse_text(text).lesson for _, text in generator().pages(600, seed=4)]
    kb = KnowledgeBase(lessons)
    searcher = kb._searcher
    assert "reader" in vars(searcher)
    for question in questions(kb, 30, seed=2):
        fast = searcher.ask(question, 5, explain=False, straightforward=False)
        assert page(fast) == page(searcher.ask(question, 5, explain=False, straightforward=True)), question


def test_the_walk_over_a_tier_scores_each_lesson_as_looking_it_up_does(kb):
    """A large tier is scored in one compiled walk that reads each lesson's values from its
    concepts' postings (`topk.dense_best`), a small one by looking its lessons up (`exact_scores`,
    numpy's arithmetic as `Ranker.score`'s): asked for every lesson of a question's match set, the
    two give the same lessons and scores to the last bit, with typos (scaled impacts) and thesaurus
    concepts (corpus-long values) among the questions."""
    searcher = kb._searcher
    reader, compared, dense = searcher.reader, 0, 0
    for question in [*questions(kb, 60, seed=13), "social protection for herders", "occupational safety and health"]:
        u = searcher.understand(question)
        if not reader.covers(u, None, None):
            continue
        sources, sets, _, patterns, matched = reader.match(u)
        if matched is None or not bitsets.count(matched):
            continue
        docs, scores = topk.dense_best(matched, bitsets.count(matched), sources, patterns, sets, searcher.index.impacts)
        order = np.argsort(docs)
        members = bitsets.members(matched)
        assert np.array_equal(docs[order], members), question
        assert scores[order].tobytes() == topk.exact_scores(members, sources, patterns).astype(np.float64).tobytes()
        compared += 1
        dense += any(s.dense for s in sources)
    assert compared >= 30 and dense >= 3


def test_a_large_tier_keeps_the_earliest_lessons_of_equal_scores():
    """The walk over a tier's bits keeps the best lessons; among equal scores at the cut, the
    earliest (the order the page shows ties in)."""
    n = 300
    bits = bitsets.from_docs(np.arange(3, 260, dtype=np.int64), n)
    impacts = np.ones(n, dtype=np.float32)  # one concept that every lesson holds, its postings from 0
    impacts[[100, 200]] = 2.0  # two lessons above the tie
    sets = np.stack([bitsets.full(n)])
    one_sparse = (np.array([0]), np.array([0]), np.array([1.0], np.float32), impacts, np.zeros((0, 0), np.float32))
    docs, scores = np.empty(5, np.int64), np.empty(5)
    kept = passes.best_in_set(bits, sets, *one_sparse, np.array([0.0, 1.0]), docs, scores)
    assert kept == 5 and sorted(docs.tolist()) == [3, 4, 5, 100, 200]
    assert passes.best_in_set(bitsets.from_docs(np.array([7, 9]), n), sets, *one_sparse, np.array([0.0, 1.0]),
                              docs, scores) == 2


@pytest.mark.parametrize("share", [0.9, 0.5, 0.01])
def test_lessons_are_packed_into_bits_in_any_order(share):
    """`passes.bits_of` packs a word's lessons at a time when they come sorted (postings, a match
    set): the bits must be `bitsets.from_docs`' for sorted lessons, shuffled ones and repeats."""
    from knowledge import bitsets, passes

    rng = np.random.default_rng(int(share * 100))
    docs = np.flatnonzero(rng.random(5000) < share).astype(np.int32)
    for order in (docs, rng.permutation(docs), np.concatenate([docs, docs[::3]])):
        bits = bitsets.empty(5000)
        passes.bits_of(order, bits)
        assert np.array_equal(bits, bitsets.from_docs(docs, 5000))
