#!/usr/bin/env python3
"""Memory of `lessons serve` across reloads: does it come back to its level after 20 of them?

Starts `lessons serve` (as shipped: one worker per core) on 127.0.0.1, then reloads it --count
times (SIGHUP, each awaited until every worker serves the new generation) and reads the memory of
the master and its workers from /proc: RSS summed (pages shared copy-on-write counted once per
process) and PSS summed (each shared page split between the processes sharing it: the memory the
server really takes). Linux only (/proc/<pid>/smaps_rollup).

    .venv/bin/python bench/reloads.py                                   # the 45 sample lessons
    .venv/bin/python bench/reloads.py --lessons bench/corpora/10000     # bench/generate.py 10000 first
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tables import emit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return json.load(response)
    except OSError:
        return None


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) summed over `pids`, in kB."""
    rss = pss = 0
    for pid in set(pids):  # one waitress process is both the server and its worker
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def settled(port: int, generation: int, expected: int) -> list[int] | None:
    """The worker pids once `expected` workers serve `generation` (and no old one is left)."""
    now = health(port)
    if not now or now.get("serving_generation", now["generation"]) < generation:
        return None
    workers = now.get("workers", [])
    if {w["generation"] for w in workers} != {generation} or len(workers) != expected:
        return None
    return [w["pid"] for w in workers]


def wait(condition, log: Path, timeout: float = 600.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise SystemExit(f"timed out; the server's log:\n{log.read_text()[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", action="append", default=[], help="lesson folder (default: the bundled sample)")
    parser.add_argument("--count", type=int, default=20, help="reloads (default 20)")
    parser.add_argument("--workers", type=int, help="--workers of lessons serve (default: as shipped)")
    parser.add_argument("--out", help="append the result as a Markdown table row to this file")
    args = parser.parse_args()
    expected = args.workers or len(os.sched_getaffinity(0))
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "lessons"), "serve", "--port", str(port)]
    cmd += [arg for path in args.lessons for arg in ("--lessons", str(Path(path).resolve()))]
    cmd += ["--workers", str(args.workers)] if args.workers is not None else []
    workdir = Path(tempfile.mkdtemp())
    with open(workdir / "serve.log", "wb") as log:  # a file: an unread pipe would block the server
        server = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=workdir)
    try:
        first = wait(lambda: health(port), workdir / "serve.log")
        generation = first.get("serving_generation", first["generation"])
        pids = wait(lambda: settled(port, generation, expected), workdir / "serve.log")
        time.sleep(1.0)  # let start-up garbage settle
        start = memory_kb([server.pid, *pids])
        peak, samples, started = start, [], time.monotonic()
        for _ in range(args.count):
            generation += 1
            server.send_signal(signal.SIGHUP)
            pids = wait(lambda g=generation: settled(port, g, expected), workdir / "serve.log")
            now = memory_kb([server.pid, *pids])
            samples.append(now)
            peak = (max(peak[0], now[0]), max(peak[1], now[1]))
        seconds = time.monotonic() - started
        time.sleep(1.0)
        end = memory_kb([server.pid, *pids])
    finally:
        server.terminate()
        server.wait(60)
    mb = [round(v / 1024) for v in (*start, *peak, *end)]
    row = (f"| {first['lessons']:,} | {len(pids) or 1} | {args.count} | {mb[1]} | {mb[3]} | "
           f"{mb[5]} | {mb[5] / mb[1] - 1:+.0%} | {mb[0]} | {mb[4]} | {seconds / args.count:.2f} |")
    emit(["lessons", "workers", "reloads", "PSS MB at start", "PSS MB peak", "PSS MB after", "change",
          "RSS MB at start", "RSS MB after", "s per reload"], row, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
