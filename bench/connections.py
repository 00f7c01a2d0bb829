#!/usr/bin/env python3
"""Does `lessons serve` keep answering while idle and slow clients hold connections open?

Starts `lessons serve` (as shipped, or with --workers N / --config FILE) on 127.0.0.1, opens
--idle connections that send nothing and --slow connections that send their headers one line a
second (slowloris), keeps them open --seconds, and meanwhile times normal requests (the webhook
and /healthz, one at a time, each on a fresh connection). Loopback only; everything stops by itself.

    .venv/bin/python bench/connections.py                      # 1,000 idle + 200 slow, 20 s
    .venv/bin/python bench/connections.py --waitress           # one waitress process, as on Windows

Prints one Markdown table row per run; --out appends it to a file.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tables import emit

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK = b'{"text": "social insurance for herders"}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: `lessons` as it runs where gunicorn cannot (Windows): one waitress process.
AS_ON_WINDOWS = ("import sys, bot.serve; bot.serve.gunicorn_runs = lambda: False; from bot.cli import main; "
                 "sys.exit(main(sys.argv[1:]))")


def start(port: int, workers: int | None, config: str | None, waitress: bool = False) -> subprocess.Popen:
    """`lessons serve` on `port`, waited for (bounded)."""
    lessons = [sys.executable, "-c", AS_ON_WINDOWS] if waitress else [str(Path(sys.executable).parent / "lessons")]
    cmd = [*lessons, "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)] if workers is not None else []
    cmd += ["--config", config] if config else []
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server writes to it after this returns)
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=tempfile.mkdtemp())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ask(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2.0)[0] == 200:
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    log.seek(0)
    raise SystemExit("lessons serve did not start:\n" + log.read().decode(errors="replace")[-2000:])


def ask(port: int, request: bytes, timeout: float) -> tuple[int | None, float]:
    """Send one request on a new connection; (status or None, seconds)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(request)
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            return int(data.split(b" ", 2)[1]), time.monotonic() - started
    except (OSError, ValueError, IndexError):
        return None, time.monotonic() - started


def hold(port: int, count: int, slow: bool, stop: threading.Event) -> list[socket.socket]:
    """Open `count` connections; slow ones then send a header line a second until `stop`."""
    sockets = []
    for _ in range(count):
        with contextlib.suppress(OSError):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    if slow:
        def drip() -> None:
            line = 0
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")
            while not stop.wait(1.0):
                line += 1
                for sock in sockets:
                    with contextlib.suppress(OSError):
                        sock.sendall(f"X-Slow-{line}: {line}\r\n".encode())

        threading.Thread(target=drip, daemon=True).start()
    return sockets


def closed_by_server(sockets: list[socket.socket]) -> int:
    """How many of `sockets` the server has closed (a read returns EOF or an answer)."""
    count = 0
    for sock in sockets:
        try:
            sock.setblocking(False)
            if sock.recv(65536) is not None:
                count += 1
        except BlockingIOError:
            pass
        except OSError:
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, help="--workers of lessons serve (default: as shipped)")
    parser.add_argument("--config", help="--config of lessons serve")
    parser.add_argument("--waitress", action="store_true", help="serve as on Windows: one waitress process")
    parser.add_argument("--out", help="append the result row to this Markdown file")
    args = parser.parse_args()
    port = free_port()
    server = start(port, args.workers, args.config, args.waitress)
    stop = threading.Event()
    webhook = (b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(WEBHOOK), WEBHOOK))
    health = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    try:
        idle = hold(port, args.idle, False, stop)
        slow = hold(port, args.slow, True, stop)
        times, failed, end = [], 0, time.monotonic() + args.seconds
        while time.monotonic() < end:
            for request in (webhook, health):
                status, seconds = ask(port, request, 10.0)
                failed += status != 200
                times.append(seconds * 1000)
            time.sleep(0.2)
        closed = closed_by_server(idle + slow)
        stop.set()
        for sock in idle + slow:
            sock.close()
    finally:
        server.terminate()
        server.wait(30)
    row = {"idle": len(idle), "slow": len(slow), "seconds": args.seconds, "requests": len(times), "failed": failed,
           "p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "closed_by_server": closed,
           "workers": "waitress" if args.waitress else "default" if args.workers is None else args.workers}
    line = (f"| {row['workers']} | {row['idle']} | {row['slow']} | {row['seconds']:g} | {row['requests']} | "
            f"{row['failed']} | {row['p50_ms']} | {row['max_ms']} | {row['closed_by_server']} |")
    print(json.dumps(row))
    emit(["server", "idle", "slow", "seconds", "normal requests", "failed", "p50 ms", "max ms",
          "held connections closed by the server"], line, args.out)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
