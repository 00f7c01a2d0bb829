#!/usr/bin/env python3
"""Where the index build's time and memory go: wall and CPU seconds per step, and the peak.

Times `InvertedIndex` over a generated corpus, each build step wrapped in a timer; the peak is the
process's VmHWM (reset just before the build, Linux) above the parsed records. Reads the parsed
records that bench/search.py keeps beside the corpus when it has run at that size (else parses).

    .venv/bin/python bench/build_steps.py 100000
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (the parsed-records cache and the memory probes)
import search  # noqa: E402  (the step timer)

from knowledge import index, kernels, lexicon  # noqa: E402
from knowledge.options import SearchOptions  # noqa: E402

STEPS = [
    (index, "_raw_bytes", "fields → UTF-8 bytes and prose digests"),
    (index, "field_texts", "  of which: the fields' texts"),
    (kernels, "intern_tokens", "raw tokens interned (compiled)"),
    (lexicon.Lexicon, "_learn", "new raw tokens → words → stems"),
    (kernels, "expand_tokens", "raw tokens → kept terms (compiled)"),
    (index.InvertedIndex, "_stems", "spellings and the spelling index"),
    (index.InvertedIndex, "_stream", "token stream"),
    (kernels, "document_frequencies", "document frequencies (compiled)"),
    (kernels, "fill_postings", "postings and impacts (compiled)"),
]


def timed_steps() -> dict[str, list[float]]:
    """Wrap each step so its wall and CPU seconds add up in the returned dict."""
    spent: dict[str, list[float]] = {label: [0.0, 0.0] for _, _, label in STEPS}

    def record(label: str, wall: float, cpu: float) -> None:
        spent[label][0] += wall
        spent[label][1] += cpu
    search.wrap_timed(STEPS, record)
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="corpus size (bench/corpora/N, generated when missing)")
    args = parser.parse_args()
    if args.n < 1:
        parser.error(f"n: a number of lessons, 1 or more (got {args.n})")
    lessons = corpus.corpus_lessons(args.n)
    options = SearchOptions()
    # numba's compiled code read from its cache (fewer lessons would be indexed word by word)
    index.InvertedIndex.of(lessons[:index.WORDWISE_BELOW], options)
    spent = timed_steps()
    gc.collect()
    records = corpus.rss_mb()
    corpus.reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    built = index.InvertedIndex.of(lessons, options)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = corpus.peak_mb() - records
    gc.collect()
    print(f"{len(lessons):,} lessons: {len(built.stream):,} kept tokens, {len(built.docs):,} postings, "
          f"{len(built.stem_ids):,} terms")
    print("| step | wall s | CPU s |\n|---|---|---|")
    for label, (step_wall, step_cpu) in spent.items():
        print(f"| {label} | {step_wall:.2f} | {step_cpu:.2f} |")
    print(f"| **total** | {wall:.2f} | {cpu:.2f} |")
    print(f"peak +{peak:.0f} MB above the records; the index keeps +{corpus.rss_mb() - records:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
