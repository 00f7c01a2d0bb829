"""Per-client rate caps: a token bucket for each client, in bounded memory.

Each client may send `per_minute` requests a minute on average and `burst` at once; past that it
is told how many seconds to wait (`Retry-After`). The buckets live in this process: with several
worker processes each keeps its own, so a client spread over them gets up to that many times the
cap. The least recently seen clients are forgotten past `max_clients` (a forgotten client starts
again with a full bucket), so a flood of addresses cannot grow the memory.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

#: Clients remembered at most (about 100 bytes each).
MAX_CLIENTS = 10_000


class RateLimiter:
    """Token buckets by client key; thread-safe."""

    def __init__(self, per_minute: int, burst: int, *, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = MAX_CLIENTS) -> None:
        if per_minute < 1 or burst < 1:
            raise ValueError("per_minute and burst must be at least 1")
        self.rate, self.burst = per_minute / 60.0, float(burst)
        self.clock, self.max_clients = clock, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def wait(self, client: str) -> int:
        """0 when `client` may make this request now (it is counted), else the whole seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return 0 if allowed else max(1, math.ceil((1.0 - tokens) / self.rate))

    def __len__(self) -> int:
        """How many clients are remembered."""
        return len(self._buckets)
