"""Kept for `bench/hostile.py`, which imports `bot.app.create_app`: the app now lives in `bot.web`."""
# TODO(merge issue 13): delete once bench/ imports `bot.web.create_app`.
from .web import create_app

__all__ = ["create_app"]
