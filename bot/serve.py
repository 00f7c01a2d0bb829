"""`lessons serve`: load the lessons, build the app, run it under a production WSGI server."""
from __future__ import annotations

import argparse
import dataclasses
import logging
from typing import TextIO

from .config import Secrets, Settings

log = logging.getLogger("lessons")


def serve(args: argparse.Namespace, settings: Settings, err: TextIO) -> int:
    """Serve until interrupted; returns the exit code."""
    import waitress

    from .app import create_app
    from .cli import load_kb

    server = dataclasses.replace(
        settings.server,
        host=args.host or settings.server.host,
        port=settings.server.port if args.port is None else args.port,
    )
    logging.basicConfig(level=settings.logging.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    kb = load_kb(args.lessons, settings, err)
    for problem in kb.report.problems():
        log.warning("skipped %s", problem)
    secrets = Secrets.from_env()
    app = create_app(settings, kb, secrets=secrets)
    from .slack import start_slack

    socket_mode = start_slack(app, settings, secrets)
    log.info("serving %d lessons on http://%s:%d/", len(kb), server.host, server.port)
    try:
        waitress.serve(app, host=server.host, port=server.port, threads=server.threads, ident="lessons")
    finally:
        if socket_mode is not None:
            socket_mode.close()
    return 0
