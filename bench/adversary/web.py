"""Scenarios against the web door: costly questions, lying bodies, protocol edges, odd JSON,
long ids and rate caps. Each takes (bench, probe) and records into the probe."""
from __future__ import annotations

import gzip
import json
import random
import socket
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from .probe import Bench, Probe
from .server import bearer, json_body
from .wire import HOST, Reply, build

#: The server's cost budget per question (issue 12: 50 ms of CPU at 10k lessons).
CPU_BUDGET_MS = 50.0
REGIONS = ['region:Africa', 'region:Americas', 'region:"Asia and the Pacific"', 'region:"Arab States"',
           'region:"Europe and Central Asia"']
#: Phrases nearly every lesson contains: each is searched in the folded text of every lesson let through.
COMMON_PHRASES = ['"the"', '"of the"', '"and"', '"to"', '"in the"', '"for"', '"a"', '"on"', '"with"', '"by"',
                  '"was"', '"as"', '"from"', '"at"', '"that"', '"were"']


def fit(words: list[str], limit: int = 500) -> str:
    """As many of `words` (cycled) as fit in `limit` characters."""
    out = ""
    for index in range(10_000):
        word = words[index % len(words)]
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out} {word}".strip()
    return out


MISSPELL = ["employment", "protection", "inspection", "government", "development", "programme", "insurance",
            "cooperatives", "migration", "sustainability"]
PLAIN = ["social", "insurance", "for", "herders", "child", "labour", "youth", "employment"]


def costly_questions_list() -> dict[str, str]:
    rng = random.Random(12)
    return {
        "5 region filters + common phrases": fit(REGIONS + COMMON_PHRASES),
        "a word + region filters + phrases": fit(["project"] + REGIONS + COMMON_PHRASES),
        "500 x U+FDFA (NFKC: 18 letters)": "\ufdfa" * 500,
        "500 x U+FDFB": "\ufdfb" * 500,
        "500 x U+3316 (squared katakana)": "\u3316" * 500,
        "500 x CJK U+9F98": "\u9f98" * 500,
        "one 500-letter word": "".join(rng.choice("aeioulnrst") for _ in range(500)),
        "10 words of 49 letters": " ".join("".join(rng.choice("abcdefghij") for _ in range(49)) for _ in range(10)),
        "max-length misspellings": fit([w[:2] + w[3] + w[2] + w[4:] for w in MISSPELL]),
        "max-length plain words": fit(PLAIN),
    }


def search_path(question: str, limit: int | None = None) -> str:
    return "/api/search?q=" + urllib.parse.quote(question) + (f"&limit={limit}" if limit else "")


def within_budget(bench: Bench) -> dict[str, str]:
    """The costliest questions that stay within the question budget (bench/question_cost.py, built
    from the served corpus's own vocabulary), asking for 50 hits so that 50 summaries are made."""
    from question_cost import questions  # bench/, on the path as this package's parent

    from knowledge import KnowledgeBase

    built = questions(KnowledgeBase.from_paths([bench.lesson_folder]))
    return {f"within budget: {label}, 50 hits": search_path(question, 50) for label, question in built.items()}


def answered(probe: Probe, path: str, timeout: float) -> tuple[Reply, float]:
    """GET `path` with the token (searches need it when WEBHOOK_TOKEN is set), again after
    Retry-After while the token's rate cap answers 429; the reply, and the server CPU (ms) it cost."""
    for _ in range(30):
        before = probe.bench.server.cpu_ns()
        reply = probe.send(build("GET", path, headers=bearer("WEBHOOK_TOKEN")), timeout=timeout)
        spent = (probe.bench.server.cpu_ns() - before) / 1e6
        if reply.status != 429:
            break
        time.sleep(float(reply.headers.get("retry-after", "1")))
    return reply, spent


def costly_questions(bench: Bench, probe: Probe) -> None:
    """The costliest questions (GET /api/search with the token): server CPU and wall time each,
    one at a time on an otherwise idle server (the mean of 3 tries: /proc counts 10 ms ticks)."""
    worst = ("", 0.0)
    paths = {label: search_path(question) for label, question in costly_questions_list().items()}
    for label, path in {**paths, **within_budget(bench)}.items():
        spent = [answered(probe, path, timeout=60) for _ in range(3)]
        reply, cpu = spent[-1][0], sum(ms for _, ms in spent) / len(spent)
        bench.costliest = max(bench.costliest, (cpu, path))
        if cpu > worst[1]:
            worst = (label, cpu)
        error = (reply.json() or {}).get("error", "") if reply.status != 200 else ""
        refused = f" ({reply.status} {error})" if reply.status != 200 else ""
        probe.note(f"{label}: {cpu:.0f} ms CPU, {reply.ms:.0f} ms wall{refused}")
    probe.row.max_cpu_ms = worst[1]
    if worst[1] > CPU_BUDGET_MS:
        probe.fail(f"'{worst[0]}' costs {worst[1]:.0f} ms of server CPU (budget {CPU_BUDGET_MS:.0f} ms)")


def costly_in_parallel(bench: Bench, probe: Probe, count: int = 8) -> None:
    """`count` of the costliest question at once: how long does a health check wait meanwhile?"""
    path = bench.costliest[1] or search_path("\ufdfa" * 500)
    with ThreadPoolExecutor(count + 1) as pool:
        started, cpu = time.perf_counter(), bench.server.cpu_ns()
        costly = [pool.submit(answered, probe, path, 120) for _ in range(count)]
        time.sleep(0.1)
        health = probe.send(build("GET", "/healthz"), timeout=120)
        for future in costly:
            future.result()
    frozen = (time.perf_counter() - started) * 1000
    probe.row.max_cpu_ms = (bench.server.cpu_ns() - cpu) / 1e6 / count  # overlapping: the mean
    probe.note(f"{count} at once took {frozen:.0f} ms; a health check meanwhile {health.ms:.0f} ms")
    if health.ms > 1000:
        probe.fail(f"{count} open questions at once held a health check for {health.ms:.0f} ms")


def webhook(body: bytes, headers: dict[str, str] | None = None, kind: str = "application/json") -> bytes:
    return build("POST", "/webhook", body, {"Content-Type": kind, **bearer("WEBHOOK_TOKEN"), **(headers or {})})


def short_body(bench: Bench, probe: Probe) -> None:
    """A Content-Length larger than the body sent (70,000 and 1,000 declared, 18 bytes sent)."""
    body = b'{"text": "youth"} '
    heads = [build("POST", "/webhook", body, {"Content-Type": "application/json", **bearer("WEBHOOK_TOKEN")},
                   length=declared) for declared in (70_000, 1_000)]
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda raw: probe.send(raw, timeout=8), heads))
    for declared, reply in zip((70_000, 1_000), replies, strict=True):
        probe.note(f"declared {declared}: " + ("no answer in 8 s" if reply.hung else f"{reply.status} "
                                               f"{reply.error} in {reply.ms:.0f} ms"))


def unauthenticated_8mb(bench: Bench, probe: Probe) -> None:
    """8 MB to /webhook without a token: is the 401 sent before the body is read?"""
    size, started = 8_000_000, time.perf_counter()
    head = build("POST", "/webhook", b"", {"Content-Type": "application/json"}, length=size)
    sent, status, early = 0, None, False
    with socket.create_connection((HOST, bench.server.port), timeout=10) as sock:
        sock.sendall(head + b" " * 65536)
        sent = 65536
        status = _status_within(sock, 2.0)
        early = status is not None
        chunk = b" " * 262144
        while status is None and sent < size:
            try:
                sock.sendall(chunk[: size - sent])
            except OSError:
                break
            sent += min(len(chunk), size - sent)
        if status is None:
            status = _status_within(sock, 10.0)
    ms = (time.perf_counter() - started) * 1000
    probe.row.requests += 1
    probe.row.slowest_ms = max(probe.row.slowest_ms, ms)
    probe.row.fivexx += bool(status and status >= 500)
    probe.row.hangs += status is None
    probe.note(f"answer {status} after {sent:,} of {size:,} bytes, {ms:.0f} ms")
    if not early:
        probe.fail(f"no 401 until the whole body was sent ({sent:,} bytes, {ms:.0f} ms)")


def _status_within(sock: socket.socket, seconds: float) -> int | None:
    sock.settimeout(seconds)
    try:
        data = sock.recv(64)
    except OSError:
        return None
    parts = data.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def gzip_chunked(bench: Bench, probe: Probe) -> None:
    """`Transfer-Encoding: gzip, chunked` on /webhook: a clear 4xx, not a 5xx."""
    packed = gzip.compress(b'{"text": "child labour"}')
    body = f"{len(packed):x}\r\n".encode() + packed + b"\r\n0\r\n\r\n"
    raw = build("POST", "/webhook", b"", {"Content-Type": "application/json", **bearer("WEBHOOK_TOKEN"),
                                          "Transfer-Encoding": "gzip, chunked"})
    raw = raw.replace(b"Content-Length: 0\r\n", b"") + body
    reply = probe.send(raw)
    probe.note(f"{reply.status} {reply.body[:60]!r}")


MALFORMED = {
    "garbage request line": b"GARBAGE\r\n\r\n",
    "HTTP/9.9": b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
    "header without colon": b"GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\nConnection: close\r\n\r\n",
    "100 KB header": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    "NUL in path": b"GET /\x00x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "negative Content-Length": b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "two Content-Lengths": b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "bad chunk size": b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
}


def malformed_requests(bench: Bench, probe: Probe) -> None:
    """Broken HTTP: each must get a 4xx, as JSON like every other error of this server."""
    plain = []
    for label, raw in MALFORMED.items():
        reply = probe.send(raw, timeout=5)
        if reply.status and not reply.is_json:
            plain.append(f"{label} {reply.status}")
        probe.note(f"{label}: {reply.status or reply.error or 'hang'}")
    if plain:
        probe.fail(f"{len(plain)} plain-text (not JSON) errors: {', '.join(plain[:3])}...")


def static_open_redirect(bench: Bench, probe: Probe) -> None:
    """`GET /static//x` with `Host: evil.example`: no redirect to another host."""
    reply = probe.send(build("GET", "/static//x", host="evil.example"))
    location = reply.headers.get("location", "")
    probe.note(f"{reply.status} Location: {location or '-'}")
    if "evil.example" in location:
        probe.fail(f"{reply.status} redirects to {location}")


def odd_json(bench: Bench, probe: Probe) -> None:
    """A JSON offset of 1e30 (a 19-digit form offset is refused) and UTF-16/32 JSON (README: invalid_json)."""
    cases = {
        "JSON offset 10**30": webhook(b'{"text": "child labour", "offset": 1000000000000000000000000000000}'),
        "form offset of 19 digits": webhook(b"text=child+labour&offset=1000000000000000000",
                                            kind="application/x-www-form-urlencoded"),
        "UTF-16 JSON": webhook(json.dumps({"text": "child labour"}).encode("utf-16")),
        "UTF-32 JSON": webhook(json.dumps({"text": "child labour"}).encode("utf-32")),
    }
    for label, raw in cases.items():
        reply = probe.send(raw)
        probe.note(f"{label}: {reply.status}")
        if reply.status == 200:
            probe.fail(f"{label} accepted (200)")


def long_lesson_id(bench: Bench, probe: Probe) -> None:
    """A 10,000-character lesson id in /api/lessons/<id>: 404 without echoing it."""
    lesson_id = "7" * 10_000
    reply = probe.send(build("GET", "/api/lessons/" + lesson_id))
    probe.note(f"{reply.status}, {len(reply.body):,} bytes of body")
    if lesson_id in reply.body.decode("utf-8", "replace"):
        probe.fail(f"the 10,000-character id is echoed in the {reply.status}")


def rate_caps(bench: Bench, probe: Probe) -> None:
    """60 rapid webhook calls from one client: some 429 with Retry-After once caps exist."""
    statuses: dict[int, int] = {}
    for _ in range(60):
        reply = probe.send(webhook(json_body({"text": "youth employment", "limit": 1})))
        statuses[reply.status or 0] = statuses.get(reply.status or 0, 0) + 1
    probe.note("statuses " + ", ".join(f"{k}x{v}" for k, v in sorted(statuses.items())))
    if not statuses.get(429):
        probe.fail(f"no rate cap: {statuses.get(200, 0)} of 60 got 200")
