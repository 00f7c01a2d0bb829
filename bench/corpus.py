"""The benchmark's corpus and questions: generated lessons parsed once and kept in a pickle, the
questions drawn from them (a fifth with a typo), the options of a script that times them, and the
memory probes the measurements read. Shared by bench/search.py and the scripts beside it.
"""
from __future__ import annotations

import argparse
import copyreg
import gc
import json
import pickle
import random
import subprocess
import time
import types
from pathlib import Path

import generate

HERE = Path(__file__).parent


def rss_mb() -> float:
    """Resident memory of this process, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def peak_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


# A lesson's `extra` is a read-only mapping, which pickle cannot name: rebuilt through generate.py.
copyreg.pickle(types.MappingProxyType, lambda m: (generate.mapping_proxy, (dict(m),)))


def parsed_lessons(folder: Path, n: int) -> tuple[list, dict]:
    """The corpus's lessons, parsed once and then read back from a pickle; with how long the
    parse took and how much memory it left (`parse_s`, `parse_peak_mb`, `records_mb`)."""
    from knowledge import load_lessons
    cache, facts = folder.with_name(f"{n}.parsed.pickle"), folder.with_name(f"{n}.parsed.json")
    if cache.exists() and facts.exists():
        t0 = time.perf_counter()
        with open(cache, "rb") as f:
            lessons = pickle.load(f)
        return lessons, {**json.loads(facts.read_text()), "unpickle_s": round(time.perf_counter() - t0, 1)}
    gc.collect()
    base = rss_mb()
    t0 = time.perf_counter()
    lessons, _ = load_lessons([folder])
    parse_s = time.perf_counter() - t0
    gc.collect()
    found = {"parse_s": round(parse_s, 1), "parse_peak_mb": round(peak_mb()), "records_mb": round(rss_mb() - base)}
    with open(cache, "wb") as f:
        pickle.dump(lessons, f, protocol=pickle.HIGHEST_PROTOCOL)
    facts.write_text(json.dumps(found))
    return lessons, found


def reset_peak() -> None:
    """Start VmHWM afresh (Linux), so the next peak is the build's own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def make_queries(lessons, count: int, seed: int = 11) -> list[str]:
    """2-6 words drawn from random lessons' own titles and prose; every fifth has one typo."""
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        _, chosen = generate.question_words(lessons, rng, 2, 6)
        if len(queries) % 5 == 4:
            long = [i for i, w in enumerate(chosen) if len(w) >= 5]
            if long:
                i = rng.choice(long)
                chosen[i] = typo(chosen[i], rng)
        queries.append(" ".join(chosen))
    return queries


def typo(word: str, rng: random.Random) -> str:
    """One edit: drop, swap, replace or insert a letter (not the first)."""
    i = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "swap", "replace", "insert"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "insert":
        return word[:i] + rng.choice("aeiourstn") + word[i:]
    return word[:i] + rng.choice([c for c in "aeiourstnl" if c != word[i]]) + word[i + 1:]


def corpus_options(parser: argparse.ArgumentParser, *counts: tuple[str, int, str]) -> argparse.Namespace:
    """Parse the options of a script that times the benchmark's questions on one corpus: --lessons,
    --queries and the script's own `counts` (name, default, help), each refused below 1."""
    parser.add_argument("--lessons", type=int, default=100_000,
                        help="corpus size (bench/corpora/N, generated when missing; default 100000)")
    parser.add_argument("--queries", type=int, default=300, help="questions (default 300, as bench/search.py)")
    for name, default, text in counts:
        parser.add_argument(f"--{name}", type=int, default=default, help=f"{text} (default {default})")
    args = parser.parse_args()
    for name in ("lessons", "queries", *(name for name, _, _ in counts)):
        if getattr(args, name) < 1:
            parser.error(f"--{name}: 1 or more (got {getattr(args, name)})")
    return args


def corpus_lessons(n: int) -> list:
    """The parsed lessons of the generated corpus of `n` (bench/corpora/N, written when missing)."""
    folder = HERE / "corpora" / str(n)
    generate.write(n, folder)
    return parsed_lessons(folder, n)[0]


def corpus_questions(n: int, count: int) -> tuple[list, list[str]]:
    """`corpus_lessons(n)` and `count` of the benchmark's questions over them (`make_queries`)."""
    lessons = corpus_lessons(n)
    return lessons, make_queries(lessons, count)


def commit() -> str:
    """This checkout's short commit, for the results' heading."""
    return subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or "unknown"
