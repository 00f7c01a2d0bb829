"""One scenario's bookkeeping (`Probe`), the shared context the scenarios get (`Bench`), and what
the server's log says about a scenario: tracebacks, and secrets or response_urls that got in."""
from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .fakeslack import FakeSlack
from .server import SECRETS, Server
from .wire import Reply, exchange

TRACEBACK = re.compile(r"Traceback \(most recent call last\)")


@dataclass
class Row:
    """One line of the report."""

    name: str
    requests: int = 0
    fivexx: int = 0
    hangs: int = 0
    tracebacks: int = 0
    leaks: int = 0
    lost: int = 0
    slowest_ms: float = 0.0
    max_cpu_ms: float | None = None
    verdict: str = "held"
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Probe:
    """Counts a scenario's requests, 5xx, hangs and slowest request; collects its failures."""

    def __init__(self, bench: Bench, name: str) -> None:
        self.bench, self.row = bench, Row(name)
        self.failures: list[str] = []
        self.log_needles: list[str] = []  # response_url paths etc. that must not reach the log
        self.extra_log = ""  # the log of a server the scenario started itself

    def send(self, data: bytes | list[bytes], timeout: float = 10.0, pause: float = 0.0) -> Reply:
        """One request through the raw client, with the server's CPU meanwhile (all of it: when
        requests overlap, or a reload runs, this over-counts; /proc counts 10 ms ticks)."""
        server = self.bench.server
        before = server.cpu_ns()
        reply = exchange(server.port, data, timeout=timeout, pause=pause)
        self.cpu_ms((server.cpu_ns() - before) / 1e6)
        self.count(reply)
        return reply

    def count(self, reply: Reply) -> None:
        self.row.requests += 1
        self.row.fivexx += bool(reply.status and reply.status >= 500)
        self.row.hangs += reply.hung
        self.row.slowest_ms = max(self.row.slowest_ms, reply.ms)

    def cpu_ms(self, ms: float) -> None:
        self.row.max_cpu_ms = max(self.row.max_cpu_ms or 0.0, ms)

    def fail(self, reason: str) -> None:
        self.failures.append(reason)

    def note(self, text: str) -> None:
        self.row.notes.append(text)

    def lost(self, count: int, reason: str) -> None:
        """Answers a user should have had and did not get."""
        if count:
            self.row.lost += count
            self.fail(reason)


@dataclass
class Bench:
    """What every scenario gets: the running server, the fake Slack and the lesson folders."""

    server: Server
    fake: FakeSlack
    workdir: Path
    extra: Path  # a served lesson folder the scenarios may change (deep folders, flipping links)
    lesson_folder: Path  # the lessons being served (read only)
    lessons: int
    started: float = field(default_factory=time.monotonic)
    fresh_server: Any = None  # callable(name) -> Server, for scenarios that need their own
    costliest: tuple[float, str] = (0.0, "")  # (CPU ms, request path), found by costly_questions


def judge(probe: Probe, log_text: str) -> Row:
    """Fill the log columns and the verdict of a finished scenario."""
    row = probe.row
    # One log record is one line (the app escapes newlines); a raw traceback on stderr starts one line.
    row.tracebacks = sum(1 for line in log_text.splitlines() if TRACEBACK.search(line))
    needles = [v for v in SECRETS.values()] + probe.log_needles
    row.leaks = sum(log_text.count(n) for n in needles if n)
    reasons = list(probe.failures)
    if row.fivexx:
        reasons.append(f"{plural(row.fivexx, 'answer')} 5xx")
    if row.hangs:
        reasons.append(f"{plural(row.hangs, 'request')} got no answer in time")
    if row.tracebacks:
        reasons.append(f"{plural(row.tracebacks, 'traceback')} in the server log")
    if row.leaks:
        reasons.append(f"{plural(row.leaks, 'secret or response_url', 'secrets or response_urls')} in the log")
    if reasons:
        row.verdict, row.reason = "FAILED", "; ".join(dict.fromkeys(reasons))
    return row


def plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
