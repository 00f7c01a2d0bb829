"""Which files are lesson files: the walk rules shared by the loader and the reload watcher.

Folders are walked (iteratively: any depth) for ``*.txt`` files in a stable order, each folder's
files sorted before its sorted sub-folders; hidden files and folders and editor debris are ignored;
a link inside a folder may only point inside it, and linked folders are not entered; anything that
is not a regular file (a named pipe, a socket, a device) is skipped without being opened. An entry
that cannot be read (a folder that vanished, a link that loops) is skipped and reported, and the
walk goes on.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

_DEBRIS_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part")

#: `os.scandir` or a stand-in with its contract (the tests' seam for a disk that changes mid-walk).
Scandir = Callable[[str], AbstractContextManager[Iterator[os.DirEntry[str]]]]


@dataclass(frozen=True)
class Skipped:
    """A file that gave no lesson, and the one-line reason."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


def is_lesson_name(name: str) -> bool:
    """``*.txt`` files that are neither hidden nor editor debris (``#x.txt#``, ``x.txt~``)."""
    if name.startswith((".", "#", "~$")) or name.endswith(_DEBRIS_SUFFIXES):
        return False
    return name.lower().endswith(".txt")


def lesson_files(
    paths: Iterable[str | os.PathLike[str]],
    skipped: Callable[[Skipped], None] | None = None,
    *,
    scandir: Scandir = os.scandir,
) -> Iterator[str]:
    """The lesson files under `paths` (files and folders), in load order; never raises for a path.

    Each path or entry left out for a reason worth telling (missing, unreadable, not a regular
    file, a link out of its folder) is passed to `skipped`; hidden files and non-lesson names are
    left out silently.
    """
    report = skipped or (lambda _: None)
    for given in paths:
        path = str(Path(given))
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            report(Skipped(path, f"cannot open: {error.strerror or error}"))
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, report, scandir)
        elif stat.S_ISREG(mode):
            yield path
        else:
            report(Skipped(path, "not a regular file"))


def _walk(folder: str, report: Callable[[Skipped], None], scandir: Scandir) -> Iterator[str]:
    """Lesson files under a folder, depth first with a stack of folders (no recursion). A link
    inside it may only point inside it: a lesson folder must not become a way to read /etc/passwd."""
    base = os.path.realpath(folder)
    stack = [folder]
    while stack:
        current = stack.pop()
        listed = _list(current, report, scandir)
        if listed is None:
            continue
        folders, files = listed
        for name in files:
            full = os.path.join(current, name)
            if _is_lesson_file(full, base, report):
                yield full
        stack.extend(reversed(folders))


def _list(folder: str, report: Callable[[Skipped], None],
          scandir: Scandir) -> tuple[list[str], list[str]] | None:
    """(sub-folders to enter, lesson file names), each sorted; None when the folder cannot be listed."""
    try:
        with scandir(folder) as entries:
            listed = list(entries)
    except OSError as error:
        report(Skipped(str(error.filename or folder), f"cannot list folder: {error.strerror or error}"))
        return None
    folders, files = [], []
    for entry in listed:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                if not entry.is_symlink():  # a linked folder is never entered
                    folders.append(entry.name)
            elif is_lesson_name(entry.name):
                files.append(entry.name)
        except OSError as error:
            report(Skipped(os.path.join(folder, entry.name), f"cannot open: {error.strerror or error}"))
    return [os.path.join(folder, name) for name in sorted(folders)], sorted(files)


def _is_lesson_file(path: str, base: str, report: Callable[[Skipped], None]) -> bool:
    """True for a regular file inside `base`; reports why otherwise."""
    try:
        mode = os.stat(path).st_mode
        outside = os.path.islink(path) and os.path.commonpath([base, os.path.realpath(path)]) != base
    except OSError as error:
        report(Skipped(path, f"cannot open: {error.strerror or error}"))
        return False
    if outside:
        report(Skipped(path, "link points outside the lesson folder"))
    elif stat.S_ISREG(mode):
        return True
    else:
        report(Skipped(path, "not a regular file"))
    return False
