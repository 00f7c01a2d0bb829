"""Scenarios against the process: connection floods, deep folders, reloads, signals and memory."""
from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .probe import Bench, Probe
from .server import Server, bearer
from .wire import HOST, build, exchange

#: How long a normal request may take while the server is under a flood.
PATIENCE = 5.0


def _open_sockets(port: int, count: int, deadline: float) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        try:
            sockets.append(socket.create_connection((HOST, port), timeout=2))
        except OSError:
            break
    return sockets


def _recovery(bench: Bench, probe: Probe, started: float) -> None:
    ok = bench.server.wait_healthy(60)
    probe.note(f"healthy again after {time.monotonic() - started:.1f} s" if ok else "not healthy 60 s later")


def idle_connections(bench: Bench, probe: Probe) -> None:
    """1,000 idle connections opened, then a normal request must still answer within PATIENCE s."""
    sockets = _open_sockets(bench.server.port, 1000, time.monotonic() + 20)
    try:
        probe.note(f"{len(sockets)} idle connections open")
        for path in ("/healthz", "/api/search?q=youth"):
            reply = probe.send(build("GET", path), timeout=PATIENCE)
            probe.note(f"GET {path}: " + (f"no answer in {PATIENCE:.0f} s" if reply.hung else f"{reply.ms:.0f} ms"))
    finally:
        for sock in sockets:
            sock.close()
    _recovery(bench, probe, time.monotonic())


def slowloris(bench: Bench, probe: Probe, count: int = 200, seconds: float = 8.0) -> None:
    """`count` connections sending their headers one line a second; normal requests meanwhile."""
    stop = threading.Event()
    sockets = _open_sockets(bench.server.port, count, time.monotonic() + 10)

    def drip() -> None:
        for sock in sockets:
            _quiet_send(sock, b"POST /webhook HTTP/1.1\r\nHost: x\r\n")
        line = 0
        while not stop.wait(1.0):
            line += 1
            for sock in sockets:
                _quiet_send(sock, f"X-Slow-{line}: {line}\r\n".encode())

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        probe.note(f"{len(sockets)} slow-header connections")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(1.0)
            probe.send(build("GET", "/healthz"), timeout=PATIENCE)
    finally:
        stop.set()
        dripper.join(5)
        for sock in sockets:
            sock.close()
    _recovery(bench, probe, time.monotonic())


def _quiet_send(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(data)


def _admin_reload(probe: Probe) -> tuple[int | None, dict]:
    time.sleep(1.05)  # /admin/reload allows one a second
    reply = probe.send(build("POST", "/admin/reload", b"", bearer("ADMIN_TOKEN")), timeout=600)
    return reply.status, reply.json() or {}


def deep_folder(bench: Bench, probe: Probe, depth: int = 1100) -> None:
    """A lesson folder nested `depth` deep, then POST /admin/reload: the rest still loads."""
    top = bench.extra / "deep"
    folder = top
    os.mkdir(folder)
    for _ in range(depth - 1):  # os.makedirs itself recurses once per level
        folder = folder / "d"
        os.mkdir(folder)
    try:
        status, answer = _admin_reload(probe)
        probe.note(f"reload with a {depth}-deep folder: {status} {str(answer.get('error', ''))[:90]}")
        if status != 200:
            probe.fail(f"reload with a {depth}-deep folder answered {status}")
    finally:
        aside = bench.workdir / f"deep-aside-{time.monotonic_ns()}"
        os.rename(top, aside)
        subprocess.run(["rm", "-rf", str(aside)], check=False, timeout=120)
    status, answer = _admin_reload(probe)
    probe.note(f"reload after removing it: {status}, {answer.get('lessons')} lessons")


def _sighup_reload(server: Server, probe: Probe, limit: float = 300.0) -> dict | None:
    """SIGHUP, then wait (bounded) for /healthz to show a newer reload; returns its outcome."""
    probe.row.requests += 1  # a signal is an input too
    previous = _last_reload(server).get("at")
    started = time.monotonic()
    server.signal(signal.SIGHUP)
    while time.monotonic() - started < limit:
        last = _last_reload(server)
        if last.get("at") != previous:
            return last
        time.sleep(0.05)
    return None


def _last_reload(server: Server) -> dict:
    health = server.healthz(timeout=10) or {}
    return health.get("reload") or {}


def reload_rss(bench: Bench, probe: Probe, count: int = 20) -> None:
    """A fresh server, then `count` reloads one after another (SIGHUP, each awaited): its RSS
    must come back to within 20 % of where it started."""
    server = bench.fresh_server("reloads")
    try:
        before = peak = server.rss_mb()
        for _ in range(count):
            started = time.monotonic()
            _sighup_reload(server, probe)
            probe.row.slowest_ms = max(probe.row.slowest_ms, (time.monotonic() - started) * 1000)
            peak = max(peak, server.rss_mb())
        after = server.rss_mb()
    finally:
        server.stop()
        probe.extra_log += server.log_since(0)
    probe.note(f"RSS {before:.0f} MB after start, peak {peak:.0f}, {after:.0f} MB after {count} reloads "
               f"(slowest reload {probe.row.slowest_ms:.0f} ms)")
    if after > before * 1.2:
        probe.fail(f"RSS grew {before:.0f} -> {after:.0f} MB over {count} reloads (more than 20 %)")


def sighup_storm(bench: Bench, probe: Probe) -> None:
    """SIGHUPs faster than reloads finish: they should merge (one reload running, one queued),
    not start a thread and a full reload each."""
    count, gap = (300, 0.001) if bench.lessons <= 1000 else (8, 0.25)  # Python merges signals sent at once
    offset, base = bench.server.log_size(), bench.server.threads()
    started, peak = time.monotonic(), base
    for _ in range(count):
        bench.server.signal(signal.SIGHUP)
        probe.row.requests += 1
        peak = max(peak, bench.server.threads())
        time.sleep(gap)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and bench.server.threads() > base:
        peak = max(peak, bench.server.threads())
        time.sleep(0.05)
    reloads = bench.server.log_since(offset).count("reloaded:")
    probe.note(f"{count} SIGHUPs {gap * 1000:g} ms apart: {reloads} reloads ran, threads {base} -> peak {peak}, "
               f"settled after {time.monotonic() - started:.1f} s")
    if peak > base + 2:
        probe.fail(f"{count} SIGHUPs: {peak - base} reload threads at once, {reloads} reloads (not merged)")


def word_cache_rss(bench: Bench, probe: Probe) -> None:
    """Open questions made of never-seen words: does memory grow with every new word?"""
    rng, requests = random.Random(8), 300 if bench.lessons <= 1000 else 100
    before, words = bench.server.rss_mb(), 0
    for _ in range(requests):
        query = " ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))
                         for _ in range(55))
        words += 55
        probe.send(build("GET", "/api/search?q=" + urllib.parse.quote(query)), timeout=30)
    after = bench.server.rss_mb()
    per_k = (after - before) * 1000 / words
    probe.note(f"RSS {before:.0f} -> {after:.0f} MB for {words:,} new words ({per_k * 1024:.0f} kB per 1,000)")
    if after > before * 1.2:
        probe.fail(f"RSS grew {before:.0f} -> {after:.0f} MB from {words:,} unknown words (unbounded cache)")


def sigterm_in_flight(bench: Bench, probe: Probe) -> None:
    """SIGTERM while slow (costly) questions are in flight: each must still get an answer."""
    slow = 40 if bench.lessons <= 1000 else 12
    server = bench.fresh_server("sigterm")
    path = "/api/search?q=" + urllib.parse.quote(bench.costliest[1] or "\ufdfa" * 500)
    try:
        with ThreadPoolExecutor(slow) as pool:
            futures = [pool.submit(exchange, server.port, build("GET", path), 60) for _ in range(slow)]
            time.sleep(0.5)
            started = time.monotonic()
            server.signal(signal.SIGTERM)
            replies = [f.result() for f in futures]
        code = server.proc.wait(30)
        stopped = time.monotonic() - started
    finally:
        server.stop()
    for reply in replies:
        probe.count(reply)
    unanswered = sum(1 for r in replies if r.status is None)
    probe.note(f"{slow} in flight at SIGTERM: {slow - unanswered} answered, {unanswered} cut; "
               f"exit {code} after {stopped:.1f} s")
    probe.lost(unanswered, f"{unanswered} of {slow} requests in flight got no answer after SIGTERM")
    probe.extra_log += server.log_since(0)


def _flip(folder: Path, count: int, stop: threading.Event) -> None:
    """Turn each `lN.txt` from a link into a file, then into nothing, then back, until `stop`."""
    state = 0
    while not stop.is_set():
        for index in range(count):
            name, spare = folder / f"l{index}.txt", folder / f".spare{index}"
            if state % 3 == 0:
                os.symlink(f".t{index}", spare)
                os.replace(spare, name)
            elif state % 3 == 1:
                shutil.copyfile(folder / f".t{index}", spare)
                os.replace(spare, name)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(name)
        state += 1


def links_flipping(bench: Bench, probe: Probe, seconds: float = 6.0, count: int = 20) -> None:
    """Lesson files flipping between a link, a file and nothing while reloads run: none may fail.
    A race: "held" means not seen in this many reloads."""
    folder = bench.extra / "flip"
    folder.mkdir()
    lesson = next(p for p in sorted(bench.lesson_folder.rglob("*.txt")))
    for index in range(count):
        shutil.copyfile(lesson, folder / f".t{index}")
    stop = threading.Event()
    flipper = threading.Thread(target=_flip, args=(folder, count, stop), daemon=True)
    flipper.start()
    reloads, failed = 0, []
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            result = _sighup_reload(bench.server, probe)
            reloads += 1
            if result and not result.get("ok"):
                failed.append(str(result.get("error"))[:100])
    finally:
        stop.set()
        flipper.join(5)
        subprocess.run(["rm", "-rf", str(folder)], check=False, timeout=60)
    _sighup_reload(bench.server, probe)
    probe.note(f"{reloads} reloads while {count} files flipped: {len(failed)} failed"
               + (f" ({failed[0]})" if failed else ""))
    if failed:
        probe.fail(f"{len(failed)} of {reloads} reloads failed while files flipped: {failed[0]}")
