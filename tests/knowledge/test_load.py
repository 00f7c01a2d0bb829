"""Loading files and folders: what is read, what is skipped and why, and who wins a duplicate."""
from __future__ import annotations

import os
import shutil

from knowledge import BUNDLED_LESSONS, KnowledgeBase, load_lessons

from ..conftest import BAD, SEED, lesson_page


def test_single_files_and_folders_mix(make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    lessons, report = load_lessons([root, SEED])
    assert [lesson.id for lesson in lessons] == ["1", "252474"]


def test_one_broken_file_never_blocks_the_rest(make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": "Back to index\n- eval_number:\n- 1\n", "3": lesson_page("3")})
    (root / "4.txt").write_bytes(b"\x00\x01binary")
    kb = KnowledgeBase.from_paths([root])
    assert sorted(lesson.id for lesson in kb) == ["1", "3"]
    assert [s.path.rsplit("/", 1)[-1] for s in kb.report.skipped] == ["2.txt", "4.txt"]
    assert not kb.report.ok


def test_the_whole_bad_folder_loads_what_it_can_and_names_the_rest():
    kb = KnowledgeBase.from_paths([BAD])
    skipped = {os.path.basename(s.path) for s in kb.report.skipped}
    assert skipped == {"empty_file.txt", "binary_garbage.txt", "html_page.txt", "missing_url.txt",
                       "truncated_mid_record.txt"}
    assert {"900903", "900904", "900905", "900906", "900907", "900908", "252474"} == {lesson.id for lesson in kb}


def test_duplicate_ids_first_loaded_wins_and_the_later_file_is_reported():
    kb = KnowledgeBase.from_paths([SEED, BAD / "duplicate_id_252474.txt"])
    assert len(kb) == 1
    assert kb.get("252474").source == str(SEED)
    (duplicate,) = kb.report.duplicates
    assert duplicate.id == "252474" and duplicate.kept == str(SEED)
    assert duplicate.dropped.endswith("duplicate_id_252474.txt")
    assert [h.lesson.id for h in kb.search("herders social insurance")].count("252474") == 1


def test_files_over_the_size_cap_are_skipped_with_the_limit_named(make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": lesson_page("2", description="x" * 5000)})
    lessons, report = load_lessons([root], max_file_bytes=4000)
    assert [lesson.id for lesson in lessons] == ["1"]
    assert report.skipped[0].reason == "file is larger than the 4,000-byte limit"


def test_progress_is_called_once_per_file(make_lessons):
    root = make_lessons({str(i): lesson_page(str(i)) for i in range(5)})
    seen = []
    load_lessons([root], progress=lambda count, path: seen.append(count))
    assert seen == [1, 2, 3, 4, 5]


def test_copy_of_bundled_folder_matches_bundled(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(BUNDLED_LESSONS, copy)
    copied = {lesson.id for lesson in KnowledgeBase.from_paths([copy])}
    assert copied == {lesson.id for lesson in KnowledgeBase.from_paths([])}
