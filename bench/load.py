#!/usr/bin/env python3
"""Load test of `lessons serve` on 127.0.0.1 with wrk: webhook throughput and latency, with and
without continuous reloads. Loopback only; every wrk run is bounded (15 s by default).

    apt-get install wrk                       # Debian's package
    .venv/bin/python bench/load.py            # the bundled sample lessons
    .venv/bin/python bench/generate.py 10000            # writes bench/corpora/10000
    .venv/bin/python bench/load.py --lessons bench/corpora/10000 --name 10k

Writes bench/results/load-NAME.md and .json: req/s, p50/p90/p99/max, non-2xx and socket errors,
for a plain run and a run during reloads (SIGHUP every --reload-every seconds).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUERIES = [
    "social insurance for herders", "child labour cocoa", "TVET reform Bangladesh",
    "occupational safety and health", "gender equality", "migrant workers wage protection",
    "employment intensive infrastructure", "domestic workers registration", "youth employment",
    "social dialogue trust", "cooperatives", "green jobs construction", "labour inspection",
    "forced labour trafficking", "covid-19 pandemic", "joint UN programme coordination",
]
LUA = """
local queries = {%s}
local n = 0
request = function()
  n = n + 1
  local q = queries[(n %% #queries) + 1]
  return wrk.format("POST", "/webhook", {["Content-Type"] = "application/json"}, '{"text": "' .. q .. '"}')
end
done = function(summary, latency, requests)
  io.write(string.format("STATS %%d %%d %%d %%d %%d %%d %%.3f %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(lessons: list[str], port: int, threads: int) -> subprocess.Popen:
    config = Path(tempfile.mkdtemp()) / "config.yaml"
    config.write_text(f"server:\n  threads: {threads}\nlogging:\n  level: WARNING\n")
    cmd = [str(Path(sys.executable).parent / "lessons"), "serve", "--config", str(config),
           "--host", "127.0.0.1", "--port", str(port)]
    for path in lessons:
        cmd += ["--lessons", path]
    # The log goes to a file: an unread pipe fills up and then blocks the server on its next log line.
    log = open(config.parent / "serve.log", "w+")  # noqa: SIM115 (the server writes to it after this returns)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return proc, json.load(response)
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise SystemExit(f"server exited: {log.read()[-2000:]}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start in 300 s")


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_wrk(port: int, connections: int, seconds: int, script: Path) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
           f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    match = re.search(r"STATS (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if not match:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    n, conn, read, write, status, timeout, duration, p50, p90, p99, worst = match.groups()
    return {
        "command": " ".join(cmd), "requests": int(n), "seconds": float(duration),
        "req_per_s": round(int(n) / float(duration), 1), "p50_ms": float(p50), "p90_ms": float(p90),
        "p99_ms": float(p99), "max_ms": float(worst), "non_2xx": int(status),
        "socket_errors": int(conn) + int(read) + int(write) + int(timeout),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", action="append", default=[], help="lesson folder (default: the bundled sample)")
    parser.add_argument("--name", default="sample", help="name of the result files")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15, help="length of each wrk run (default 15)")
    parser.add_argument("--threads", type=int, default=8, help="server.threads of the served app")
    parser.add_argument("--reload-every", type=float, default=1.0, help="seconds between SIGHUPs in the reload run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench/load.py needs wrk: apt-get install wrk", file=sys.stderr)
        return 2

    port = free_port()
    proc, health = start_server(args.lessons, port, args.threads)
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(LUA % ", ".join(json.dumps(q) for q in QUERIES))
    try:
        run_wrk(port, args.connections, 3, script)  # warm-up, not reported
        rss_before = rss_kb(proc.pid)
        plain = run_wrk(port, args.connections, args.seconds, script)
        stop = threading.Event()
        reloads = [0]

        def hup() -> None:
            while not stop.wait(args.reload_every):
                os.kill(proc.pid, signal.SIGHUP)
                reloads[0] += 1

        thread = threading.Thread(target=hup)
        thread.start()
        during = run_wrk(port, args.connections, args.seconds, script)
        stop.set()
        thread.join()
        during["reloads"] = reloads[0]
        rss_after = rss_kb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    result = {
        "name": args.name, "lessons": health.get("lessons"), "connections": args.connections,
        "server": f"lessons serve (waitress, {args.threads} threads, 1 process)",
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
                   "wrk on the same cores",
        "commit": commit, "rss_kb_before": rss_before, "rss_kb_after": rss_after,
        "plain": plain, "during_reloads": during,
        "reload_ratio": round(during["req_per_s"] / plain["req_per_s"], 3) if plain["req_per_s"] else None,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"load-{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        "| run | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, r in (("webhook", plain), (f"webhook during reloads ({during['reloads']} SIGHUPs)", during)):
        rows.append(f"| {label} | {r['req_per_s']:,.0f} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} "
                    f"| {r['max_ms']:.1f} | {r['non_2xx']} | {r['socket_errors']} |")
    text = "\n".join([
        f"# Load: {args.name} ({result['lessons']} lessons), {args.connections} connections, {args.seconds} s a run",
        "", f"{result['server']}; {result['machine']}; commit {commit}.",
        f"RSS {rss_before / 1024:.0f} MB before, {rss_after / 1024:.0f} MB after. "
        f"Throughput during reloads: {result['reload_ratio']:.0%} of the plain run.",
        "", *rows, "", f"wrk: `{plain['command']}` (POST /webhook, {len(QUERIES)} rotating queries)", "",
    ])
    (RESULTS / f"load-{args.name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
