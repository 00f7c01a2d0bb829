#!/usr/bin/env python3
"""This project's search against tantivy, question by question in one process: the ratios.

`bench/search.py` times each engine in its own process, one after the other, so a shared machine
that slows down between them moves the ratio (at 100,000 lessons, one run's p50 ratio to tantivy
ranged 1.2-2.0 over an hour). Here both engines are built in one process and each question is
timed on both, alternately (which goes first changes every round), so a slow minute slows both. Each
time is the best of `--runs`, this project's summary cache cleared before every run as in
bench/search.py, over the same 300 questions; the ratio of the p50s and of the p95s is printed for
each of `--rounds` rounds, then their median.

    .venv/bin/python bench/versus.py > bench/results/versus.md    # 100,000 lessons, Markdown
    .venv/bin/python bench/versus.py --lessons 10000 --rounds 5

Needs tantivy (`.venv/bin/pip install -e '.[bench]'`). Memory figures and build times are
bench/search.py's: with both engines in one process they would mix.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py: the corpus, its questions, the options)
import search  # noqa: E402  (bench/search.py: the engines, the timing)


def interleaved(engines: dict, questions: list[str], runs: int, first: int) -> dict[str, list[float]]:
    """Each engine's time in ms for each question, the best of `runs`, the engines taking turns
    (engine `first` first, then the next...) and any cache `fresh()` clears emptied before each run."""
    names = list(engines)
    order = names[first % len(names):] + names[:first % len(names)]
    times: dict[str, list[float]] = {name: [] for name in names}
    for q in questions:
        best = dict.fromkeys(names, float("inf"))
        for _ in range(runs):
            for name in order:
                search_fn, fresh = engines[name]
                if fresh is not None:
                    fresh()
                t0 = time.perf_counter()
                search_fn(q)
                best[name] = min(best[name], time.perf_counter() - t0)
        for name in names:
            times[name].append(best[name] * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    args = corpus.corpus_options(parser, ("runs", 2, "runs per question and engine, the best kept"),
                                 ("rounds", 3, "rounds over all the questions"))
    if importlib.util.find_spec("tantivy") is None:  # before minutes of loading and building
        parser.error("needs tantivy: .venv/bin/pip install -e '.[bench]'")
    lessons, questions = corpus.corpus_questions(args.lessons, args.queries)
    ours, _, fresh = search.lessons_engine(lessons)
    theirs, _, _ = search.tantivy_engine(lessons)
    engines = {"lessons": (ours, fresh), "tantivy": (theirs, None)}
    for q in questions[:20]:  # warm both
        ours(q), theirs(q)
    print(f"# This project against tantivy, question by question (bench/versus.py)\n\n"
          f"`.venv/bin/python bench/versus.py --lessons {args.lessons} --rounds {args.rounds}`, "
          f"{time.strftime('%Y-%m-%d')}, commit {corpus.commit()}: {args.lessons:,} lessons, "
          f"{len(questions)} questions, each the best of {args.runs} runs per engine\n")
    print("| round | lessons p50 / p95 ms | tantivy p50 / p95 ms | p50 ratio | p95 ratio |")
    print("|---|---|---|---|---|")
    ratios = []
    for round_ in range(args.rounds):
        times = interleaved(engines, questions, args.runs, round_)
        (a50, a95), (b50, b95) = search.p50_p95(times["lessons"]), search.p50_p95(times["tantivy"])
        ratios.append((a50 / b50, a95 / b95))
        print(f"| {round_ + 1} | {a50:.2f} / {a95:.2f} | {b50:.2f} / {b95:.2f} | {a50 / b50:.2f} | {a95 / b95:.2f} |",
              flush=True)
    print(f"\nMedian over the rounds: p50 {statistics.median(r[0] for r in ratios):.2f}×, "
          f"p95 {statistics.median(r[1] for r in ratios):.2f}× tantivy's.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
