#!/usr/bin/env python3
"""Search quality side by side: this project, bm25s with stemming, and a naive rapidfuzz scan.

On the judged queries (bench/queries.yaml) over the bundled sample lessons: nDCG@5, recall@5,
MRR and P@1 for each engine; then typo robustness: the same queries with one seeded typo in every
word of 5+ letters, recall@5 clean against typo (the target: within 0.05).

    .venv/bin/pip install -e '.[bench]'      # bm25s (skipped with a note when missing)
    .venv/bin/python bench/quality.py [--lessons DIR] [--queries FILE] [--seed 3]
"""
from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

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
    corpus = [" ".join((lesson.title, " ".join(lesson.theme_names), lesson.country, lesson.region,
                        *lesson.prose().values())) for lesson in lessons]
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
    texts = [" ".join((lesson.title, " ".join(lesson.theme_names), lesson.country, lesson.region,
                       *lesson.prose().values())) for lesson in lessons]

    def search(q: str) -> list[str]:
        found = process.extract(q, texts, scorer=fuzz.token_set_ratio, processor=utils.default_process,
                                score_cutoff=60, limit=10)
        return [lessons[i].id for _, _, i in found]
    return search


def evaluate(search: Callable[[str], list[str]], cases: list[dict]) -> dict[str, float]:
    totals: dict[str, float] = {}
    judged = [c for c in cases if c["relevant"]]
    for case in judged:
        for name, value in score(search(case["query"]), case["relevant"]).items():
            totals[name] = totals.get(name, 0.0) + value
    return {name: value / len(judged) for name, value in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=Path, action="append", help="default: the bundled sample lessons")
    parser.add_argument("--queries", type=Path, default=HERE / "queries.yaml")
    parser.add_argument("--seed", type=int, default=3, help="seed of the typo generator")
    args = parser.parse_args()
    paths = args.lessons or [BUNDLED_LESSONS]
    cases = [{"query": str(c["query"]), "relevant": {str(k): int(v) for k, v in (c.get("relevant") or {}).items()}}
             for c in yaml.safe_load(args.queries.read_text(encoding="utf-8"))]
    rng = random.Random(args.seed)
    typo_cases = [{**c, "query": inject_typos(c["query"], rng)} for c in cases]
    engines = {"lessons (this project)": project(paths), "bm25s + Snowball stemmer": bm25s_engine(paths),
               "rapidfuzz scan (token_set_ratio)": rapidfuzz_scan(paths)}
    measures = ("nDCG@5", "recall@5", "MRR", "P@1")
    print(f"{len(cases)} judged queries over {len(load_lessons(paths)[0])} lessons\n")
    print(f"| engine | {' | '.join(measures)} | recall@5 with typos | drop |")
    print("|---|" + "---|" * (len(measures) + 2))
    for name, search in engines.items():
        if search is None:
            continue
        clean, typo = evaluate(search, cases), evaluate(search, typo_cases)
        drop = clean["recall@5"] - typo["recall@5"]
        print(f"| {name} | {' | '.join(f'{clean[m]:.3f}' for m in measures)} | {typo['recall@5']:.3f} | {drop:+.3f} |")
    print(f"\nTypo queries (seed {args.seed}):")
    for case in typo_cases[:6]:
        print(f"  {case['query']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
