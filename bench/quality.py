#!/usr/bin/env python3
"""Search quality side by side: this project and bm25s with stemming (the baseline a user would pick).

For each judged question set (repeat --queries) over the lessons: nDCG@5, P@1, recall@5, MRR, the
recall@5 of the same questions with one seeded typo in every word of 5+ letters, and how many of
the questions nothing answers were answered "nothing found". With --mix N, all of it again with the
lessons mixed among N generated lessons (bench/generate.py: the field's words in incoherent
sentences), and each engine's drop.

    .venv/bin/pip install -e '.[bench]'      # bm25s (skipped with a note when missing)
    .venv/bin/python bench/quality.py --queries A.yaml --queries B.yaml --mix 10000
"""
from __future__ import annotations

import argparse
import math
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from generate import flat_text  # noqa: E402  (beside this file)

from knowledge import BUNDLED_LESSONS, KnowledgeBase, load_lessons  # noqa: E402


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def score(ranked: list[str], relevant: dict[str, int], k: int = 5) -> dict[str, float]:
    """The same measures, computed the same way, as the project's evaluation tool."""
    gains = [relevant.get(doc, 0) for doc in ranked[:k]]
    ideal = sorted(relevant.values(), reverse=True)[:k]
    return {
        "nDCG@5": dcg(gains) / dcg(ideal) if ideal else 0.0,
        "recall@5": len({d for d in ranked[:k] if relevant.get(d, 0) > 0}) / min(len(relevant), k),
        "MRR": next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if relevant.get(d, 0) > 0), 0.0),
        "P@1": 1.0 if ranked and relevant.get(ranked[0], 0) > 0 else 0.0,
    }


def inject_typos(query: str, rng: random.Random) -> str:
    """One edit (drop, swap, replace or insert a letter, never the first) in each word of 5+ letters."""
    def one(match: re.Match) -> str:
        word = match.group()
        if len(word) < 5:
            return word
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("drop", "swap", "replace", "insert"))
        if kind == "drop":
            return word[:i] + word[i + 1:]
        if kind == "swap":
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if kind == "insert":
            return word[:i] + rng.choice("aeiou") + word[i:]
        return word[:i] + rng.choice([c for c in "aeioulnrst" if c != word[i].lower()]) + word[i + 1:]
    return re.sub(r"[^\W\d_]+", one, query)


def project(paths: list[Path]) -> Callable[[str], list[str]]:
    kb = KnowledgeBase.from_paths(paths)
    return lambda q: [h.lesson.id for h in kb.search(q, limit=10)]


def bm25s_engine(paths: list[Path]) -> Callable[[str], list[str]] | None:
    try:
        import bm25s
        import Stemmer
    except ImportError:
        print("bm25s not installed: pip install -e '.[bench]'", file=sys.stderr)
        return None
    lessons, _ = load_lessons(paths)
    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{lesson.title} {flat_text(lesson)}" for lesson in lessons]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)

    def search(q: str) -> list[str]:
        docs, scores = retriever.retrieve(bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False),
                                          k=min(10, len(lessons)), show_progress=False)
        return [lessons[int(d)].id for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
    return search


def rapidfuzz_scan(paths: list[Path]) -> Callable[[str], list[str]]:
    """What a quick bot does: token_set_ratio of the query against every whole lesson, cutoff 60."""
    from rapidfuzz import fuzz, process, utils
    lessons, _ = load_lessons(paths)
    texts = [f"{lesson.title} {flat_text(lesson)}" for lesson in lessons]

    def search(q: str) -> list[str]:
        found = process.extract(q, texts, scorer=fuzz.token_set_ratio, processor=utils.default_process,
                                score_cutoff=60, limit=10)
        return [lessons[i].id for _, _, i in found]
    return search


def evaluate(search: Callable[[str], list[str]], cases: list[dict], typo_cases: list[dict]) -> dict[str, float]:
    """The measures over the judged cases, recall@5 of their typo versions, and how many of the
    cases that nothing answers were answered with nothing."""
    judged = [i for i, c in enumerate(cases) if c["relevant"]]
    totals: dict[str, float] = {}
    for i in judged:
        for name, value in score(search(cases[i]["query"]), cases[i]["relevant"]).items():
            totals[name] = totals.get(name, 0.0) + value
    result = {name: value / len(judged) for name, value in totals.items()}
    result["typo recall@5"] = sum(score(search(typo_cases[i]["query"]), cases[i]["relevant"])["recall@5"]
                                  for i in judged) / len(judged)
    result["nothing found"] = sum(1 for c in cases if not c["relevant"] and not search(c["query"]))
    result["nonsense"] = len(cases) - len(judged)
    return result


def read_cases(path: Path, seed: int) -> tuple[list[dict], list[dict]]:
    """The judged queries of one file, and the same queries with seeded typos."""
    cases = [{"query": str(c["query"]), "relevant": {str(k): int(v) for k, v in (c.get("relevant") or {}).items()}}
             for c in yaml.safe_load(path.read_text(encoding="utf-8"))]
    rng = random.Random(seed)
    return cases, [{**c, "query": inject_typos(c["query"], rng)} for c in cases]


def generated(n: int, seed: int = 7) -> Path:
    """A folder of `n` generated lessons (bench/generate.py), made once and kept in bench/corpora."""
    folder = HERE / "corpora" / f"{n}-seed{seed}"
    if not folder.is_dir() or not any(folder.rglob("*.txt")):
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), "--seed", str(seed), "--out", str(folder)],
                       check=True, stdout=subprocess.DEVNULL)
    return folder


MEASURES = ("nDCG@5", "P@1", "recall@5", "MRR", "typo recall@5")


def table(rows: list[tuple[str, str, str, dict[str, float]]]) -> list[str]:
    """The Markdown table of (corpus, question set, engine, measures) rows."""
    lines = [f"| lessons | questions | engine | {' | '.join(MEASURES)} | nothing found |",
             "|---|---|---|" + "---|" * (len(MEASURES) + 1)]
    for corpus, name, engine, m in rows:
        found = f"{int(m['nothing found'])}/{int(m['nonsense'])}" if m["nonsense"] else "–"
        lines.append(f"| {corpus} | {name} | {engine} | {' | '.join(f'{m[k]:.3f}' for k in MEASURES)} | {found} |")
    return lines


def drops(rows: list[tuple[str, str, str, dict[str, float]]], corpora: list[str]) -> list[str]:
    """How much each engine's nDCG@5 drops from the first corpus to each other one."""
    by = {(c, q, e): m["nDCG@5"] for c, q, e, m in rows}
    lines = []
    for corpus in corpora[1:]:
        for (c, q, e), value in by.items():
            if c == corpora[0] and (corpus, q, e) in by:
                lines.append(f"- {q}, {e}: {value:.3f} → {by[(corpus, q, e)]:.3f} "
                             f"(drop {value - by[(corpus, q, e)]:.3f}) with {corpus}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=Path, action="append", help="default: the bundled sample lessons")
    parser.add_argument("--queries", type=Path, action="append",
                        help="judged queries (YAML); repeat for several sets (default: bench/queries.yaml; "
                             "bench/blind-1.yaml, -2 and -3 were written blind, from the lessons alone)")
    parser.add_argument("--mix", type=int, default=0, metavar="N",
                        help="measure again with the lessons mixed among N generated lessons (bench/generate.py)")
    parser.add_argument("--seed", type=int, default=3, help="seed of the typo generator")
    parser.add_argument("--rapidfuzz", action="store_true", help="also measure a naive rapidfuzz scan")
    args = parser.parse_args()
    paths = args.lessons or [BUNDLED_LESSONS]
    sets = {path.stem: read_cases(path, args.seed) for path in args.queries or [HERE / "queries.yaml"]}
    corpora = {f"{len(load_lessons(paths)[0])}": paths}
    if args.mix:
        corpora[f"{len(load_lessons(paths)[0])} + {args.mix:,} generated"] = [*paths, generated(args.mix)]
    rows = []
    for corpus, folders in corpora.items():
        engines = {"lessons": project(folders), "bm25s": bm25s_engine(folders)}
        if args.rapidfuzz:
            engines["rapidfuzz"] = rapidfuzz_scan(folders)
        for name, (cases, typo_cases) in sets.items():
            for engine, search in engines.items():
                if search is not None:
                    rows.append((corpus, name, engine, evaluate(search, cases, typo_cases)))
    print("\n".join(table(rows)))
    if args.mix:
        print("\nnDCG@5 drop when the lessons are mixed among generated ones:")
        print("\n".join(drops(rows, list(corpora))))
    print(f"\nTypo queries: one seeded edit (seed {args.seed}) in every word of 5+ letters, e.g.")
    for case in next(iter(sets.values()))[1][:4]:
        print(f"  {case['query']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
