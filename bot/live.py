"""The live knowledge base: `KnowledgeHolder` (the one serving reference), `Reloader` (build the
new knowledge base beside the old, then swap), SIGHUP, and the polling `Watcher`.

A reload that cannot read its folders, or that finds no lessons where there were some, changes
nothing: the serving knowledge base stays, and the failure is kept for /healthz and logged.
Broken files in an otherwise good load are skipped and named, as at start-up.
"""
from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from knowledge import BUNDLED_LESSONS, DEFAULT_MAX_FILE_BYTES, KnowledgeBase, SearchOptions, lesson_files

from .merged import MergedRuns, SignalBridge

log = logging.getLogger("lessons.reload")


@dataclass(frozen=True)
class ReloadResult:
    """What one reload did: `ok` with the new count, or the reason it kept the old one."""

    ok: bool
    lessons: int
    skipped: int = 0
    error: str = ""
    seconds: float = 0.0
    at: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "lessons": self.lessons, "skipped": self.skipped,
                "error": self.error, "seconds": round(self.seconds, 3), "at": self.at}


class KnowledgeHolder:
    """Holds the serving `KnowledgeBase` and the outcome of the latest reload. A request reads
    `.kb` once and uses that object to the end, so a swap mid-request never mixes two of them.

    `generation` counts the knowledge bases served: 1 at start, one more at each swap. Caches key
    on it, and /healthz shows it (per worker, so a mix of old and new is visible).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self._serving = (kb, 1)  # one reference, so a reader never pairs a base with another's generation
        self._last_reload: ReloadResult | None = None
        self._lock = threading.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base serving now."""
        return self._serving[0]

    @property
    def generation(self) -> int:
        """How many knowledge bases this holder has served, this one included."""
        return self._serving[1]

    def serving(self) -> tuple[KnowledgeBase, int]:
        """The knowledge base serving now and its generation, read together."""
        return self._serving

    @property
    def last_reload(self) -> ReloadResult | None:
        """What the latest reload did (shown by /healthz); None before the first."""
        return self._last_reload

    def swap(self, kb: KnowledgeBase) -> KnowledgeBase:
        """Serve `kb` from now on; returns the one it replaced."""
        with self._lock:
            old, generation = self._serving
            self._serving = (kb, generation + 1)
            return old

    def health(self) -> dict[str, object]:
        """What /healthz adds about reloads: the generation served, by whom, and the last reload."""
        last = self.last_reload
        return {"generation": self.generation, "workers": [{"pid": os.getpid(), "generation": self.generation}],
                "reload": last.to_dict() if last is not None else None}

    def record(self, result: ReloadResult) -> None:
        """Keep the outcome of a reload, for /healthz."""
        self._last_reload = result


def as_holder(kb: KnowledgeBase | KnowledgeHolder) -> KnowledgeHolder:
    """Accept either a knowledge base or a holder, so simple callers can pass the base itself."""
    return kb if isinstance(kb, KnowledgeHolder) else KnowledgeHolder(kb)


ReloadListener = Callable[[KnowledgeBase, KnowledgeBase], object]


class Reloader:
    """Rebuilds the knowledge base from `paths` and swaps it into `holder`. One reload runs at a
    time; asks that arrive during one merge into a single follow-up (`bot.merged`).

    After each successful swap it calls its listeners with (old, new) knowledge bases, on the reloading
    thread (a listener with slow work hands it to a thread of its own); a listener that fails is logged.
    With workers, the reload is the master's (`bot.workers`), which calls them in its loading process.
    """

    def __init__(
        self,
        holder: KnowledgeHolder,
        paths: Sequence[str | os.PathLike[str]],
        *,
        options: SearchOptions | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.holder = holder
        self.paths = [Path(p) for p in paths] or [BUNDLED_LESSONS]
        self.options = options
        self.max_file_bytes = max_file_bytes
        self.clock = clock
        self.runs: MergedRuns[ReloadResult] = MergedRuns(self._reload_now, name="lessons-reload")
        self._listeners: list[ReloadListener] = []

    def add_listener(self, listener: ReloadListener) -> None:
        """Call `listener(old_kb, new_kb)` after every reload that swapped in new lessons."""
        self._listeners.append(listener)

    def reload(self) -> ReloadResult:
        """Reload and return the outcome of a reload that started after this call; never raises.
        Calls made while a reload runs share the one follow-up reload."""
        result = self.runs.run()
        assert result is not None  # _reload_now never raises, and run() waits without a timeout
        return result

    def request(self) -> None:
        """Ask for a reload without waiting (signals, the watcher); merged like `reload`."""
        self.runs.ask()

    def _reload_now(self) -> ReloadResult:
        old = self.holder.kb
        kb, result = self.load()
        if kb is not None:
            self.holder.swap(kb)
            self.tell(old, kb)
            del kb
        del old
        gc.collect()  # the old knowledge base holds reference cycles: free it now, not at some later collection
        self.holder.record(result)
        return result

    def load(self) -> tuple[KnowledgeBase | None, ReloadResult]:
        """Build the new knowledge base beside the serving one: (it, the outcome), or (None, why
        not) when it must not replace the serving one. Never raises; swaps nothing."""
        started = time.perf_counter()
        old = self.holder.kb
        try:
            self._check_roots()
            kb = KnowledgeBase.from_paths(self.paths, options=self.options or old.options,
                                          max_file_bytes=self.max_file_bytes)
            if not len(kb) and len(old):
                raise ReloadError(f"no lessons found in {_names(self.paths)}")
        except ReloadError as error:
            return None, self._fail(str(error), len(old), started)
        except Exception as error:  # a bug in a new load must not take the old one down
            return None, self._fail(f"{type(error).__name__}: {error}", len(old), started)
        for problem in kb.report.problems():
            log.warning("reload skipped %s", problem)
        result = ReloadResult(True, len(kb), len(kb.report.skipped),
                              seconds=time.perf_counter() - started, at=self.clock())
        log.info("reloaded: %d lessons (was %d), %d files skipped, %.2fs",
                 len(kb), len(old), result.skipped, result.seconds)
        return kb, result

    def tell(self, old: KnowledgeBase, new: KnowledgeBase) -> list[object]:
        """Call the listeners after a swap; returns what they returned (a listener handing its work
        to a thread returns the `Future`, which a process about to exit waits for)."""
        returned: list[object] = []
        for listener in self._listeners:
            try:
                returned.append(listener(old, new))
            except Exception:  # a listener's bug must not fail the reload that already happened
                log.exception("a reload listener failed")
        return returned

    def _fail(self, reason: str, serving: int, started: float) -> ReloadResult:
        message = f"reload failed, still serving the {serving} lessons loaded before: {reason}"
        log.error("%s", message)
        return ReloadResult(False, serving, error=message, seconds=time.perf_counter() - started, at=self.clock())

    def _check_roots(self) -> None:
        for root in self.paths:
            try:
                if root.is_dir():
                    os.listdir(root)
                else:
                    with open(root, "rb"):
                        pass
            except OSError as error:
                raise ReloadError(f"cannot read {root}: {error.strerror or error}") from None


class Reloads(Protocol):
    """What a door needs to reload the lessons: `reload` asks and waits for the outcome,
    `request` only asks. `Reloader` does it in this process; `bot.workers.RemoteReloader` asks
    the master process of the workers."""

    def reload(self) -> ReloadResult: ...

    def request(self) -> None: ...


class ReloadError(Exception):
    """A load that must not replace the serving knowledge base."""


def _names(paths: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in paths)


def install_sighup(reloader: Reloader) -> bool:
    """Reload on SIGHUP (where the platform has it), merged like every ask; returns whether the
    handler was installed."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGHUP, SignalBridge(reloader.runs).handler)
    return True


class Watcher:
    """Polls the lesson folders and reloads when a lesson file appears, changes or goes away.

    Polling (rather than inotify) works the same on every platform and on network shares.
    """

    def __init__(self, reloader: Reloader, interval: float = 2.0,
                 seen: frozenset[tuple[str, int, int]] | None = None) -> None:
        """`seen` is the state the serving lessons were loaded from; take it with `snapshot()`
        *before* that load, so a file written during the load is not missed."""
        self.reloader = reloader
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen = snapshot(reloader.paths) if seen is None else seen

    def check(self) -> ReloadResult | None:
        """Reload when anything changed since the last look; returns the reload's result, if any."""
        return self.reloader.reload() if self.changed() else None

    def changed(self) -> bool:
        """Whether a lesson file appeared, changed or went away since the last look."""
        now = snapshot(self.reloader.paths)
        if now == self._seen:
            return False
        self._seen = now
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="lessons-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 1)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watcher must outlive any one bad look at the disk
                log.exception("watching the lesson folders failed; will look again")


def snapshot(paths: Sequence[str | os.PathLike[str]]) -> frozenset[tuple[str, int, int]]:
    """(path, mtime, size) of every lesson file under `paths` (the bundled lessons when empty),
    found by the loader's own walk, so the watcher sees exactly what a reload would read."""
    entries = set()
    for path in lesson_files(list(paths) or [BUNDLED_LESSONS]):
        try:
            st = os.stat(path)
        except OSError:
            continue
        entries.add((str(path), st.st_mtime_ns, st.st_size))
    return frozenset(entries)
