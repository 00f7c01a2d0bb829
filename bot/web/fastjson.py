"""JSON responses written by orjson (several times faster than the standard library's encoder),
for every `jsonify` of the app and for the answers the web door caches as bytes."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """`value` as UTF-8 JSON plus a newline (what `jsonify` sends). What orjson refuses (integers
    beyond 64 bits, lone surrogates) goes through the standard library, escaped to ASCII."""
    try:
        return orjson.dumps(value, default=_plain, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(value, default=_plain) + "\n").encode("ascii")


def _plain(value: Any) -> Any:
    """What orjson cannot write by itself: read-only mappings, sets, and Flask's extras."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return DefaultJSONProvider.default(value)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson for writing; reading stays Flask's (the door parses
    request bodies itself, with its own limits)."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return dumps(obj).decode("utf-8").rstrip("\n")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        return self._app.response_class(dumps(self._prepare_response_obj(args, kwargs)), mimetype=self.mimetype)
