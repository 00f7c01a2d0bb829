"""Fixtures of the bot's tests: no Slack settings from the environment, a fake Slack Web API,
the app with the Slack door pointed at it, and a state file with a question recorder over it
(`bundled` and the helpers are in tests/conftest.py)."""
from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.recording import QuestionRecorder
from bot.state import QuestionLog, StateStore

from ..fakes.slack import Door, FakeSlack


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch):
    """The developer's own SLACK_* variables never reach a test (bolt reads some by itself)."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
                 "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake():
    """A fake Slack Web API on 127.0.0.1, closed after the test."""
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def door(fake, bundled):
    """The app with Slack mounted over the bundled lessons, talking to `fake`."""
    made = Door(fake, bundled)
    yield made
    made.executor.shutdown(wait=True)


@pytest.fixture
def state(tmp_path):
    """A fresh state file, closed after the test."""
    store = StateStore(tmp_path / "state.sqlite3")
    yield store
    store.close()


@pytest.fixture
def recorder(state):
    """The question log's recorder over `state`, as `lessons serve` builds it (90 days kept)."""
    made = QuestionRecorder(QuestionLog(state), 90)
    yield made
    made.close()


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`lessons ARGV...` in process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()
