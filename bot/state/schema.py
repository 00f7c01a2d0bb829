"""The state store's schema: an ordered list of migrations, one per version, never edited once shipped.

A database records the number of migrations it has run in `PRAGMA user_version`; opening it runs the rest.
To change the schema, append a migration: old files upgrade on the next start and keep their rows.
"""
from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _run(connection: sqlite3.Connection, *statements: str) -> None:
    """One statement at a time: `executescript` would commit the migration's transaction half-way."""
    for statement in statements:
        connection.execute(statement)


def v1_meta_and_dedup(connection: sqlite3.Connection) -> None:
    """Version 1: a key/value table for the store's own facts, and Slack retry keys shared by all workers."""
    _run(
        connection,
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE dedup (key TEXT PRIMARY KEY, expires_at REAL NOT NULL)",
        "CREATE INDEX dedup_expiry ON dedup (expires_at)",
    )


def v2_subscriptions_feedback_questions(connection: sqlite3.Connection) -> None:
    """Version 2: subscriptions and what each was sent, feedback votes, and the question log."""
    _run(
        connection,
        # AUTOINCREMENT: an id is never reused, so a new subscription cannot inherit old deliveries.
        """CREATE TABLE subscriptions (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               scope_kind TEXT NOT NULL CHECK (scope_kind IN ('channel', 'user')),
               scope_id TEXT NOT NULL,
               question TEXT NOT NULL,
               created_at REAL NOT NULL,
               paused_at REAL,
               pause_reason TEXT NOT NULL DEFAULT '',
               UNIQUE (scope_kind, scope_id, question))""",
        """CREATE TABLE delivered (
               subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
               lesson_id TEXT NOT NULL,
               at REAL NOT NULL,
               PRIMARY KEY (subscription_id, lesson_id))""",
        """CREATE TABLE votes (
               question TEXT NOT NULL,
               lesson_id TEXT NOT NULL,
               voter TEXT NOT NULL,
               vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
               at REAL NOT NULL,
               PRIMARY KEY (question, lesson_id, voter))""",
        """CREATE TABLE questions (
               id INTEGER PRIMARY KEY,
               at REAL NOT NULL,
               door TEXT NOT NULL,
               typed TEXT NOT NULL,
               understood TEXT NOT NULL,
               filters TEXT NOT NULL DEFAULT '{}',
               total INTEGER NOT NULL,
               top_ids TEXT NOT NULL DEFAULT '[]',
               nothing_found INTEGER NOT NULL,
               latency_ms REAL NOT NULL)""",
        "CREATE INDEX questions_at ON questions (at)",
        "CREATE INDEX questions_understood ON questions (understood)",
    )
    # The salt that keys voter hashes: random per store, so a leaked file does not reveal who voted.
    connection.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('voter_salt', ?)", (secrets.token_hex(32),))


#: Every migration in order; the schema version of a database is how many of these it has run.
MIGRATIONS: tuple[Migration, ...] = (v1_meta_and_dedup, v2_subscriptions_feedback_questions)
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchema(Exception):
    """The file was written by a newer version of this program; it is left untouched."""


def check_version(connection: sqlite3.Connection) -> int:
    """The file's schema version; raise `NewerSchema` before anything (even WAL mode) changes the file."""
    found = connection.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise NewerSchema(f"schema version {found}; this program knows up to {SCHEMA_VERSION}")
    return found


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the database to `SCHEMA_VERSION` in one transaction; return the version it had.

    Runs under BEGIN IMMEDIATE, so two processes starting together migrate once, one after the other.
    """
    found = connection.execute("PRAGMA user_version").fetchone()[0]
    if found == SCHEMA_VERSION:
        return found
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = connection.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise NewerSchema(f"schema version {found}; this program knows up to {SCHEMA_VERSION}")
        for migration in MIGRATIONS[found:]:
            migration(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return found
