"""Slack's Socket Mode: a connection out to Slack (no public URL), retried until it connects."""
from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import App

from .client import API_TIMEOUT, describe_error

log = logging.getLogger("lessons.slack")


def start_socket_mode(slack_app: App, app_token: str, *, retry_after: float = 30.0) -> SocketMode:
    """Connect `slack_app` by Socket Mode with the app-level token (`xapp-…`); returns the
    connection (close it at shutdown). A failure is logged once, never stops the web door, and
    is retried every `retry_after` seconds."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    connection = SocketMode(SocketModeHandler(slack_app, app_token), retry_after)
    connection.start()
    return connection


class SocketMode:
    """A Socket Mode connection that keeps trying to connect, in the background, until it does.

    Once connected, slack_sdk's client reconnects by itself; this covers a Slack that cannot be
    reached when the process starts.
    """

    def __init__(self, handler: Any, retry_after: float = 30.0) -> None:
        self.handler, self.retry_after = handler, retry_after
        self.connected = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Connect now; on failure log one line and keep trying every `retry_after` seconds."""
        if self._connect(first=True):
            return
        self._thread = threading.Thread(target=self._keep_trying, name="slack-socket-mode", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop trying and close the connection."""
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=API_TIMEOUT + 1)
        self.handler.close()

    def _keep_trying(self) -> None:
        while not self._closed.wait(self.retry_after):
            if self._connect(first=False):
                return

    def _connect(self, first: bool) -> bool:
        try:
            self.handler.connect()
        except Exception as error:  # noqa: BLE001 - any failure here must leave the web door serving
            if first:
                log.error("Slack Socket Mode could not connect: %s; trying again every %gs",
                          describe_error(error), self.retry_after)
            return False
        self.connected.set()
        log.info("Slack Socket Mode is connected (SLACK_APP_TOKEN set)")
        return True
