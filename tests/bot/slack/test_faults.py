"""Slack's Web API misbehaving: unreachable, 429, 500/503, slow. The door keeps acknowledging,
retries what slack_sdk's handlers retry, logs a failure once, and recovers when Slack does."""
from __future__ import annotations

import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Secrets
from bot.logs import setup_logging
from bot.render.blocks import ACTION_MORE, encode_value
from bot.slack.client import API_TIMEOUT, web_client
from bot.slack.identity import BotIdentity

from ...conftest import free_port, wait_until
from ...fakes.slack import BOT_ID, BOT_USER, HERDERS, HERDERS_URL, Door, FakeSlack, action_body, command_body, dm


@pytest.fixture
def served_log():
    """What `lessons serve` would write at INFO: its own handler, into a string."""
    stream = io.StringIO()
    handler = setup_logging("INFO", "text", [], stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def failures(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Slack listener failed")]


# -- Slack unreachable ----------------------------------------------------------------------------

def test_slack_unreachable_at_start_is_acked_the_web_door_serves_and_slack_works_once_back(bundled, caplog,
                                                                                           served_log):
    caplog.set_level(logging.INFO, logger="lessons.slack")
    port = free_port()  # nothing listens here yet: every Web API call is refused
    door = Door(None, bundled, api_url=f"http://127.0.0.1:{port}/api/", auth_retry_after=0.0)
    try:
        door.event(dm(HERDERS, channel="D0DOWN"), event_id="EvDown1")  # asserts 200
        response = door.send(command_body(HERDERS, f"http://127.0.0.1:{port}/response/down"))
        assert response.status_code == 200
        assert door.identity.ids is None
        wait_until(lambda: len(failures(caplog)) >= 2)  # both answers failed, and said so
        assert door.client.get("/healthz").status_code == 200
        webhook = door.client.post("/webhook", json={"text": HERDERS})
        assert webhook.status_code == 200 and HERDERS_URL in webhook.get_data(as_text=True)
        assert caplog.text.count("Slack's Web API cannot be reached") == 1
        # Once each: the outage (a warning), and each answer that could not be sent (an error);
        # slack_sdk's line per failed attempt is demoted to DEBUG.
        problems = [line for line in served_log.getvalue().splitlines() if " ERROR " in line or " WARNING " in line]
        assert len(problems) == 3 and sum("Slack listener failed" in line for line in problems) == 2, problems

        fake = FakeSlack(port)  # Slack is back
        try:
            door.event(dm(HERDERS, ts="1700000200.000200"), event_id="EvUp1")
            (posted,) = fake.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == "D0DM")
            assert HERDERS_URL in posted.text
            wait_until(lambda: door.identity.ids is not None)
            assert fake.received("auth.test") and door.identity.ids["bot_id"] == BOT_ID
            wait_until(lambda: "Slack's Web API is reachable again" in caplog.text)
            door.drain()
        finally:
            fake.close()
    finally:
        door.executor.shutdown(wait=True)


def test_own_messages_are_ignored_while_the_bot_s_ids_are_unknown(fake, bundled):
    fake.fail_next["auth.test"] = [500] * 50
    door = Door(fake, bundled)
    door.event(dm("an answer of ours", user=BOT_USER, bot_id=BOT_ID), event_id="EvSelf1")
    door.event(dm("a bot message", ts="1700000101.000100", subtype="bot_message", bot_id=BOT_ID, user=None),
               event_id="EvSelf2")
    door.event(dm(HERDERS, ts="1700000102.000100"), event_id="EvPerson")
    fake.wait_for("chat.postMessage")
    door.drain()
    assert door.identity.ids is None
    (posted,) = fake.received("chat.postMessage")
    assert HERDERS_URL in posted.text


def test_auth_test_is_retried_no_sooner_than_retry_after(fake, bundled):
    fake.fail_next["auth.test"] = [500] * 50
    door = Door(fake, bundled, auth_retry_after=60.0)
    door.event(dm("question 0", ts="1700000100.000100"), event_id="EvQ0")
    fake.wait_for("auth.test", count=2)  # one lookup, and ServerErrorRetryHandler's one retry
    for n in (1, 2):
        door.event(dm(f"question {n}", ts=f"17000001{n:02d}.000100"), event_id=f"EvQ{n}")
    fake.wait_for("chat.postMessage", count=3)
    door.drain()
    assert len(fake.received("auth.test")) == 2


class HungSlack:
    """A Web API client whose auth.test hangs until released."""

    token = "xoxb-x"

    def __init__(self) -> None:
        self.release, self.calls = threading.Event(), 0

    def auth_test(self) -> dict:
        self.calls += 1
        self.release.wait(20)
        return {"user_id": BOT_USER, "bot_id": BOT_ID}


def test_a_hung_auth_test_is_waited_for_by_its_first_seconds_not_by_every_request():
    now = [0.0]
    slack = HungSlack()
    identity = BotIdentity(slack, wait=30.0, clock=lambda: now[0])
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(identity)  # starts the lookup and waits for it (up to 30 s)
        wait_until(lambda: slack.calls > 0)
        now[0] = 31.0  # past the lookup's first `wait` seconds
        later = pool.submit(identity).result(timeout=10)  # does not wait another 30 s
        assert later.bot_user_id is None and later.bot_token == "xoxb-x" and slack.calls == 1
        slack.release.set()
        assert first.result(timeout=10).bot_user_id == BOT_USER
    assert identity(team_id="T1").bot_id == BOT_ID and slack.calls == 1


def test_a_refused_token_is_logged_as_such_and_requests_go_on(fake, bundled, caplog):
    fake.answer = lambda path, body: {"ok": False, "error": "invalid_auth"}
    door = Door(fake, bundled)
    door.event(dm(HERDERS))
    wait_until(lambda: "refused the bot token (auth.test: 200 invalid_auth)" in caplog.text)
    door.drain()


# -- Web API errors ---------------------------------------------------------------------------------

def test_the_client_has_a_timeout_and_retries_429_500_and_connection_errors():
    client = web_client(Secrets(slack_bot_token="xoxb-x"))
    assert client.timeout == API_TIMEOUT <= 10
    kinds = {type(h): h.max_retry_count for h in client.retry_handlers}
    assert kinds == {ConnectionErrorRetryHandler: 1, RateLimitErrorRetryHandler: 2, ServerErrorRetryHandler: 1}


def test_429_is_retried_once_after_retry_after(door, fake):
    fake.fail_next["chat.postMessage"] = [429]
    door.event(dm(HERDERS))
    first, second = fake.wait_for("chat.postMessage", count=2)
    door.drain()
    assert len(fake.received("chat.postMessage")) == 2
    assert second.at - first.at >= 1.0  # Retry-After: 1
    assert len(fake.history["D0DM"]) == 1 and HERDERS_URL in second.text


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_retried_exactly_once_and_one_message_is_posted(door, fake, status):
    fake.fail_next["chat.postMessage"] = [status]
    door.event(dm(HERDERS))
    fake.wait_for("chat.postMessage", count=2)
    door.drain()
    assert len(fake.received("chat.postMessage")) == 2
    assert len(fake.history["D0DM"]) == 1


def test_a_post_that_keeps_failing_is_logged_once_and_the_next_question_is_answered(door, fake, caplog):
    fake.fail_next["chat.postMessage"] = [503, 503]
    door.event(dm(HERDERS), event_id="EvFail")
    wait_until(lambda: failures(caplog))
    door.event(dm("child labour", ts="1700000200.000200"), event_id="EvNext")
    fake.wait_for("chat.postMessage", count=3)
    door.drain()
    assert failures(caplog) == ["Slack listener failed: 503 internal_error"]
    assert len(fake.history["D0DM"]) == 1


# -- a slow Web API ------------------------------------------------------------------------------------

def test_slow_api_does_not_hold_the_ack_of_events_and_commands(door, fake):
    posts, responses = fake.hold("chat.postMessage"), fake.hold("/response/slow")
    door.event(dm(HERDERS))
    assert door.send(command_body(HERDERS, fake.response_url("slow"))).status_code == 200
    # Both acks arrived while the fake was still holding the calls they lead to.
    assert fake.received("chat.postMessage") == [] and fake.received("/response/slow") == []
    posts.set()
    responses.set()
    fake.wait_for("chat.postMessage", timeout=15)
    fake.wait_for("/response/slow", timeout=15)


def test_commands_and_clicks_are_acked_while_slow_posts_keep_every_listener_busy(door, fake):
    posts = fake.hold("chat.postMessage")
    for n in range(4):  # the test pool has four threads: all of them now wait on Slack
        door.event(dm(HERDERS, ts=f"17000001{n:02d}.000100"), event_id=f"EvBusy{n}")
    assert door.send(command_body(HERDERS, fake.response_url("queued"))).status_code == 200
    click = action_body(ACTION_MORE, encode_value("herders", 5), fake.response_url("click"))
    assert door.send(click).status_code == 200
    assert fake.received("chat.postMessage") == []  # acked while every listener was still waiting
    posts.set()
    fake.wait_for("/response/queued", timeout=30)  # and answered once a thread was free
    fake.wait_for("/response/click", timeout=30)


def test_slow_auth_test_does_not_hold_the_ack(fake, bundled):
    door = Door(fake, bundled, auth_wait=0.1)  # a request waits that long for the lookup, then goes on
    lookup = fake.hold("auth.test")
    door.event(dm(HERDERS))
    assert fake.received("auth.test") == []  # acked while auth.test was still unanswered
    (posted,) = fake.wait_for("chat.postMessage")  # answered without waiting for it either
    assert HERDERS_URL in posted.text
    lookup.set()
    fake.wait_for("auth.test", timeout=15)
    door.drain()
