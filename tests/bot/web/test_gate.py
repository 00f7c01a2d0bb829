"""What the web door refuses from headers alone (the token on every search, the declared size) and
the per-client rate caps, through Flask's test client; waitress's side is in test_early.py."""
from __future__ import annotations

import pytest

from bot.config import RateLimitSettings, Secrets, Settings
from bot.web import Gate, create_app
from bot.web.ratelimit import RateLimiter

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STRANGER = {"REMOTE_ADDR": "203.0.113.7"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_token_guards_every_search_not_only_the_webhook(bundled):
    client = create_app(Settings(), bundled, secrets=Secrets(webhook_token=TOKEN)).test_client()
    for response in (client.get("/api/search?q=herders"), client.get("/api/search?q=herders", headers={
            "Authorization": "Bearer nope"}), client.post("/webhook", json={"text": "herders"})):
        assert response.status_code == 401 and response.get_json()["error"] in ("missing_token", "wrong_token")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/search?q=herders", headers=AUTH).status_code == 200
    # the page, its files, one lesson by id and the health check stay open
    for path in ("/", "/static/app.js", "/api/lessons/252474", "/healthz", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_a_declared_body_over_the_limit_is_refused_before_any_view(bundled):
    gate = Gate(100, Secrets())
    assert gate.early("/slack/events", {"Content-Length": "101"}.get).code == 413
    assert gate.early("/webhook", {"Content-Length": "100"}.get) is None


def rate_capped(bundled, clock: Clock, token: str = "", **caps) -> object:
    settings = Settings()
    limits = RateLimitSettings(**{"per_minute": 60, "burst": 3, **caps})
    gate = Gate(settings.server.max_body_bytes, Secrets(webhook_token=token), limits,
                RateLimiter(limits.per_minute, limits.burst, clock=clock))
    return create_app(settings, bundled, gate=gate).test_client()


def test_a_client_over_its_rate_cap_gets_429_with_retry_after_then_is_served_again(bundled):
    clock = Clock()
    client = rate_capped(bundled, clock)
    statuses = [client.get("/api/search?q=herders", environ_base=STRANGER).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/webhook", json={"text": "herders"}, environ_base=STRANGER)
    assert refused.status_code == 429 and refused.get_json()["error"] == "too_many_requests"
    assert refused.headers["Retry-After"] == "1" and "rate_limit" in refused.get_json()["detail"]
    assert client.get("/healthz", environ_base=STRANGER).status_code == 200  # health checks are never capped
    other = {"REMOTE_ADDR": "198.51.100.9"}
    assert client.get("/api/lessons/252474", environ_base=other).status_code == 200  # caps are per client
    clock.now += 1.0  # a second: one more request (60 a minute)
    assert client.get("/api/search?q=herders", environ_base=STRANGER).status_code == 200
    assert client.get("/api/search?q=herders", environ_base=STRANGER).status_code == 429


def test_loopback_is_uncapped_by_default_but_a_token_is_capped_wherever_it_comes_from(bundled):
    clock = Clock()
    local = rate_capped(bundled, clock)
    assert {local.get("/api/search?q=herders").status_code for _ in range(5)} == {200}  # 127.0.0.1
    capped = rate_capped(bundled, clock, loopback=True)
    assert [capped.get("/api/search?q=herders").status_code for _ in range(4)][-1] == 429
    with_token = rate_capped(bundled, clock, token=TOKEN)
    assert [with_token.get("/api/search?q=herders", headers=AUTH).status_code for _ in range(4)] == [200] * 3 + [429]


def test_the_caps_can_be_turned_off(bundled):
    settings = Settings(rate_limit=RateLimitSettings(per_minute=0, loopback=True))
    client = create_app(settings, bundled).test_client()
    assert {client.get("/api/search?q=herders").status_code for _ in range(40)} == {200}


def test_the_limiter_refills_at_its_rate_and_forgets_the_oldest_clients():
    clock = Clock()
    limiter = RateLimiter(per_minute=30, burst=2, clock=clock, max_clients=3)
    assert [limiter.wait("a") for _ in range(3)] == [0, 0, 2]  # 30 a minute: one every 2 s
    clock.now += 2.0
    assert limiter.wait("a") == 0
    for client in "bcde":
        limiter.wait(client)
    assert len(limiter) == 3
    with pytest.raises(ValueError):
        RateLimiter(per_minute=0, burst=1)
