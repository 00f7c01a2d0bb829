"""One SQLite file that every server process shares: subscriptions, feedback, the question log, retry keys.

The store never stops a search: any failure (locked, corrupt, unwritable, too new) becomes one typed
`StateUnavailable` with a polite message for the user and a detail for the log and `/healthz`. A damaged
file is never deleted or recreated; it stays where it is for the operator to restore or inspect.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .schema import SCHEMA_VERSION, NewerSchema, check_version, migrate

log = logging.getLogger("lessons.state")

BUSY = "The bot's memory is busy right now; please try again in a moment."
DAMAGED = "The bot's memory is damaged, so this is unavailable; the operator has been told."
UNWRITABLE = "The bot cannot open or write its memory, so this is unavailable; the operator has been told."
NEWER = "The bot's memory was written by a newer version, so this is unavailable; the operator has been told."


class StateUnavailable(Exception):
    """The store cannot serve this operation. `message` is safe to show a user; `detail` is for the log."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.message, self.detail = message, detail


@dataclass(frozen=True)
class Health:
    """What `/healthz` shows about the store."""

    ok: bool
    message: str
    path: str
    schema_version: int | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values."""
        return {"ok": self.ok, "message": self.message, "path": self.path, "schema_version": self.schema_version}


def classify(error: BaseException) -> str:
    """The user-facing message for a low-level failure."""
    text = str(error).lower()
    if isinstance(error, NewerSchema):
        return NEWER
    if "locked" in text or "busy" in text:
        return BUSY
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DAMAGED
    return UNWRITABLE


class StateStore:
    """The state file, opened lazily: one connection per thread and process, schema migrated on first use.

    Safe for several threads and processes at once (WAL mode; writers wait up to `timeout` seconds).
    A connection is never used across `fork()`: a worker forked after use opens its own.
    """

    def __init__(self, path: str | Path, *, timeout: float = 5.0, clock: Callable[[], float] = time.time) -> None:
        self.path, self.timeout, self.clock = Path(path), timeout, clock
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []  # guarded by _lock; closed by close()
        self._inherited: list[sqlite3.Connection] = []  # a parent's, kept open and unused after fork
        self._reported = ""  # the last failure logged, so a broken file logs once, not per request

    # -- connections ---------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        """A new connection in WAL mode with the schema current; creates the file and its folder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False only so close() may close every thread's connection, under _lock.
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                     check_same_thread=False)
        try:
            check_version(connection)
            self._use_wal(connection)
            connection.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: consistent after a crash
            connection.execute("PRAGMA foreign_keys = ON")
            migrate(connection)
        except BaseException:
            connection.close()
            raise
        with self._lock:
            self._connections.append(connection)
        return connection

    def _use_wal(self, connection: sqlite3.Connection) -> None:
        """Switch a new file to WAL mode (once; the mode is stored in the file), waiting up to `timeout`."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
                # When several processes open a new file at once, SQLite answers this switch "locked"
                # at once rather than wait (waiting could deadlock), so wait here, briefly.
                time.sleep(0.01)
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot use WAL mode (journal mode stays {mode})")

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection in this process, opened on first use."""
        pid = os.getpid()
        if getattr(self._local, "pid", None) != pid:
            old = getattr(self._local, "connection", None)
            if old is not None:
                self._inherited.append(old)  # SQLite forbids using or closing it in the child
            self._local.connection, self._local.pid = self._open(), pid
        return self._local.connection

    def _discard(self) -> None:
        """Forget this thread's connection after a failure, so the next operation opens afresh."""
        connection = getattr(self._local, "connection", None)
        self._local.connection = self._local.pid = None
        if connection is not None:
            with self._lock:
                if connection in self._connections:
                    self._connections.remove(connection)
            with suppress(sqlite3.Error):
                connection.close()

    def close(self) -> None:
        """Close every connection this process opened; call it when no operation is running."""
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with suppress(sqlite3.Error):
                connection.close()
        self._local = threading.local()

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE: takes the write lock at once, so it cannot deadlock)."""
        with self._transaction("BEGIN IMMEDIATE") as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot while other processes write."""
        with self._transaction("BEGIN") as connection:
            yield connection

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        """Run the body in a transaction; every SQLite or OS failure leaves as `StateUnavailable`."""
        try:
            connection = self._connection()
            connection.execute(begin)
        except (sqlite3.Error, OSError, NewerSchema) as error:
            raise self._failed(error) from error
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException as error:
            try:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            if isinstance(error, (sqlite3.Error, OSError)):
                raise self._failed(error) from error
            raise
        self._recovered()

    def _failed(self, error: BaseException) -> StateUnavailable:
        """Log a new kind of failure once, drop the connection, and build the error for the caller."""
        self._discard()
        detail = f"state store {self.path}: {type(error).__name__}: {error}"
        if detail != self._reported:
            log.error("%s", detail)
            self._reported = detail
        return StateUnavailable(classify(error), detail)

    def _recovered(self) -> None:
        """Say once in the log that the store works again after a logged failure."""
        if self._reported:
            log.warning("state store %s works again", self.path)
            self._reported = ""

    # -- health ----------------------------------------------------------------------------

    def health(self) -> Health:
        """Open the file, migrate it, and take the write lock for a moment; never raises."""
        try:
            with self.write() as connection:
                version = connection.execute("PRAGMA user_version").fetchone()[0]
        except StateUnavailable as error:
            return Health(False, error.detail, str(self.path))
        return Health(True, "ok", str(self.path), version)

    @property
    def schema_version(self) -> int:
        """The version this program writes."""
        return SCHEMA_VERSION
