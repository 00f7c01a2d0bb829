"""The `lessons` command line, driven through main([...]) as a user would type it."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from bot.cli import main

from ..conftest import BAD, SEED, lesson_page
from .conftest import run_cli as run

HERDERS = "lessons on social insurance for herders"


@pytest.fixture(autouse=True)
def no_ambient_config(monkeypatch, tmp_path):
    monkeypatch.delenv("LESSONS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def test_search_json_ranks_the_herders_lesson_in_the_top_three_on_the_bundled_sample():
    code, out, err = run("search", HERDERS, "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["query"] == HERDERS
    ids = [r["id"] for r in answer["results"]]
    assert "252474" in ids[:3]
    first = next(r for r in answer["results"] if r["id"] == "252474")
    assert first["url"] == "https://webapps.ilo.org/ievaldiscovery/lessons/252474"
    assert first["eval_url"] == "https://webapps.ilo.org/ievaldiscovery/eval/3474"
    assert first["country"] == "Mongolia" and first["region"] == "Asia and the Pacific"
    assert "Programme implementation" in first["themes"]
    assert first["summary"] and len(first["summary"]) <= 301
    assert set(first) >= {"id", "title", "url", "eval_url", "country", "region", "themes", "summary", "score"}
    assert answer["total"] >= len(answer["results"])


def test_search_text_shows_title_country_themes_summary_and_links():
    code, out, _ = run("search", HERDERS, "--limit", "3")  # two lessons are equally good answers
    assert code == 0
    assert "Extending Social Protection to Herders" in out
    assert "Mongolia · Asia and the Pacific" in out
    assert "Themes: Programme implementation" in out
    assert "Lesson: https://webapps.ilo.org/ievaldiscovery/lessons/252474" in out
    assert "Evaluation: https://webapps.ilo.org/ievaldiscovery/eval/3474" in out


def test_search_limit_and_lessons_path(make_lessons):
    root = make_lessons({"1": lesson_page("1", description="Herders need social insurance."),
                         "2": lesson_page("2", description="Herders need social insurance too.")})
    code, out, _ = run("search", "herders social insurance", "--lessons", str(root), "--limit", "1", "--json")
    answer = json.loads(out)
    assert code == 0 and len(answer["results"]) == 1 and answer["total"] == 2


def test_search_with_bad_limit_or_long_query_is_a_one_line_error():
    code, out, err = run("search", "herders", "--limit", "0")
    assert code == 2 and err.startswith("lessons: error: limit must be between 1 and 50") and out == ""
    code, _, err = run("search", "x" * 600)
    assert code == 2 and "the limit is 500" in err and err.count("\n") == 1


def test_search_on_missing_folder_is_a_one_line_error(tmp_path):
    code, _, err = run("search", "x", "--lessons", str(tmp_path / "nope"))
    assert code == 2
    assert err == f"lessons: error: no lessons loaded: {tmp_path / 'nope'}: cannot open: No such file or directory\n"


def test_check_good_folder_exits_zero(make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": lesson_page("2")})
    code, out, _ = run("check", str(root))
    assert code == 0
    assert out.strip().endswith("2 files, 2 lessons, 0 skipped, 0 duplicates, 0 warnings")


def test_check_bad_folder_exits_nonzero_with_one_line_per_broken_file():
    code, out, err = run("check", str(BAD))
    assert code == 1 and "Traceback" not in out + err
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    assert len(errors) == 5
    assert f"error: {BAD / 'empty_file.txt'}: empty file" in errors
    assert any(line.startswith(f"error: {BAD / 'html_page.txt'}:1: HTML page") for line in errors)


def test_check_json_lists_skipped_and_duplicates(tmp_path):
    code, out, _ = run("check", str(SEED), str(BAD / "duplicate_id_252474.txt"), "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["duplicates"] == [{"id": "252474", "kept": str(SEED),
                                     "dropped": str(BAD / "duplicate_id_252474.txt")}]


def test_check_shows_progress_on_a_terminal_for_many_files(make_lessons):
    root = make_lessons({str(i): lesson_page(str(i)) for i in range(250)})

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err = Terminal()
    assert main(["check", str(root)], stdout=io.StringIO(), stderr=err) == 0
    assert "read 200 files" in err.getvalue() and "read 250 files." in err.getvalue()


def test_stats_counts_by_region_country_and_theme(make_lessons):
    root = make_lessons({"1": lesson_page("1"), "2": lesson_page("2", locations=(("Peru", "Americas"),)),
                         "3": lesson_page("3", locations=(("Peru", "Americas"),))})
    code, out, _ = run("stats", "--lessons", str(root), "--json")
    stats = json.loads(out)
    assert code == 0 and stats["lessons"] == 3
    assert stats["country"] == {"Peru": 2, "Mongolia": 1}
    assert stats["region"] == {"Americas": 2, "Asia and the Pacific": 1}
    assert stats["theme"] == {"Programme implementation": 3}
    code, out, _ = run("stats", "--lessons", str(root))
    assert "3 lessons" in out and "    2  Peru" in out


def test_config_flag_and_env_are_used(tmp_path, monkeypatch):
    (tmp_path / "c.yaml").write_text("search:\n  default_limit: 1\n")
    code, out, _ = run("search", HERDERS, "--json", "--config", str(tmp_path / "c.yaml"))
    assert len(json.loads(out)["results"]) == 1
    monkeypatch.setenv("LESSONS_CONFIG", str(tmp_path / "c.yaml"))
    code, out, _ = run("search", HERDERS, "--json")
    assert len(json.loads(out)["results"]) == 1


def test_bad_config_is_a_one_line_error(tmp_path):
    (tmp_path / "c.yaml").write_text("server:\n  port: eighty\n")
    code, out, err = run("stats", "--config", str(tmp_path / "c.yaml"))
    assert code == 2
    assert err == f"lessons: error: {tmp_path / 'c.yaml'}: server.port: expected a whole number, got text 'eighty'\n"


@pytest.mark.parametrize("command", ["search", "check", "stats", "serve", "report"])
def test_every_command_has_help_with_examples(command, capsys):
    assert main([command, "--help"]) == 0
    assert "examples:" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["fly"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_bot_behaves_like_lessons():
    result = subprocess.run([sys.executable, "-m", "bot", "search", HERDERS, "--json", "--limit", "3"],
                            capture_output=True, text=True, timeout=60, cwd=os.getcwd(),
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.returncode == 0, result.stderr
    assert "252474" in [r["id"] for r in json.loads(result.stdout)["results"]]


def test_empty_question_is_a_usage_error():
    code, out, err = run("search", "   ")
    assert code == 2 and out == "" and "the question is empty" in err


def test_paging_past_the_end_says_how_many_matched(make_lessons):
    root = make_lessons({"1": lesson_page("1", description="Herders need social insurance.")})
    code, out, _ = run("search", "herders insurance", "--lessons", str(root), "--offset", "10")
    assert code == 0 and out.startswith("1 lesson matches 'herders insurance'; there are no more")


def test_check_of_an_empty_folder_or_only_broken_files_exits_1_with_a_report(tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, _ = run("check", str(tmp_path / "empty"))
    assert code == 1 and f"error: no lesson files (*.txt) under {tmp_path / 'empty'}" in out
    code, out, _ = run("check", str(BAD / "empty_file.txt"), "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["skipped"][0]["reason"] == "empty file"


def test_search_on_a_folder_without_lessons_is_a_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run("search", "herders", "--lessons", str(tmp_path / "empty"))
    assert code == 2 and "no lesson files (*.txt) under" in err


def test_config_may_come_before_the_command(tmp_path):
    (tmp_path / "c.yaml").write_text("search:\n  default_limit: 1\n")
    code, out, _ = run("--config", str(tmp_path / "c.yaml"), "search", HERDERS, "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 1


@pytest.mark.parametrize("argv, message", [
    (["serve", "--port", "70000"], "lessons: error: --port: must be between 0 and 65535, got 70000"),
    (["serve", "--host", "no such host", "--port", "0"], "no such address here"),
])
def test_serve_refuses_bad_addresses_in_one_line(argv, message):
    code, _, err = run(*argv)
    assert code == 2 and message in err and "Traceback" not in err


# -- what a new operator trips on: skipped files said once, errors as JSON with --json --------------

def broken_folder(make_lessons):
    return make_lessons({"1": lesson_page("1", description="Herders need social insurance."),
                         "2": "<html><body>not a lesson</body></html>", "3": ""})


@pytest.mark.parametrize("command", [["search", "herders"], ["stats"], ["report"]])
def test_commands_say_in_one_line_how_many_broken_files_they_skipped(command, make_lessons):
    root = broken_folder(make_lessons)
    code, out, err = run(*command, "--lessons", str(root))
    assert code == 0 and out
    assert err == f"lessons: warning: skipped 2 broken lesson files; 'lessons check {root}' says which and why\n"
    assert run("check", str(root))[0] == 1  # and check does name them


def test_no_word_about_skipped_files_when_there_are_none(make_lessons):
    root = make_lessons({"1": lesson_page("1")})
    assert run("stats", "--lessons", str(root))[2] == ""


@pytest.mark.parametrize("argv, code, detail", [
    (["search", "  "], "empty_query", "the question is empty"),
    (["search", "x" * 600], "query_too_long", "the limit is 500"),
    (["search", "herders", "--limit", "0"], "invalid_query", "limit must be between 1 and 50"),
    (["search", "herders", "--limit", "three"], "invalid_arguments", "argument --limit: invalid int value"),
    (["search", "herders", "--lessons", "/nonexistent/lessons"], "no_lessons", "no lessons loaded"),
    (["stats", "--lessons", "/nonexistent/lessons"], "no_lessons", "no lessons loaded"),
    (["report", "--since", "0"], "invalid_arguments", "expected a whole number of at least 1"),
    (["check", "--quiet"], "invalid_arguments", "the following arguments are required: PATH"),
])
def test_with_json_errors_are_one_json_object_with_the_webhooks_codes(argv, code, detail):
    status, out, err = run(*argv, "--json")
    assert status == 2 and out == ""
    assert err.count("\n") == 1
    error = json.loads(err)
    assert error["error"] == code and detail in error["detail"]


def test_with_json_a_bad_config_is_a_json_error(tmp_path):
    (tmp_path / "c.yaml").write_text("server:\n  port: eighty\n")
    status, _, err = run("stats", "--json", "--config", str(tmp_path / "c.yaml"))
    assert status == 2 and json.loads(err)["error"] == "invalid_config"


def test_without_json_argument_errors_keep_argparses_usage_line():
    status, out, err = run("search", "herders", "--limit", "three")
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("usage: lessons search [-h]")
    assert lines[-1] == "lessons search: error: argument --limit: invalid int value: 'three'"
