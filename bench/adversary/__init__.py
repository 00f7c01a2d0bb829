"""The adversary's toolkit for bench/hostile.py: a raw HTTP client, a fake Slack, the server
under test, and the scenarios. Standard library only; it talks to `lessons serve` over 127.0.0.1."""
