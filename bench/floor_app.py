"""The floor of bench/load.py: a minimal Flask webhook under gunicorn (2 sync workers, --preload),
measured in the same run as `lessons serve`. It reads the JSON question and answers a small JSON
object without searching: what gunicorn, Flask and the loopback cost by themselves."""
from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask("floor")


@app.post("/webhook")
def webhook():
    question = (request.get_json(silent=True) or {}).get("text", "")
    return jsonify(query=question, total=0, results=[])
