#!/usr/bin/env python3
"""Where `bench/search.py`'s questions spend their time, by the way the search answers them.

Issue 10's query goals are about the slow tail: this splits the benchmark's questions (the same
300, from `search.make_queries`) into those the shortcut answers (`knowledge/shortcut.py`) and
those left to full scoring, and why: a topic some lessons hold only loosely, a thesaurus phrase,
a named place or label. For each class it prints the count and the p50/p95 of `kb.ask(q, limit=5)`
(summary cache cleared before each run, best of --rounds, as `bench/search.py` times them), then
the mean time per question of the search's stages in each class, taken by wrapping the stages'
methods: an indented stage is part of the one above it, and the shortcut's own ranking is part
of "shortcut (all of it)"; the wrapping adds a little to every figure.

    .venv/bin/python bench/question_paths.py > bench/results/question-paths.md   # bench/corpora/100000
    .venv/bin/python bench/question_paths.py --lessons 10000
"""
from __future__ import annotations

import argparse
import functools
import importlib
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import search  # noqa: E402  (bench/search.py: the corpus and the questions)

#: (owner module, class or None, attribute, label): the stages timed, each a method or function.
STAGES = (
    ("knowledge.search", "Searcher", "understand", "understanding"),
    ("knowledge.shortcut", "Reader", "answer", "shortcut (all of it)"),
    ("knowledge.rank", "Ranker", "score", "full scoring"),
    ("knowledge.rank", "Ranker", "_concept_scores", "  thesaurus alternatives' best scores"),
    ("knowledge.rank", "Ranker", "_loose", "  loose holdings"),
    ("knowledge.rank", "Ranker", "rank", "ranking the leaders"),
    ("knowledge.facets", "Facets", "counts", "facets (full scoring)"),
    ("knowledge.search", "Searcher", "_hits", "summaries and matched words"),
)


def path_of(kb, question: str) -> str:
    """Which way the search answers a question: the shortcut, or full scoring and why."""
    s = kb._searcher
    u = s.understand(question)
    if s.reader.covers(u, None, None):
        loose = any(s.ranker.may_hold_loosely(c) for c in u.concepts if not c.place)
        if not loose and s.reader.answer(u, None, 5, None) is not None:
            from knowledge.search import SHORTCUT_FROM
            return "shortcut" if s.index.n_docs >= SHORTCUT_FROM else "the shortcut's kind (scored in full here)"
        return "full: a topic held loosely" if loose else "full: the shortcut declined"
    if u.preferred or u.intent:
        return "full: a named place, label or intent"
    if any(len(ids) > 1 for c in u.concepts for ids, _ in c.alternatives):
        return "full: a thesaurus phrase"
    return "full: other"


def time_stages(spent: dict[str, float]) -> None:
    """Wrap each of `STAGES` so that each call adds its seconds to `spent[label]`."""
    for module, owner, name, label in STAGES:
        holder = getattr(importlib.import_module(module), owner)
        original = getattr(holder, name)

        @functools.wraps(original)
        def timed(*a, _original=original, _label=label, **k):
            start = time.perf_counter()
            try:
                return _original(*a, **k)
            finally:
                spent[_label] += time.perf_counter() - start
        setattr(holder, name, timed)


def measure(kb, questions: list[str], paths: dict[str, str], rounds: int):
    """(ms of each question by path, the stages' ms summed by path), each question's best run."""
    spent: dict[str, float] = defaultdict(float)
    time_stages(spent)
    times: dict[str, list[float]] = defaultdict(list)
    stages: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for q in questions:
        best, best_spent = float("inf"), {}
        for _ in range(rounds):
            kb.clear_caches()
            spent.clear()
            start = time.perf_counter()
            kb.ask(q, limit=5)
            took = time.perf_counter() - start
            if took < best:
                best, best_spent = took, dict(spent)
        times[paths[q]].append(best * 1000)
        for label, seconds in best_spent.items():
            stages[paths[q]][label] += seconds * 1000
    return times, stages


def report(lessons: int, times: dict[str, list[float]], stages: dict[str, dict[str, float]]) -> None:
    """The Markdown tables: each path's p50/p95, then each stage's mean per question by path."""
    every = sorted(t for ts in times.values() for t in ts)
    print(f"# Where the benchmark's questions spend their time (bench/question_paths.py)\n\n"
          f"`.venv/bin/python bench/question_paths.py --lessons {lessons}`, {time.strftime('%Y-%m-%d')}\n")
    print(f"{lessons:,} lessons, {len(every)} questions: p50 {statistics.median(every):.2f} ms, "
          f"p95 {every[int(0.95 * (len(every) - 1))]:.2f} ms\n")
    print("| path | questions | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    order = sorted(times, key=lambda p: -len(times[p]))
    for path in order:
        ts = sorted(times[path])
        print(f"| {path} | {len(ts)} | {statistics.median(ts):.2f} | {ts[int(0.95 * (len(ts) - 1))]:.2f} |")
    print("\nMean ms per question of each stage, by path:\n")
    print("| stage | " + " | ".join(order) + " |")
    print("|---|" + "---|" * len(order))
    for _, _, _, label in STAGES:
        print(f"| {label} | " + " | ".join(f"{stages[p].get(label, 0.0) / len(times[p]):.2f}" for p in order) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=100_000, help="corpus size (bench/corpora/N; default 100000)")
    parser.add_argument("--queries", type=int, default=300, help="questions (default 300, as bench/search.py)")
    parser.add_argument("--rounds", type=int, default=2, help="runs per question, the best kept (default 2)")
    args = parser.parse_args()
    from knowledge import KnowledgeBase
    folder = HERE / "corpora" / str(args.lessons)
    if not folder.exists():
        parser.error(f"{folder} is missing: `bench/search.py --sizes {args.lessons}` generates it")
    lessons, _ = search.parsed_lessons(folder, args.lessons)
    questions = search.make_queries(lessons, args.queries)
    kb = KnowledgeBase(lessons)
    paths = {q: path_of(kb, q) for q in questions}
    for q in questions:  # warm: numba's kernels, the thesaurus phrases' lessons
        kb.ask(q, limit=5)
    report(args.lessons, *measure(kb, questions, paths, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
