"""The server under test: a real `lessons serve` subprocess on a free 127.0.0.1 port, with test
secrets in its environment, its log in a file, and what /proc says about it (CPU, RSS, threads)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .wire import build, exchange

#: Test secrets, set in the server's environment only; the log must never show them.
SECRETS = {
    "SLACK_SIGNING_SECRET": "bench-signing-secret-7f3a9c",
    "SLACK_BOT_TOKEN": "xoxb-0000bench-1111-hostiletoken",
    "WEBHOOK_TOKEN": "bench-webhook-token-4e1d",
    "ADMIN_TOKEN": "bench-admin-token-9b2c",
}
_SCRUBBED_ENV = ("SLACK_", "WEBHOOK_TOKEN", "ADMIN_TOKEN", "LESSONS_CONFIG", "HTTP_PROXY", "HTTPS_PROXY",
                 "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy")
CLOCK_TICK_NS = 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lessons_command() -> str:
    """The `lessons` entry point beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "lessons"
    return str(beside) if beside.exists() else "lessons"


class Server:
    """`lessons serve --lessons P...` on 127.0.0.1; `start()`, then `stop()` (SIGTERM, then KILL)."""

    def __init__(self, lessons: list[Path], workdir: Path, api_url: str, proxy_url: str, name: str = "serve",
                 without: tuple[str, ...] = ()):
        """`without`: secrets left out of the environment (to start Slack half-configured)."""
        self.lessons, self.workdir, self.name = lessons, workdir, name
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        self.config = workdir / "config.yaml"
        self.config.write_text("logging:\n  level: INFO\n  format: text\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_ENV)}
        env.update({k: v for k, v in SECRETS.items() if k not in without})
        env.update(SLACK_API_URL=api_url, HTTP_PROXY=proxy_url, http_proxy=proxy_url,
                   HTTPS_PROXY=proxy_url, https_proxy=proxy_url, NO_PROXY="127.0.0.1,localhost",
                   no_proxy="127.0.0.1,localhost")
        self.env = env
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 600.0) -> float:
        """Start and wait (bounded) for /healthz; returns the seconds it took."""
        cmd = [lessons_command(), "serve", "--config", str(self.config), "--host", "127.0.0.1",
               "--port", str(self.port)]
        for path in self.lessons:
            cmd += ["--lessons", str(path)]
        started = time.monotonic()
        with open(self.log_path, "ab") as log:  # a file, not a pipe: an unread pipe blocks the server
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        if not self.wait_healthy(timeout):
            raise RuntimeError(f"lessons serve did not come up; see {self.log_path}")
        return time.monotonic() - started

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthz(self, timeout: float = 3.0) -> dict | None:
        reply = exchange(self.port, build("GET", "/healthz"), timeout=timeout)
        return reply.json() if reply.status == 200 else None

    def wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            if self.healthz(timeout=min(3.0, max(0.1, deadline - time.monotonic()))):
                return True
            time.sleep(0.2)
        return False

    def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM, wait up to `grace` seconds, then SIGKILL; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def signal(self, number: int) -> None:
        if self.alive():
            os.kill(self.pid, number)

    # -- the log ---------------------------------------------------------------------------

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    # -- /proc -----------------------------------------------------------------------------

    def cpu_ns(self) -> int:
        """CPU time of the whole process (all threads, user + system) from /proc/<pid>/stat."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return (int(fields[11]) + int(fields[12])) * CLOCK_TICK_NS  # utime, stime (fields 14, 15)

    def status(self, key: str) -> int:
        """A number from /proc/<pid>/status: "VmRSS" (kB), "Threads"."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def rss_mb(self) -> float:
        return self.status("VmRSS") / 1024

    def threads(self) -> int:
        return self.status("Threads")


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {SECRETS[name]}"}


def json_body(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")
