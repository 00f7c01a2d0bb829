"""What the web door refuses from a request's line and headers alone, before its body is read.

One `Gate` holds the rules, and two places apply them: the Flask app before any view runs (enough
under a server that streams the body to the app, as gunicorn and the tests do), and waitress's
request parser as soon as the headers are in (`bot.web.early`), because waitress reads a whole
body before the app sees it. The rules, in order:

1. with `WEBHOOK_TOKEN` set, `/webhook`, `/api/search` and `/api/feedback` without `Authorization:
   Bearer` and the token: 401 `missing_token` / `wrong_token`, whatever else the request holds;
2. a declared `Content-Length` over `server.max_body_bytes`: 413 `body_too_large`;
3. more than a client's rate cap on `/webhook` and `/api/` (`rate_limit:` in config.yaml): 429
   `too_many_requests` with `Retry-After`. Only the app applies this one (it counts requests, so
   it must see each once); a client is its token when it sent the right one, else its address.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, request

from ..config import RateLimitSettings, Secrets
from ..net import is_loopback
from .http import ApiError, bearer_refusal, too_large
from .ratelimit import RateLimiter

#: The searches (and the votes on their answers): the paths WEBHOOK_TOKEN guards.
GUARDED = ("/webhook", "/api/search", "/api/feedback")
#: The paths the rate caps count (a path equal to one, or under one ending in "/").
CAPPED = ("/webhook", "/api/")

Lookup = Callable[[str], "str | None"]


class Gate:
    """The refusals that need no body: size, token and rate cap."""

    def __init__(self, max_body_bytes: int, secrets: Secrets, caps: RateLimitSettings | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self.max_body_bytes, self.token = max_body_bytes, secrets.webhook_token
        #: The rate caps' name for whoever holds the token (the token itself is never a key).
        self.token_client = "token:" + hashlib.sha256(self.token.encode()).hexdigest()[:16]
        self.caps = caps or RateLimitSettings()
        if limiter is None and self.caps.per_minute > 0:
            limiter = RateLimiter(self.caps.per_minute, self.caps.burst)
        self.limiter = limiter

    def early(self, path: str, header: Lookup) -> ApiError | None:
        """The refusal for a request line and headers (`header("Content-Length")`), else None."""
        if self.token and path in GUARDED:
            refusal = bearer_refusal(header("Authorization") or "", self.token, "this server")
            if refusal is not None:
                return refusal
        length = (header("Content-Length") or "").strip()
        if length.isdigit() and int(length) > self.max_body_bytes:
            return too_large(self.max_body_bytes)
        return None

    def check(self, path: str, header: Lookup, address: str) -> ApiError | None:
        """`early`, then the rate cap of the client: its token when it sent the right one, else
        `address` (loopback addresses uncapped unless `rate_limit.loopback`)."""
        refusal = self.early(path, header)
        if refusal is not None or self.limiter is None or not capped(path):
            return refusal
        if self.token and path in GUARDED:  # the token was checked above: the client is its token
            client = self.token_client
        elif self.caps.loopback or not (address and is_loopback(address)):
            client = "address:" + address
        else:
            return None
        wait = self.limiter.wait(client)
        if wait:
            return ApiError(429, "too_many_requests", f"too many requests from this client; try again in {wait} s "
                            f"(rate_limit: {self.caps.per_minute} a minute, {self.caps.burst} at once)",
                            {"Retry-After": str(wait)})
        return None


def capped(path: str) -> bool:
    """True for the paths the rate caps count."""
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in CAPPED)


def register_gate(app: Flask, gate: Gate) -> None:
    """Apply `gate` to every request of `app` before its view runs (the body still unread)."""

    @app.before_request
    def refuse_at_the_gate() -> None:
        if request.routing_exception is not None:  # 404 and 405 come first, and count for nothing
            return
        refusal = gate.check(request.path, request.headers.get, request.remote_addr or "")
        if refusal is not None:
            raise refusal
