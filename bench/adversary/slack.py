"""Scenarios against the Slack door (POST /slack/events), with requests signed by the test
signing secret; answers are counted at the fake Slack (Web API calls and response_url posts)."""
from __future__ import annotations

import itertools
import json
import re
import time
from urllib.parse import urlencode

from .fakeslack import TEAM, UNREACHABLE
from .probe import Bench, Probe
from .server import SECRETS
from .wire import Reply, build, sign

_ids = itertools.count(1)


def uid(prefix: str) -> str:
    """A fresh id, unique in this run (channels, events, response_url paths)."""
    return f"{prefix}{int(time.time())}X{next(_ids)}"


def slack_post(probe: Probe, body: bytes, kind: str, timestamp: str | None = None, timeout: float = 10.0,
               headers: dict[str, str] | None = None) -> Reply:
    signed = sign(SECRETS["SLACK_SIGNING_SECRET"], body, timestamp)
    return probe.send(build("POST", "/slack/events", body, {"Content-Type": kind, **signed, **(headers or {})}),
                      timeout=timeout)


def event(probe: Probe, inner: dict, outer: dict | None = None) -> Reply:
    body = {"token": "legacy", "team_id": TEAM, "api_app_id": "ABENCH", "type": "event_callback",
            "event_id": uid("Ev"), "event_time": int(time.time()), "event": inner, **(outer or {})}
    return slack_post(probe, json.dumps(body).encode(), "application/json")


def response_url(host: str, secret: str) -> str:
    return f"http://{host}/commands/{TEAM}/{secret}"


def command(text: str, url: str, channel: str = "CBENCH") -> bytes:
    return urlencode({"token": "legacy", "team_id": TEAM, "team_domain": "bench", "channel_id": channel,
                      "channel_name": "bench", "user_id": "UASKER", "user_name": "asker", "command": "/lessons",
                      "text": text, "api_app_id": "ABENCH", "response_url": url,
                      "trigger_id": uid("trig")}).encode()


def action(action_id: str, value: str, url: str) -> bytes:
    payload = {"type": "block_actions", "team": {"id": TEAM, "domain": "bench"}, "user": {"id": "UASKER"},
               "api_app_id": "ABENCH", "token": "legacy", "trigger_id": uid("trig"), "response_url": url,
               "container": {"type": "message", "message_ts": "1.1", "channel_id": "CBENCH", "is_ephemeral": True},
               "channel": {"id": "CBENCH", "name": "bench"}, "enterprise": None,
               "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value,
                            "action_ts": f"{time.time():.6f}"}]}
    return urlencode({"payload": json.dumps(payload)}).encode()


FORM = "application/x-www-form-urlencoded"


def huge_timestamp(bench: Bench, probe: Probe) -> None:
    """X-Slack-Request-Timestamp of 4,301 digits (Python will not convert it): 401, not 500."""
    body = command("youth", response_url("hooks.slack.com", uid("ts")))
    reply = slack_post(probe, body, FORM, timestamp="1" * 4301)
    probe.note(f"{reply.status} {reply.body[:60]!r}")


def response_url_in_log(bench: Bench, probe: Probe) -> None:
    """Slash commands whose response_url is on GovSlack's host or in upper case, reachable or not:
    answered when reachable, and the URL (a bearer capability) never in the log."""
    for host in ("hooks.slack-gov.com", "HOOKS.SLACK.COM", "hooks.slack.com"):
        for reachable in (True, False):
            secret = uid("RURL") + ("" if reachable else UNREACHABLE)
            probe.log_needles.append(secret)
            reply = slack_post(probe, command("child labour", response_url(host, secret)), FORM)
            posts = bench.fake.wait_for(secret, 1 if reachable else 2, timeout=5)
            probe.note(f"{host}{'' if reachable else ' (unreachable)'}: {reply.status}, {len(posts)} posts")
            if reachable:
                probe.lost(0 if posts else 1, f"no answer posted to the response_url on {host}")
    time.sleep(1.0)  # the failed posts are logged after slack_sdk's retry


def _buttons(bench: Bench, probe: Probe) -> dict[str, str]:
    """Ask once (slash command); the answer's buttons, action_id -> value, as posted at the fake."""
    secret = uid("BTN")
    slack_post(probe, command("child labour", response_url("hooks.slack.com", secret)), FORM)
    found = {}
    for call in bench.fake.wait_for(secret, 1, timeout=5):
        for block in call.body.get("blocks") or []:
            for element in block.get("elements") or []:
                if isinstance(element, dict) and element.get("value") and element.get("action_id"):
                    found[element["action_id"]] = element["value"]
    return found


def replays(bench: Bench, probe: Probe) -> None:
    """The same signed slash command, then the same button click, delivered twice: one answer each."""
    secret = uid("REPLAY")
    body = command("social protection", response_url("hooks.slack.com", secret))
    stamp = str(int(time.time()))
    for _ in range(2):
        slack_post(probe, body, FORM, timestamp=stamp)
    command_posts = len(bench.fake.wait_for(secret, 2, timeout=4))
    button = next(((k, v) for k, v in _buttons(bench, probe).items() if "share" not in k), None)
    if button is None:
        probe.fail("the answer had no paging button to click")
        return
    secret = uid("CLICK")
    click = action(*button, response_url("hooks.slack.com", secret))
    for _ in range(2):
        slack_post(probe, click, FORM, timestamp=stamp)
    click_posts = len(bench.fake.wait_for(secret, 2, timeout=4))
    probe.note(f"slash command x2 -> {command_posts} answers; click {button[0]} x2 -> {click_posts} answers")
    probe.lost(int(not command_posts) + int(not click_posts), "a delivery was not answered at all")
    if command_posts > 1 or click_posts > 1:
        probe.fail(f"replays answered twice (command {command_posts}, click {click_posts})")


def unhandled_deliveries(bench: Bench, probe: Probe) -> None:
    """Deliveries Slack sends that the bot does not act on must still get 200 (else: failed delivery)."""
    view = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "UASKER"}, "api_app_id": "ABENCH",
            "view": {"id": "VBENCH", "type": "modal", "callback_id": "bench_modal", "state": {"values": {}}}}
    cases = {
        "app_rate_limited": (json.dumps({"token": "legacy", "type": "app_rate_limited", "team_id": TEAM,
                                         "minute_rate_limited": int(time.time()) // 60 * 60,
                                         "api_app_id": "ABENCH"}).encode(), "application/json"),
        "unknown action id": (action("bench_unknown", "x", response_url("hooks.slack.com", uid("UNK"))), FORM),
        "view_submission": (urlencode({"payload": json.dumps(view)}).encode(), FORM),
    }
    refused = []
    for label, (body, kind) in cases.items():
        reply = slack_post(probe, body, kind)
        probe.note(f"{label}: {reply.status}")
        if reply.status != 200:
            refused.append(f"{label} {reply.status}")
    if refused:
        probe.fail("not acknowledged: " + ", ".join(refused))


MALFORMED_SIGNED = {
    "event type not text": {"type": "event_callback", "event_id": "EvM1", "event": {"type": 5}},
    "action_id not text": {"payload": {"type": "block_actions", "user": {"id": "U1"},
                                       "actions": [{"action_id": 5, "value": "x"}]}},
    "event text a list": {"type": "event_callback", "event_id": "EvM3",
                          "event": {"type": "message", "channel_type": "im", "channel": "DBENCHM", "user": "U1",
                                    "text": ["child"], "ts": "1.2"}},
    "command text a list": {"form": [("command", "/lessons"), ("text", "a"), ("text", "b"), ("user_id", "U1")]},
    "callback_id an object": {"payload": {"type": "view_submission", "view": {"callback_id": {"a": 1}}}},
    "type a list": {"type": ["event_callback"], "event": {"type": "app_mention"}},
    "event without type": {"type": "event_callback", "event_id": "EvM7", "event": {"channel": "C1"}},
    "block_suggestion action_id an object": {"payload": {"type": "block_suggestion", "action_id": {"x": 1},
                                                         "block_id": "b1"}},
    "dialog_submission callback_id an object": {"payload": {"type": "dialog_submission", "callback_id": {"x": 1}}},
}


def malformed_signed(bench: Bench, probe: Probe) -> None:
    """Signed payloads of shapes Slack never sends: a 4xx (or 200), no 5xx, no traceback."""
    for label, shape in MALFORMED_SIGNED.items():
        if "payload" in shape:
            body, kind = urlencode({"payload": json.dumps(shape["payload"])}).encode(), FORM
        elif "form" in shape:
            body, kind = urlencode(shape["form"]).encode(), FORM
        else:
            body, kind = json.dumps(shape).encode(), "application/json"
        reply = slack_post(probe, body, kind)
        probe.note(f"{label}: {reply.status}")
    time.sleep(0.5)  # listeners run after the ack; let their log lines land in this scenario


def unanswered_messages(bench: Bench, probe: Probe) -> None:
    """A DM question with a file attached (subtype file_share) and a thread_broadcast: answered?"""
    cases = {
        "plain DM (control)": {},
        "file_share DM": {"subtype": "file_share", "files": [{"id": "F1", "name": "notes.txt"}]},
        "thread_broadcast DM": {"subtype": "thread_broadcast", "thread_ts": "1700000000.000100",
                                "root": {"ts": "1700000000.000100"}},
    }
    missing = []
    for label, extra in cases.items():
        channel = uid("D")
        event(probe, {"type": "message", "channel_type": "im", "channel": channel, "user": "UASKER",
                      "text": "child labour", "ts": f"{time.time():.6f}", **extra})
        posts = bench.fake.wait_for(channel, 1, timeout=4)
        probe.note(f"{label}: {len(posts)} answers")
        if not posts:
            missing.append(label)
    probe.lost(len(missing), "no answer to: " + ", ".join(missing))


def share_pings(bench: Bench, probe: Probe) -> None:
    """"Share in channel" posts the answer for everyone; it must not @-mention (notify) anyone."""
    share = next(((k, v) for k, v in _buttons(bench, probe).items() if "share" in k), None)
    if share is None:
        probe.fail("the answer had no Share button")
        return
    secret = uid("SHARED")
    slack_post(probe, action(*share, response_url("hooks.slack.com", secret)), FORM)
    shared = [c.body for c in bench.fake.wait_for(secret, 2, timeout=5) if c.body.get("response_type") == "in_channel"]
    mentions = sorted(set(re.findall(r"<@[UW][A-Z0-9]+>", json.dumps(shared))))
    probe.note(f"{len(shared)} shared posts; mentions: {', '.join(mentions) or 'none'}")
    probe.lost(0 if shared else 1, "the click on Share posted nothing")
    if mentions:
        probe.fail(f"the shared answer mentions {mentions[0]}, which notifies them")


def slack_unreachable(bench: Bench, probe: Probe) -> None:
    """Slack's Web API hangs up on an answer: the failure logged once, slack_sdk's per-attempt
    lines at DEBUG only (README, "When Slack's Web API fails")."""
    offset, channel = bench.server.log_size(), "D" + UNREACHABLE + uid("")
    event(probe, {"type": "message", "channel_type": "im", "channel": channel, "user": "UASKER",
                  "text": "child labour", "ts": f"{time.time():.6f}"})
    attempts = bench.fake.wait_for(channel, 2, timeout=6)
    time.sleep(1.0)
    chatty = [line for line in bench.server.log_since(offset).splitlines() if " INFO slack_sdk" in line]
    probe.note(f"{len(attempts)} attempts at chat.postMessage; {len(chatty)} slack_sdk lines at INFO")
    if chatty:
        probe.fail(f"{len(chatty)} per-attempt lines from slack_sdk at INFO: {chatty[0].split(': ', 1)[-1][:70]}")


def half_configured_slack(bench: Bench, probe: Probe) -> None:
    """SLACK_BOT_TOKEN without SLACK_SIGNING_SECRET: the log must warn and name what is missing."""
    server = bench.fresh_server("half-slack", without=("SLACK_SIGNING_SECRET",))
    try:
        text = server.log_since(0)
    finally:
        server.stop()
    probe.extra_log += text
    named = [line for line in text.splitlines() if "SLACK_SIGNING_SECRET" in line or "Slack is off" in line]
    warned = [line for line in named if " WARNING " in line or " ERROR " in line]
    probe.note("log: " + (named[0].split(" ", 2)[-1][:110] if named else "nothing about Slack"))
    if not warned:
        probe.fail("no warning that SLACK_SIGNING_SECRET is missing (Slack silently off)")
