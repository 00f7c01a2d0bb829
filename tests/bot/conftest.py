"""Fixtures of the bot's tests: no Slack settings from the environment, a fake Slack Web API,
and the app with the Slack door pointed at it (`bundled` and the helpers are in tests/conftest.py)."""
from __future__ import annotations

import pytest

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
