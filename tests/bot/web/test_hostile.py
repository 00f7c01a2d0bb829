"""Hostile input to the webhook: whatever arrives, the answer is JSON with a 2xx or 4xx status."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.web import create_app

LIMITED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def client(bundled):
    return create_app(Settings(), bundled).test_client()


def assert_handled(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert ("results" in body and "text" in body) if response.status_code == 200 else set(body) == {"error", "detail"}


@LIMITED
@given(body=st.binary(max_size=300),
       content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded"]))
def test_any_bytes(client, body, content_type):
    assert_handled(client.post("/webhook", data=body, content_type=content_type))


@LIMITED
@given(payload=json_values | st.fixed_dictionaries({"text": json_values},
                                                  optional={"limit": json_values, "offset": json_values}))
def test_any_json_shape(client, payload):
    assert_handled(client.post("/webhook", data=json.dumps(payload), content_type="application/json"))


@LIMITED
@given(text=st.text(max_size=600), limit=st.none() | st.integers(-5, 60), offset=st.none() | st.integers(-5, 100))
def test_any_question(client, text, limit, offset):
    payload = {"text": text, **({"limit": limit} if limit is not None else {}),
               **({"offset": offset} if offset is not None else {})}
    assert_handled(client.post("/webhook", json=payload))
