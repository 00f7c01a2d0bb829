"""A reload's loading, done in a child process of the master, handed back as a pickle.

Why a child: the master's memory then stays at its level however many reloads it does. Building
a new knowledge base while the old one is alive leaves the heap fragmented (Python frees an
arena only when every object in it is gone), and every worker forked afterwards inherits that.
So the child reads and indexes the lessons (all the work, and every way it can fail); only when
it succeeded does the master drop its old knowledge base and unpickle the new one into the
space just freed (a fifth of a second at 10,000 lessons). The workers keep their own copies of
the old lessons until they are replaced, so nothing is served from a half-loaded state. And the
master runs no thread of its own: fork copies only the forking thread, whatever locks others hold.
The reload's listeners (subscription posts, which compare the old lessons with the new) run in
the child too, after it handed the lessons over, and it waits for them before it exits.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import signal
import tempfile
import time
import types
from concurrent.futures import Future, wait
from typing import IO, Any

from knowledge import KnowledgeBase

from ..live import Reloader, ReloadResult

log = logging.getLogger("lessons.reload")

#: How long the loading process waits for the reload's listeners (subscription posts) before it exits.
LISTENERS_SECONDS = 600


def read_only(mapping: dict) -> types.MappingProxyType:
    """A mapping proxy again, when unpickling (they cannot be pickled as they are)."""
    return types.MappingProxyType(mapping)


def fresh_cache(function: Any, maxsize: int | None) -> Any:
    """An empty cache around the same method, when unpickling (caches are not carried over)."""
    return functools.lru_cache(maxsize=maxsize)(function)


class _Pickler(pickle.Pickler):
    """Pickles what a knowledge base holds: read-only mappings, and per-instance caches (empty)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is types.MappingProxyType:
            return read_only, (dict(obj),)
        if isinstance(obj, functools._lru_cache_wrapper) and isinstance(obj.__wrapped__, types.MethodType):
            return fresh_cache, (obj.__wrapped__, obj.cache_parameters()["maxsize"])
        return NotImplemented


class ChildLoad:
    """One reload's load running in a child process. `done()` says when it finished; `take()`
    returns the knowledge base (unpickled in the caller, so call it once the old one is dropped)."""

    def __init__(self, reloader: Reloader) -> None:
        self._serving = len(reloader.holder.kb)
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by take())
        self._ready, done = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: load, write, leave (never back into the master's code)
            os.close(self._ready)
            _load_in_child(reloader, self._file, done)
        os.close(done)
        os.set_blocking(self._ready, False)
        self.outcome: ReloadResult | None = None

    def done(self) -> bool:
        """Whether the child has finished (successfully or not); reads its outcome once it has."""
        if self.outcome is not None:
            return True
        try:
            word = os.read(self._ready, 1)
        except BlockingIOError:
            return False
        os.close(self._ready)
        if word:
            self._file.seek(0)
            self.outcome = pickle.load(self._file)
        else:  # the pipe closed without a word: the child died
            self.outcome = ReloadResult(False, self._serving, at=time.time(), error=(
                f"reload failed, still serving the {self._serving} lessons loaded before: the process "
                f"loading them died; see the log"))
        return True

    def take(self) -> KnowledgeBase:
        """The new knowledge base (only after a successful outcome)."""
        try:
            return pickle.load(self._file)
        finally:
            self._file.close()

    def discard(self) -> None:
        """Drop what the child wrote (a failed outcome), and stop a child still at work."""
        if self.outcome is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self._file.close()


def _load_in_child(reloader: Reloader, out: IO[bytes], done: int) -> None:
    """The child's whole life: the load's outcome then the knowledge base into `out`, one byte to
    `done`, exit. The master's signal handlers are not the child's: SIGTERM ends it."""
    code = 1
    try:
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        kb, result = reloader.load()
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
        if kb is not None:
            _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(kb)
        out.flush()
        os.write(done, b"1")
        code = 0
        if kb is not None:  # the reload's listeners (subscription posts) run here, off the master
            for returned in reloader.tell(reloader.holder.kb, kb):
                if isinstance(returned, Future):
                    wait([returned], timeout=LISTENERS_SECONDS)
    except BaseException:
        log.exception("loading the lessons for a reload failed")
    finally:
        os._exit(code)
