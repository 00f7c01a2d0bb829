#!/usr/bin/env python3
"""Speed and memory of the search at 10k, 100k (and, when asked, 1M) synthetic lessons.

For each size: load time (parse the files), index build time, memory the index adds above the
records, and p50/p95 latency of `kb.ask(query, limit=5)` (hits with their summaries) over a few
hundred 2-6 word queries, a fifth with one typo. bm25s and tantivy are measured in the same run
as references when installed (`.venv/bin/pip install -e '.[bench]'`), and skipped otherwise.
Each engine runs in its own process so memory figures do not mix.

    .venv/bin/python bench/search.py                    # 10k and 100k → bench/results/search.md
    .venv/bin/python bench/search.py --sizes 1000000 --queries 100
    .venv/bin/python bench/search.py --sizes 10000 --engines lessons lessons@502f0fa   # against a revision

The first engine at a size parses the files (`load s`, with the parse's own time and memory in the
row) and keeps the parsed records in a pickle beside the corpus, so the other engines read them in
seconds instead of parsing again (parsing 1M files takes tens of minutes here).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import importlib
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
if "--knowledge" in sys.argv:  # lessons@REV: that revision's package, before anything imports this one
    sys.path.insert(0, sys.argv[sys.argv.index("--knowledge") + 1])

import generate  # noqa: E402
from corpus import commit, make_queries, parsed_lessons, peak_mb, reset_peak, rss_mb  # noqa: E402


def timed(fn, queries, rounds: int = 2, fresh=None) -> tuple[float, float]:
    """(p50, p95) in ms of `best_times`."""
    return p50_p95(best_times(fn, queries, rounds, fresh))


def best_times(fn, queries, rounds: int = 2, fresh=None) -> list[float]:
    """Each query's time in ms, the best of `rounds` runs, `fresh()` (untimed) before each so no
    run profits from caches an earlier run filled."""
    times = []
    for q in queries:
        best = float("inf")
        for _ in range(rounds):
            if fresh is not None:
                fresh()
            t0 = time.perf_counter()
            fn(q)
            best = min(best, time.perf_counter() - t0)
        times.append(best * 1000)
    return times


def p50_p95(times: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile by nearest rank (never below the median, however few the
    times; as `bot/report.py` reads latencies)."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def wrap_timed(targets, record) -> None:
    """Wrap each (owner, attribute, label) of `targets` (an object's method or a module's function)
    so that every call reports `record(label, wall seconds, CPU seconds)`."""
    for owner, name, label in targets:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, _original=original, _label=label, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                record(_label, time.perf_counter() - wall, time.process_time() - cpu)
        setattr(owner, name, wrapper)


#: What an engine gives the timer: search(q), rank_only(q) or None, and fresh() or None (run untimed
#: before each timed run, so none profits from caches an earlier run filled).
Engine = tuple[Callable[[str], object], Callable[[str], object] | None, Callable[[], None] | None]


def lessons_engine(lessons: list) -> Engine:
    """This project: hits with their summaries, and ranking alone (`explain=False`)."""
    from knowledge import KnowledgeBase
    kb = KnowledgeBase(lessons)
    # The summaries' sentence cache must not make the second run of a query look faster.
    return (lambda q: kb.ask(q, limit=5)), (lambda q: kb.ask(q, limit=5, explain=False)), kb.clear_caches


def bm25s_engine(lessons: list) -> Engine:
    """bm25s with Snowball stemming and English stop words, top 5."""
    import bm25s
    import Stemmer
    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{lesson.title} {generate.flat_text(lesson)}" for lesson in lessons]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    del corpus

    def search(q: str):
        tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        return retriever.retrieve(tokens, k=5, show_progress=False)
    return search, None, None


def tantivy_engine(lessons: list) -> Engine:
    """tantivy with its English stemmer, title and body fields, top 5."""
    import re

    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    builder.add_integer_field("doc", stored=True)
    index = tantivy.Index(builder.build())
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    for i, lesson in enumerate(lessons):
        writer.add_document(tantivy.Document(title=lesson.title, doc=i, body=generate.flat_text(lesson)))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    clean = re.compile(r"[^\w\s]")
    return (lambda q: searcher.search(index.parse_query(clean.sub(" ", q), ["title", "body"]), 5)), None, None


#: Each engine's libraries, imported before its build is measured: the build's time and memory are
#: the index's, not the imports' (this project's compiled kernels bring numba: about 0.3 s, 60 MB).
LIBRARIES = {"lessons": ("knowledge.kernels",), "bm25s": ("bm25s", "Stemmer"), "tantivy": ("tantivy",)}
ENGINES: dict[str, Callable[[list], Engine]] = {
    "lessons": lessons_engine, "bm25s": bm25s_engine, "tantivy": tantivy_engine}


def run_one(engine: str, n: int, n_queries: int) -> dict:
    """Measure one engine at one size (runs inside its own process)."""
    folder = HERE / "corpora" / str(n)
    gen_s = None
    if not (folder / f".complete-{n}-7").exists():
        t0 = time.perf_counter()
        generate.write(n, folder)
        gen_s = time.perf_counter() - t0
    lessons, loading = parsed_lessons(folder, n)
    for name in LIBRARIES[engine.partition("@")[0]]:
        with contextlib.suppress(ImportError):  # a past revision may not have the module
            importlib.import_module(name)
    gc.collect()
    after_load = rss_mb()
    queries = make_queries(lessons, n_queries)
    result = {"engine": engine, "n": len(lessons), "load_s": loading["parse_s"], **loading,
              "measured": f"{time.strftime('%Y-%m-%d')}, {engine.partition('@')[2] or commit()}"}
    reset_peak()
    t0 = time.perf_counter()
    search, rank_only, fresh = ENGINES[engine.partition("@")[0]](lessons)
    build_s = time.perf_counter() - t0
    gc.collect()
    result["build_s"] = round(build_s, 2)
    result["index_mb"] = round(rss_mb() - after_load)
    result["peak_mb"] = round(peak_mb())
    result["build_peak_mb"] = round(peak_mb() - after_load)
    for q in queries[:20]:
        search(q)  # warm caches
    p50, p95 = timed(search, queries, fresh=fresh)
    if rank_only is not None:
        r50, r95 = timed(rank_only, queries, fresh=fresh)
        result.update(rank_p50_ms=round(r50, 2), rank_p95_ms=round(r95, 2))
    typo_q = queries[4::5]
    t50, t95 = timed(search, typo_q, fresh=fresh)
    result.update(p50_ms=round(p50, 2), p95_ms=round(p95, 2), typo_p50_ms=round(t50, 2), typo_p95_ms=round(t95, 2),
                  queries=len(queries))
    if gen_s is not None:
        result["generated_s"] = round(gen_s, 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="corpus sizes, generated into bench/corpora/N when missing (default: 10000 100000)")
    parser.add_argument("--engines", nargs="+", default=["lessons", "bm25s", "tantivy"],
                        help="lessons, bm25s, tantivy, or lessons@REV: this project's search as of a git "
                             "revision, checked out in a temporary worktree (default: the first three)")
    parser.add_argument("--queries", type=int, default=300, help="questions timed per size (default: 300)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "search.json",
                        help="JSON results, merged by engine and size; the Markdown table goes beside it")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--knowledge", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.queries)))
        return 0
    unknown = [e for e in args.engines if e.partition("@")[0] not in ENGINES]
    if unknown:
        parser.error(f"unknown engine {', '.join(unknown)}; choose from {', '.join(ENGINES)} or lessons@REV")
    for rev in {e.partition("@")[2] for e in args.engines} - {""}:
        if subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          capture_output=True).returncode:
            parser.error(f"lessons@{rev}: no such git revision in {HERE.parent} (a commit, tag or branch)")
    rows = json.loads(args.out.read_text()) if args.out.exists() else []
    for n in args.sizes:
        for engine in args.engines:
            row = measure(engine, n, args.queries)
            if row is None:
                continue
            print(json.dumps(row), flush=True)
            rows = [r for r in rows if not (r["engine"] == engine and r["n"] == row["n"])] + [row]
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(rows, indent=1) + "\n")
    write_markdown(rows, args.out.with_suffix(".md"))
    for line in ratio_lines(rows):
        print(line)
    return 0


def measure(engine: str, n: int, queries: int) -> dict | None:
    """One engine at one size, in a process of its own; None (said on stderr) when it cannot run."""
    if engine in ("bm25s", "tantivy"):
        try:
            __import__(engine)
        except ImportError:
            print(f"{engine}: not installed, skipped (pip install -e '.[bench]')", file=sys.stderr)
            return None
    with checkout(engine.partition("@")[2]) as knowledge:
        command = [sys.executable, __file__, "--one", engine, str(n), "--queries", str(queries)]
        done = subprocess.run(command + (["--knowledge", str(knowledge)] if knowledge else []),
                              capture_output=True, text=True)
    if done.returncode:
        print(f"{engine} at {n}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def checkout(rev: str) -> Iterator[Path | None]:
    """A temporary git worktree of `rev` (None for no revision: the code beside this file)."""
    if not rev:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="lessons-bench-"))
    git = ["git", "-C", str(HERE.parent), "worktree"]
    subprocess.run([*git, "add", "--quiet", "--detach", str(folder), rev], check=True)
    try:
        yield folder
    finally:
        subprocess.run([*git, "remove", "--force", str(folder)], check=False)


RATIOS = (("p50", "p50_ms"), ("p95", "p95_ms"), ("build", "build_s"), ("index MB", "index_mb"),
          ("build peak MB", "build_peak_mb"))


def ratio_lines(rows: list[dict]) -> list[str]:
    """This project's figures divided by each reference's, per size (2.0: twice the reference's)."""
    lines = ["| lessons | against | " + " | ".join(label for label, _ in RATIOS) + " |",
             "|---|---|" + "---|" * len(RATIOS)]
    by = {(r["engine"], r["n"]): r for r in rows}
    for n in sorted({r["n"] for r in rows}):
        ours = by.get(("lessons", n))
        for ref in ("tantivy", "bm25s"):
            theirs = by.get((ref, n))
            if ours is None or theirs is None:
                continue
            cells = [f"{ours[k] / theirs[k]:.2f}" if theirs.get(k) and k in ours else "–" for _, k in RATIOS]
            lines.append(f"| {n:,} | {ref} | " + " | ".join(cells) + " |")
    return lines


def write_markdown(rows: list[dict], path: Path) -> None:
    """The results as a Markdown table, smallest corpus first."""
    lines = ["# Search speed (bench/search.py)", "",
             "kb.ask(query, limit=5) for this project (hits with summaries); retrieve top 5 for bm25s and tantivy.",
             "Latency: p50/p95 over the queries, each the best of 2 runs; typo: the fifth of queries with one typo.",
             "This project's summary cache (cut sentences) is cleared before every run: each run is a first sight.",
             "Memory: resident MB the index adds above the parsed records; build peak: the highest resident MB",
             "above the records while building (VmHWM reset before the build); peak: the process's VmHWM.",
             "load s: parsing the files (once per size; the other engines read the parsed records back).",
             "Each engine's libraries are imported before its build is measured.", "",
             "rank only: the same without building the hits' summaries. measured: the run's date and commit",
             "(a row is kept until a later run measures that engine at that size; – : before this was noted).", "",
             "| engine | lessons | load s | build s | index MB | build peak MB | peak MB | p50 ms | p95 ms "
             "| typo p50/p95 ms | rank only p50/p95 ms | measured |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["n"], r["engine"])):
        lines.append(f"| {r['engine']} | {r['n']:,} | {r['load_s']} | {r['build_s']} | +{r['index_mb']} "
                     f"| +{r.get('build_peak_mb', '–')} | {r['peak_mb']} "
                     f"| {r['p50_ms']} | {r['p95_ms']} | {r['typo_p50_ms']}/{r['typo_p95_ms']} "
                     f"| {r.get('rank_p50_ms', '–')}/{r.get('rank_p95_ms', '–')} | {r.get('measured', '–')} |")
    lines += ["", "Ratios, this project ÷ the reference in the same run (below 1: this project is faster or smaller):",
              "", *ratio_lines(rows)]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
