"""Loading the lessons for a command: the configured or given paths, a progress counter, and a
one-line `UsageError` when nothing loaded. Shared by the command line and `lessons serve`."""
from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import TextIO

from knowledge import BUNDLED_LESSONS, KnowledgeBase

from .config import Settings


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2. `code` names it for
    `--json` output (the webhook's codes where they mean the same: empty_query, query_too_long...)."""

    def __init__(self, message: str, code: str = "usage") -> None:
        super().__init__(message)
        self.code = code


def load_kb(paths: Sequence[str] | None, settings: Settings, err: TextIO, progress: bool = False,
            strict: bool = True) -> KnowledgeBase:
    """The knowledge base for --lessons (or the configured paths, or the bundled sample).

    `strict`: a load that found no lesson at all is a `UsageError` (`check` reports it instead).
    """
    chosen = list(paths or settings.lessons.paths)
    counter = Progress(err) if progress else None
    kb = KnowledgeBase.from_paths(chosen, options=settings.search,
                                  max_file_bytes=settings.lessons.max_file_bytes, progress=counter)
    if counter is not None:
        counter.done()
    if strict and not len(kb):
        raise UsageError(no_lessons(kb, chosen), "no_lessons")
    return kb


def skipped_note(kb: KnowledgeBase, paths: Sequence[str] | None) -> str:
    """One line when broken lesson files were skipped, pointing to `lessons check`; "" when none were."""
    skipped = len(kb.report.skipped)
    if not skipped:
        return ""
    where = shlex.join(str(p) for p in paths) if paths else str(BUNDLED_LESSONS)
    files = "file" if skipped == 1 else "files"
    return f"skipped {skipped} broken lesson {files}; 'lessons check {where}' says which and why"


def no_lessons(kb: KnowledgeBase, paths: Sequence[str]) -> str:
    """Why a load gave no lesson, in one line."""
    if kb.report.skipped:
        return "no lessons loaded: " + "; ".join(kb.report.problems()[:3])
    return f"no lesson files (*.txt) under {', '.join(map(str, paths))}"


class Progress:
    """A file counter on stderr, shown only when stderr is a terminal and there are many files."""

    def __init__(self, err: TextIO, every: int = 200) -> None:
        self.err, self.every, self.count = err, every, 0
        self.live = hasattr(err, "isatty") and err.isatty()

    def __call__(self, count: int, path: str) -> None:
        self.count = count
        if self.live and count % self.every == 0:
            self.err.write(f"\rread {count:,} files…")
            self.err.flush()

    def done(self) -> None:
        if self.live and self.count >= self.every:
            self.err.write(f"\rread {self.count:,} files.\n")
