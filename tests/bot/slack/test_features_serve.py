"""The features through a real `lessons serve` (Slack on, against the fake Slack Web API) with a real
state file: citations and similar lessons from every door, votes from Slack and the page that move a
hit and are exported, and a subscription that hears of a new lesson once, across a restart."""
from __future__ import annotations

import io
import json
import re
import shutil
import signal
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.render.buttons import ACTION_CITE, ACTION_HELPFUL, ACTION_SIMILAR, lesson_value, vote_value
from knowledge import BUNDLED_LESSONS

from ...conftest import lesson_page, wait_until
from ...fakes.slack import BOT_TOKEN, SECRET, FakeSlack, action_body, command_body, sign
from .test_serve import Server

CLOSE = "cocoa cooperatives farmers"
TOPIC = "child labour in cocoa supply chains"


def matching(lesson_id: str) -> str:
    return lesson_page(lesson_id, eval_number=f"7{lesson_id}", title=f"Cocoa supply chains {lesson_id}",
                       description="Child labour in cocoa supply chains fell where cooperatives audited farms.")


@dataclass
class World:
    tmp: Path
    root: Path
    config: Path
    fake: FakeSlack
    env: dict[str, str]
    server: Server

    def restart(self) -> None:
        self.server.stop()
        self.server = Server(self.tmp, self.env, "--config", str(self.config))

    def slack(self, body: str, name: str):
        assert self.server.post(body, sign(body)) == 200
        return self.fake.wait_for(f"/response/{name}")[-1]

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.server.url + path, timeout=10) as response:
            return json.load(response)

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(self.server.url + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def cli(self, *argv: str) -> str:
        out = io.StringIO()
        assert main([*argv, "--config", str(self.config)], stdout=out, stderr=io.StringIO()) == 0
        return out.getvalue()

    def log_count(self, text: str) -> int:
        return self.server.log.read_text().count(text)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    root = tmp / "lessons"
    shutil.copytree(BUNDLED_LESSONS, root)
    (root / "800001.txt").write_text(lesson_page("800001", description="Cocoa cooperatives trained farmers in "
                                                                       "the north."))
    (root / "800002.txt").write_text(lesson_page("800002", description="Cocoa cooperatives trained many farmers."))
    config = tmp / "config.yaml"
    config.write_text(f"lessons:\n  paths: [{root}]\nstate:\n  path: state/bot.sqlite3\n")
    fake = FakeSlack()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url}
    made = World(tmp, root, config, fake, env, Server(tmp, env, "--config", str(config)))
    yield made
    made.server.stop()
    fake.close()


def test_the_state_file_is_made_where_the_config_says_and_health_reports_it(world):
    health = world.get("/healthz")
    assert health["status"] == "ok" and health["state"]["ok"] and health["state"]["schema_version"] == 2
    assert (world.tmp / "state" / "bot.sqlite3").exists()
    assert f"state store {world.tmp / 'state' / 'bot.sqlite3'}" in world.server.log.read_text()


def test_a_citation_and_similar_lessons_from_every_door(world):
    cited = world.slack(action_body(ACTION_CITE, lesson_value("252474"), world.fake.response_url("cite")), "cite")
    lesson = world.get("/api/lessons/252474")
    assert lesson["citations"]["text"].replace('"', '\\"') in cited.text
    assert world.cli("cite", "252474", "--format", "ris") == lesson["citations"]["ris"] + "\n"
    similar_web = [r["id"] for r in world.get("/api/lessons/252474/similar")["results"]]
    similar_cli = [r["id"] for r in json.loads(world.cli("similar", "252474", "--json"))["results"]]
    slack = world.slack(action_body(ACTION_SIMILAR, lesson_value("252474"), world.fake.response_url("sim")), "sim")
    similar_slack = re.findall(r"<https://[^|>]+/lessons/(\d+)\|", slack.text)
    assert similar_web == similar_cli == similar_slack and len(similar_web) == 5
    with urllib.request.urlopen(world.server.url + "/lessons/252474", timeout=10) as response:
        page = response.read().decode()
    assert all(f'href="/lessons/{i}"' in page for i in similar_web)


def test_votes_from_slack_and_the_page_move_a_hit_and_are_exported(world):
    before = [r["id"] for r in world.get(f"/api/search?q={CLOSE.replace(' ', '+')}")["results"]]
    second = before[1]
    thanks = world.slack(action_body(ACTION_HELPFUL, vote_value(CLOSE, second), world.fake.response_url("vote"),
                                     user="U0ANA"), "vote")
    assert "*helpful*" in thanks.text
    assert world.post("/api/feedback", {"question": CLOSE, "lesson_id": second, "vote": "helpful",
                                        "voter": "page-visitor"})["ok"] is True
    after = world.get(f"/api/search?q={CLOSE.replace(' ', '+')}")["results"]
    assert [r["id"] for r in after][:2] == [second, before[0]]
    assert after[0]["feedback"]["voters"] == 2 and after[0]["feedback"]["rank_without_feedback"] == 2
    target = world.tmp / "judged.yaml"
    world.cli("feedback", "--export", str(target))  # while the server runs: WAL lets both at the file
    judged = yaml.safe_load(target.read_text())
    assert {"query": CLOSE, "relevant": {int(second): 2}} in [{k: c[k] for k in ("query", "relevant")}
                                                               for c in judged]


def reload_and_wait(world: World, posts_logged: int) -> None:
    world.server.process.send_signal(signal.SIGHUP)
    wait_until(lambda: world.log_count("subscription posts after the reload") >= posts_logged, timeout=30,
               every=0.05)


def test_a_new_matching_lesson_is_posted_once_to_the_channel_even_after_a_restart(world):
    made = world.slack(command_body(f"subscribe {TOPIC}", world.fake.response_url("sub")), "sub")
    assert "Subscribed (number 1)" in made.text
    (world.root / "800010.txt").write_text(matching("800010"))
    (world.root / "800011.txt").write_text(lesson_page("800011", description="Roads were repaired."))
    reload_and_wait(world, 1)
    assert "2 new lessons, 1 posted, 0 paused, 0 failed" in world.server.log.read_text()
    (post,) = [c for c in world.fake.received("chat.postMessage") if c.body["channel"] == "C0CHAN"]
    assert "lessons/800010|" in post.text and "800011" not in post.text and TOPIC in post.text

    world.restart()  # a new process over the same state file
    serving = world.get("/healthz")["lessons"]
    (world.root / "800010.txt").unlink()
    world.server.process.send_signal(signal.SIGHUP)
    wait_until(lambda: (world.get("/healthz")["reload"] or {}).get("lessons") == serving - 1, timeout=30)
    (world.root / "800010.txt").write_text(matching("800010"))  # back: new to this load, but already sent
    (world.root / "800012.txt").write_text(matching("800012"))
    reload_and_wait(world, 1)
    assert "2 new lessons, 1 posted" in world.server.log.read_text()
    first, second = [c for c in world.fake.received("chat.postMessage") if c.body["channel"] == "C0CHAN"]
    assert "lessons/800012|" in second.text and "800010" not in second.text
    listed = json.loads(world.cli("subscriptions", "--json"))
    assert [(s["scope"]["id"], s["question"]) for s in listed] == [("C0CHAN", TOPIC)]
