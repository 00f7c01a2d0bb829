#!/usr/bin/env python3
"""Handling time of the hostile webhook bodies (H1–H19 of the reliability plan), in process.

    .venv/bin/python bench/hostile.py          # from the repository root

The behaviour is asserted by tests/reliability/test_hostile_plan.py; this prints what the tests
must not assert on a shared machine: how long each case takes (median of --rounds), the p99 over
the set, and the number of 5xx answers (which the tests already require to be zero).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from knowledge import KnowledgeBase  # noqa: E402
from tests.reliability.test_hostile_plan import WEBHOOK_CASES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    client = create_app(Settings(), KnowledgeBase.from_paths([])).test_client()
    rows, all_ms, errors = [], [], 0
    for case, body, _, _ in WEBHOOK_CASES:
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = client.post("/webhook", data=body, content_type="application/json")
            times.append((time.perf_counter() - started) * 1000)
            errors += response.status_code >= 500
        all_ms += times
        rows.append((case, response.status_code, statistics.median(times)))
    for case, status, ms in rows:
        print(f"{case:<34} {status}  {ms:7.2f} ms")
    all_ms.sort()
    p99 = all_ms[int(0.99 * (len(all_ms) - 1))]
    print(f"cases={len(rows)} 5xx={errors} p50_ms={statistics.median(all_ms):.2f} "
          f"p99_ms={p99:.2f} max_ms={all_ms[-1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
