"""Files and folders → parsed lessons, plus a report of everything skipped and why.

Which files are read is `files.lesson_files` (the walk rules the reload watcher shares). Files
over the size cap are skipped; a file that does not parse is skipped with the parser's reason.
When two files carry the same lesson id, the **first one loaded wins** (paths in the order given,
each folder in sorted order) and the later one is reported as a duplicate.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .files import Skipped, lesson_files
from .files import is_lesson_name as is_lesson_name  # its old home: bot/reload.py imports it from here
from .page import LessonFileError, parse_bytes
from .record import Lesson

#: Default cap on one lesson file; real pages are a few KiB, the longest known about 200 KiB.
DEFAULT_MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LoadWarning:
    """A line for a lesson file's owner: a best-effort repair, or (`Duplicate`) a file dropped."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Duplicate(LoadWarning):
    """A lesson id met again: the file dropped (the warning's path) and the file kept."""

    id: str
    kept: str

    @classmethod
    def of(cls, id: str, kept: str, dropped: str) -> Duplicate:
        return cls(dropped, f"duplicate lesson id {id}, already loaded from {kept}; ignored", id, kept)

    @property
    def dropped(self) -> str:
        return self.path


@dataclass(frozen=True)
class LoadReport:
    """What a load read, kept, skipped and repaired."""

    #: Lesson files read (the walk's rules on names and symlinks passed).
    files: int = 0
    #: Lessons kept.
    loaded: int = 0
    #: Files that gave no lesson, each with the reason.
    skipped: tuple[Skipped, ...] = ()
    #: Files dropped because their lesson id was already loaded from another file.
    duplicates: tuple[Duplicate, ...] = ()
    #: Best-effort repairs of lessons that were kept, as lines for the files' owners.
    warnings: tuple[LoadWarning, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every file read gave a lesson and no id came twice."""
        return not self.skipped and not self.duplicates

    def problems(self) -> list[str]:
        """One human line per skipped file and duplicate, in load order."""
        return [str(item) for item in (*self.skipped, *self.duplicates)]

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "lessons": self.loaded,
            "skipped": [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.skipped],
            "duplicates": [{"id": d.id, "kept": d.kept, "dropped": d.dropped} for d in self.duplicates],
            "warnings": [{"path": w.path, "message": w.message} for w in self.warnings],
        }


@dataclass
class _Collector:
    lessons: dict[str, Lesson] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    files: int = 0


def load_lessons(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Callable[[int, str], None] | None = None,
) -> tuple[list[Lesson], LoadReport]:
    """Parse every lesson file under `paths`; never raises for a bad file or a missing path."""
    out = _Collector()
    for path in lesson_files(paths, out.skipped.append):
        out.files += 1
        if progress is not None:
            progress(out.files, path)
        _load_one(path, max_file_bytes, out)
    report = LoadReport(
        files=out.files,
        loaded=len(out.lessons),
        skipped=tuple(out.skipped),
        duplicates=tuple(out.duplicates),
        warnings=tuple(out.warnings),
    )
    return list(out.lessons.values()), report


def _load_one(path: str, max_file_bytes: int, out: _Collector) -> None:
    try:
        data = _read_capped(path, max_file_bytes)
        parsed = parse_bytes(data, path)
    except LessonFileError as error:
        out.skipped.append(Skipped(path, error.reason, error.line))
        return
    except OSError as error:
        out.skipped.append(Skipped(path, f"cannot read: {error.strerror or error}"))
        return
    except Exception as error:  # a parser bug must not take the other files down
        out.skipped.append(Skipped(path, f"unexpected parser error: {type(error).__name__}: {error}"))
        return
    lesson = parsed.lesson
    out.warnings.extend(LoadWarning(path, message) for message in parsed.warnings)
    if lesson.id in out.lessons:
        out.duplicates.append(Duplicate.of(lesson.id, out.lessons[lesson.id].source, path))
        return
    out.lessons[lesson.id] = lesson


def _read_capped(path: str, max_file_bytes: int) -> bytes:
    """Read a regular file, refusing it when it is larger than the cap (checked before and during)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a pipe swapped in late must not block
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise LessonFileError(path, "not a regular file")
        data = handle.read(max_file_bytes + 1)
    if len(data) > max_file_bytes:
        raise LessonFileError(path, f"file is larger than the {max_file_bytes:,}-byte limit")
    return data

