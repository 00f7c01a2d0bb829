"""The walk rules shared by the loader and the reload watcher: which files are lesson files,
in what order, and what is skipped (and said) when the disk misbehaves."""
from __future__ import annotations

import os
import shutil

import pytest

from knowledge import Skipped, is_lesson_name, lesson_files, load_lessons

from ..conftest import lesson_page


def walk(paths, **seams) -> tuple[list[str], list[Skipped]]:
    skipped: list[Skipped] = []
    return list(lesson_files(paths, skipped.append, **seams)), skipped


@pytest.mark.parametrize(("name", "lesson"), [
    ("1.txt", True), ("Notes.TXT", True), ("README.md", False), (".hidden.txt", False), ("4.txt~", False),
    ("#5.txt#", False), ("~$6.txt", False), ("7.txt.swp", False), ("8.txt.part", False),
])
def test_is_lesson_name(name, lesson):
    assert is_lesson_name(name) is lesson


def test_folders_are_walked_recursively_and_only_lesson_files_are_read(make_lessons, tmp_path):
    root = make_lessons({"1": lesson_page("1"), "sub/2": lesson_page("2")})
    (root / "README.md").write_text("not a lesson")
    (root / ".hidden.txt").write_text(lesson_page("3"))
    (root / "4.txt~").write_text(lesson_page("4"))
    (root / "#5.txt#").write_text(lesson_page("5"))
    (root / ".git").mkdir()
    (root / ".git" / "6.txt").write_text(lesson_page("6"))
    lessons, report = load_lessons([root])
    assert sorted(lesson.id for lesson in lessons) == ["1", "2"]
    assert report.files == 2 and report.ok


def test_files_come_before_sub_folders_each_sorted(make_lessons):
    root = make_lessons({name: lesson_page(str(i)) for i, name in enumerate(["b/2", "a/z/1", "a/0", "c", "a/y"])})
    files, skipped = walk([root])
    assert [os.path.relpath(f, root) for f in files] == ["c.txt", "a/0.txt", "a/y.txt", "a/z/1.txt", "b/2.txt"]
    assert skipped == []


def nest(top, depth: int, page: str) -> None:
    """`page` as 1.txt in top/d/d/.../d, `depth` folders down (os.makedirs and rmtree recurse)."""
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    with open(os.open("1.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w", encoding="utf-8") as f:
        f.write(page)
    os.close(fd)


def unnest(top) -> None:
    """Remove what `nest` made, one level at a time (pytest's clean-up of old temporary folders
    would otherwise meet it later, in any run on this machine, and recurse too deep)."""
    while os.path.exists(level := os.path.join(top, "d")):
        for name in set(os.listdir(level)) - {"d"}:
            os.remove(os.path.join(level, name))
        if os.path.exists(os.path.join(level, "d")):
            os.rename(os.path.join(level, "d"), os.path.join(top, "next"))
            os.rmdir(level)
            os.rename(os.path.join(top, "next"), level)
        else:
            os.rmdir(level)


def test_a_folder_nested_1200_deep_loads_its_lesson(tmp_path):
    deep = tmp_path / "lessons"
    deep.mkdir()
    try:
        nest(deep, 1200, lesson_page("1"))
        lessons, report = load_lessons([deep])
    finally:
        unnest(deep)
    assert [lesson.id for lesson in lessons] == ["1"] and report.ok


def test_a_folder_removed_mid_walk_is_reported_and_the_rest_loads(make_lessons):
    root = make_lessons({"1": lesson_page("1"), "gone/2": lesson_page("2"), "kept/3": lesson_page("3")})

    def scandir(folder: str):
        if folder.endswith("gone"):
            shutil.rmtree(folder)  # vanishes between its parent's listing and its own
        return os.scandir(folder)

    files, skipped = walk([root], scandir=scandir)
    assert [os.path.basename(f) for f in files] == ["1.txt", "3.txt"]
    assert [(os.path.basename(s.path), s.reason) for s in skipped] == [
        ("gone", "cannot list folder: No such file or directory")]


def test_an_entry_that_cannot_be_read_is_reported_and_the_rest_load(make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": lesson_page("2"), "3": lesson_page("3")})

    class Broken:
        """A directory entry whose type cannot be read (replaced on disk as it was looked at)."""

        def __init__(self, entry: os.DirEntry) -> None:
            self.name, self.path = entry.name, entry.path

        def is_dir(self) -> bool:
            raise OSError(5, "Input/output error", self.path)

    class Listing:
        def __init__(self, folder: str) -> None:
            self.entries = [Broken(e) if e.name == "2.txt" else e for e in os.scandir(folder)]

        def __enter__(self):
            return iter(self.entries)

        def __exit__(self, *exc) -> None:
            return None

    files, skipped = walk([root], scandir=Listing)
    assert [os.path.basename(f) for f in files] == ["1.txt", "3.txt"]
    assert [(os.path.basename(s.path), s.reason) for s in skipped] == [("2.txt", "cannot open: Input/output error")]


def test_looping_and_escaping_links_are_reported_and_the_rest_load(make_lessons, tmp_path):
    root = make_lessons({"1": lesson_page("1")})
    (root / "loop.txt").symlink_to(root / "loop.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text(lesson_page("99"))
    (root / "escape.txt").symlink_to(outside)
    (root / "inside.txt").symlink_to(root / "1.txt")
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)  # a linked folder is never entered
    lessons, report = load_lessons([root])
    assert [lesson.id for lesson in lessons] == ["1"] and len(report.duplicates) == 1
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert reasons == {"escape.txt": "link points outside the lesson folder",
                       "loop.txt": "cannot open: Too many levels of symbolic links"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_named_pipe_is_skipped_without_hanging(make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    os.mkfifo(root / "pipe.txt")
    lessons, report = load_lessons([root])
    assert [lesson.id for lesson in lessons] == ["1"]
    assert [(os.path.basename(s.path), s.reason) for s in report.skipped] == [("pipe.txt", "not a regular file")]
    lessons, report = load_lessons([root / "pipe.txt"])  # named directly
    assert lessons == [] and report.skipped[0].reason == "not a regular file"


def test_missing_path_is_reported_not_raised(tmp_path):
    lessons, report = load_lessons([tmp_path / "nowhere"])
    assert lessons == []
    assert "No such file or directory" in report.skipped[0].reason


def test_dangling_link_is_reported_and_the_rest_loads(make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    (root / "2.txt").symlink_to(root / "gone.txt")
    lessons, report = load_lessons([root])
    assert [lesson.id for lesson in lessons] == ["1"]
    assert report.skipped[0].path.endswith("2.txt") and "cannot open" in report.skipped[0].reason


def test_a_single_file_is_given_as_it_was_named(make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    files, skipped = walk([root / "1.txt", str(root) + "/"])
    assert files == [str(root / "1.txt")] * 2 and skipped == []
