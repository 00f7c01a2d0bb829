#!/usr/bin/env python3
"""Where `bench/search.py`'s questions spend their time, by the way the search answers them.

Issue 10's query goals are about the slow tail: this splits the benchmark's questions (the same
300, from `corpus.make_queries`) into those the shortcut answered (`knowledge/shortcut.py`) and
those left to full scoring, and why: a thesaurus phrase, a named place, label or intent, a topic
some lessons hold only loosely. For each group it prints the count and the p50/p95 of
`kb.ask(q, limit=5)`, timed as bench/search.py times them (`search.best_times`: the summary cache
cleared before each run, the best of --runs, after one untimed run of each question that finds
its group and warms the caches), then the mean time per run of the search's stages
in each group, taken by wrapping the stages' methods: an indented stage is part of the one above
it, and the shortcut's own ranking is part of "shortcut (all of it)"; the wrapping adds a little to
every figure.

    .venv/bin/python bench/question_paths.py > bench/results/question-paths.md   # 100,000 lessons
    .venv/bin/python bench/question_paths.py --lessons 10000
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py: the corpus, its questions, the options)
import search  # noqa: E402  (bench/search.py: the timing)

from knowledge import KnowledgeBase, facets, rank, shortcut  # noqa: E402
from knowledge import search as searcher  # noqa: E402

#: (owner, method, label): the stages timed.
STAGES = (
    (searcher.Searcher, "understand", "understanding"),
    (shortcut.Reader, "answer", "shortcut (all of it)"),
    (rank.Ranker, "sums", "full scoring: every lesson's coverage and sum"),
    (rank.Ranker, "_concept_scores", "  each concept's scores (a thesaurus concept's corpus-long best)"),
    (rank.Ranker, "score", "full scoring: the cut, scores and shares"),
    (rank.Ranker, "_loose", "  loose holdings"),
    (rank.Ranker, "rank", "ranking the leaders"),
    (facets.Facets, "counts", "facets (full scoring)"),
    (searcher.Searcher, "_hits", "summaries and matched words"),
)


def why_in_full(kb: KnowledgeBase, question: str) -> str:
    """Why the full scoring answered a question: what in it the shortcut does not take."""
    s = kb._searcher
    u = s.understand(question)
    if u.preferred or u.intent or u.phrases or u.excluded:
        return "full: a named place, label, intent or quoted phrase"
    if any(len(ids) > 1 for c in u.concepts for ids, _ in c.alternatives):
        return "full: a thesaurus phrase"
    if any(s.ranker.may_hold_loosely(c) for c in u.concepts if not c.place):
        return "full: a topic held loosely"
    if len(kb) < searcher.SHORTCUT_FROM:
        return "full: below SHORTCUT_FROM lessons (the shortcut would take it)"
    return "full: other (too few matches, too many concepts, a refusal...)"


def measure(kb: KnowledgeBase, questions: list[str], runs: int):
    """(ms of each question, by group; the stages' seconds summed over every run, by group; runs per
    question). A question's group: "shortcut" when the shortcut answered it, else `why_in_full`."""
    current: dict[str, object] = {"took": False, "group": ""}
    stages: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def record(label: str, wall: float, _cpu: float) -> None:
        stages[current["group"]][label] += wall
    search.wrap_timed(STAGES, record)
    answer = shortcut.Reader.answer

    def noting(self, *args, **kwargs):  # the run itself tells whether the shortcut answered
        found = answer(self, *args, **kwargs)
        current["took"] = current["took"] or found is not None
        return found
    shortcut.Reader.answer = noting
    groups = {}
    for q in questions:  # untimed: which group each question is in (the stages of this run are dropped)
        current.update(took=False, group="untimed")
        kb.ask(q, limit=5)
        groups[q] = "shortcut" if current["took"] else why_in_full(kb, q)

    def ask(q: str) -> None:
        current["group"] = groups[q]
        kb.ask(q, limit=5)
    times = search.best_times(ask, questions, runs, kb.clear_caches)
    by_group: dict[str, list[float]] = defaultdict(list)
    for q, ms in zip(questions, times, strict=True):
        by_group[groups[q]].append(ms)
    stages.pop("untimed", None)
    return by_group, stages


def report(lessons: int, runs: int, times: dict[str, list[float]], stages: dict[str, dict[str, float]]) -> None:
    """The Markdown tables: each group's p50/p95, then each stage's mean per run by group."""
    p50, p95 = search.p50_p95([t for ts in times.values() for t in ts])
    print(f"# Where the benchmark's questions spend their time (bench/question_paths.py)\n\n"
          f"`.venv/bin/python bench/question_paths.py --lessons {lessons}`, {time.strftime('%Y-%m-%d')}, "
          f"commit {corpus.commit()}\n\n{lessons:,} lessons, {sum(map(len, times.values()))} questions: "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms\n")
    if lessons < searcher.SHORTCUT_FROM:
        print(f"Below {searcher.SHORTCUT_FROM:,} lessons the search never takes the shortcut: every question is "
              "scored in full, grouped by what would keep it from the shortcut.\n")
    order = sorted(times, key=lambda g: -len(times[g]))
    print("| group | questions | p50 ms | p95 ms |\n|---|---|---|---|")
    for group in order:
        print(f"| {group} | {len(times[group])} | " + " | ".join(f"{v:.2f}" for v in search.p50_p95(times[group]))
              + " |")
    print("\nMean ms per run of each stage, by group:\n")
    print("| stage | " + " | ".join(order) + " |\n|---|" + "---|" * len(order))
    for _, _, label in STAGES:
        cells = (f"{1000 * stages[g].get(label, 0.0) / (runs * len(times[g])):.2f}" for g in order)
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> int:
    args = corpus.corpus_options(argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                                         epilog=__doc__.split("\n\n", 1)[1],
                                                         formatter_class=argparse.RawDescriptionHelpFormatter),
                                 ("runs", 2, "runs per question, the best kept"))
    lessons, questions = corpus.corpus_questions(args.lessons, args.queries)
    kb = KnowledgeBase(lessons)
    report(args.lessons, args.runs, *measure(kb, questions, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
