#!/usr/bin/env python3
"""The costliest questions one can construct within the question budget, timed in CPU.

Issue 12's budget: no question may cost more than 50 ms of server CPU at 10,000 lessons. This
builds the hostile questions that stay *within* the budget's caps (`search.max_words`,
`max_word_chars`, `max_phrases`, `max_filters`, `max_typo_checks`; over them a question is refused
for well under a millisecond) from the corpus's own vocabulary: its commonest words, bigrams,
regions and themes, words with the most thesaurus equivalents, typos of its longest words, and
characters that fold into several words. Each is sent through the web door in process (the Flask
app, `POST /webhook` with `limit` 50, so the JSON and Markdown of 50 hits are rendered too), the
summary cache cleared before every run; the CPU of each (time.process_time) is the median of
--runs, and the worst run is shown beside it.

    .venv/bin/python bench/question_cost.py                           # bench/corpora/10000
    .venv/bin/python bench/question_cost.py --lessons 45 --runs 3     # the bundled lessons
    .venv/bin/python bench/question_cost.py --out bench/results/question-cost.md
"""
from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # the adversary's helpers

from adversary.web import fit  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.web import create_app  # noqa: E402
from knowledge import KnowledgeBase  # noqa: E402
from knowledge.text import STOP_WORDS, words  # noqa: E402

BUDGET_MS = 50.0


def typo(word: str, rng: random.Random) -> str:
    """One transposition inside the word (never its first letter)."""
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def questions(kb: KnowledgeBase) -> dict[str, str]:
    """The hostile questions, built from this corpus, each within every cap of the budget."""
    options, rng = kb.options, random.Random(12)
    counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for lesson in list(kb)[:2000]:
        found = [w for w in words(lesson.description) if w.isalpha()]
        counts.update(w for w in found if w not in STOP_WORDS)
        pairs.update((a, b) for a, b in zip(found, found[1:], strict=False) if STOP_WORDS.isdisjoint((a, b)))
    common = [w for w, _ in counts.most_common(300)]
    long = [w for w in common if len(w) >= 9] or common
    stats = kb.stats()
    regions = [f'region:"{r}"' for r, _ in stats["region"].most_common(options.max_filters)]
    themes = [f'theme:"{t}"' for t, _ in stats["theme"].most_common(options.max_filters)]
    countries = [c for c, _ in stats["country"].most_common(40)]
    phrases = [f'"{a} {b}"' for (a, b), _ in pairs.most_common(options.max_phrases)]
    exclusions = ["-" + w for w in common[20:20 + options.max_filters]]
    typos = [typo(w, rng) for w in long[:options.max_typo_checks + 4]]
    garbage = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(12)) for _ in range(20)]
    limit, most = options.max_query_chars, options.max_words
    return {
        "commonest words": fit(common[:most], limit),
        "common phrases + broad filters": fit(phrases + regions[:5] + themes[:options.max_filters - 5]
                                              + common, limit),
        "exclusions of common words": fit(exclusions + common, limit),
        "typos of long words + common words": fit(typos + common, limit),
        "12-letter garbage": fit(garbage, limit),
        "countries named naturally": fit(["lessons from"] + countries, limit),
        "themes and regions as words": fit([t.split(":", 1)[1].strip('"') for t in themes] + common, limit),
        "acronyms with long equivalents": fit(["EIIP", "TVET", "SME", "UNSDCF", "UNJP", "UNHCR", "UNDAF", "OSH",
                                               "MSME", "UNCT", "PUNO", "ILO", "IDP", "RMG", "PES", "IPEC", "war",
                                               "employ", "conflict", "XBDC", "union", "UNICEF", "UNFPA", "UNDP"]
                                              + common, limit),
        "words with thesaurus equivalents": fit(["jobs", "pay", "osh", "tvet", "labour", "programme", "sdg",
                                                 "msme", "ilo", "dwcp", "wages", "employment"], limit),
        "U+FDFA x 25 (100 words)": "\ufdfa" * (most // 4),
        "accented words": fit(["Côte", "d’Ivoire", "Türkiye", "São", "Tomé", "Príncipe", "émploi"], limit),
    }


def cost(client, question: str, kb: KnowledgeBase, runs: int) -> tuple[list[float], int]:
    """CPU ms of each run of POST /webhook {text, limit: max} (summary cache cleared), and the status."""
    times, status = [], 0
    for _ in range(runs):
        kb.clear_caches()
        started = time.process_time()
        response = client.post("/webhook", json={"text": question, "limit": kb.options.max_limit})
        times.append((time.process_time() - started) * 1000)
        status = response.status_code
    return times, status


def lesson_paths(count: int) -> list[str]:
    if count == 45:
        return []
    folder = ROOT / "bench" / "corpora" / str(count)
    if not folder.is_dir():
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(count)], check=True, timeout=1800)
    return [str(folder)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=10_000, metavar="N",
                        help="45: the bundled lessons; otherwise bench/corpora/N (generated when missing)")
    parser.add_argument("--runs", type=int, default=5, help="runs per question (default 5)")
    parser.add_argument("--out", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    kb = KnowledgeBase.from_paths(lesson_paths(args.lessons))
    client = create_app(Settings(), kb).test_client()
    client.post("/webhook", json={"text": "warm up the dictionaries"})
    lines = [f"# Question cost at {len(kb):,} lessons (bench/question_cost.py)", "",
             f"`.venv/bin/python bench/question_cost.py --lessons {args.lessons} --runs {args.runs}`: CPU of "
             f"`POST /webhook` with limit {kb.options.max_limit}, in process; median and worst of {args.runs} runs.",
             "", "| question | chars | status | median ms | worst ms |", "|---|---|---|---|---|"]
    worst = 0.0
    for label, question in questions(kb).items():
        times, status = cost(client, question, kb, args.runs)
        worst = max(worst, statistics.median(times))
        lines.append(f"| {label} | {len(question)} | {status} | {statistics.median(times):.1f} | {max(times):.1f} |")
    verdict = "within" if worst <= BUDGET_MS else "OVER"
    lines += ["", f"**Costliest question: {worst:.1f} ms median CPU, {verdict} the {BUDGET_MS:.0f} ms budget.**"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
