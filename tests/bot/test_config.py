"""config.yaml → typed settings: defaults, overrides, and one-line errors naming the key."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError, Secrets, Settings, find_config, load_settings, settings_from_mapping

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def test_repo_config_yaml_documents_exactly_the_defaults():
    loaded = load_settings(REPO_CONFIG)
    defaults = Settings()
    written = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))
    for field in dataclasses.fields(Settings):
        if field.name in ("source", "state"):
            continue
        assert getattr(loaded, field.name) == getattr(defaults, field.name), field.name
    assert loaded.state.path == str(REPO_CONFIG.parent / defaults.state.path)  # relative to the file
    for field in dataclasses.fields(Settings):
        if field.name != "source":
            keys = {f.name for f in dataclasses.fields(getattr(defaults, field.name))}
            assert set(written[field.name]) == keys, f"config.yaml's {field.name}: does not show every key"


def test_feedback_ranking_can_be_switched_off(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("feedback:\n  ranking: false\n")
    assert load_settings(config).feedback.ranking is False and Settings().feedback.ranking is True


def test_no_file_means_defaults():
    assert load_settings(None) == Settings()


def test_overrides_are_typed_and_relative_paths_follow_the_config_file(tmp_path):
    (tmp_path / "lessons").mkdir()
    config = tmp_path / "c.yaml"
    config.write_text("lessons:\n  paths: [lessons]\nserver:\n  port: 9001\n"
                      "search:\n  min_coverage: 0.7\n  synonyms:\n    osh: [occupational safety and health]\n")
    settings = load_settings(config)
    assert settings.server.port == 9001
    assert settings.search.min_coverage == 0.7 and isinstance(settings.search.min_coverage, float)
    assert dict(settings.search.synonyms) == {"osh": ("occupational safety and health",)}
    assert settings.lessons.paths == (str(tmp_path / "lessons"),)
    assert settings.server.host == "127.0.0.1"  # untouched keys keep their default
    assert settings.state.path == str(tmp_path / "data" / "state.sqlite3")
    absolute = tmp_path / "elsewhere.sqlite3"
    config.write_text(f"state:\n  path: {absolute}\n")
    assert load_settings(config).state.path == str(absolute)


def test_empty_section_keeps_defaults():
    assert settings_from_mapping({"server": None}).server == Settings().server


@pytest.mark.parametrize("raw, message", [
    ({"serch": {}},
     "c.yaml: serch: unknown key (known keys here: cache, feedback, lessons, logging, questions, rate_limit, "
     "search, server, slack, state)"),
    ({"server": {"prot": 1}}, "c.yaml: server.prot: unknown key"),
    ({"server": {"port": "eighty"}}, "c.yaml: server.port: expected a whole number, got text 'eighty'"),
    ({"server": {"port": True}}, "c.yaml: server.port: expected a whole number, got true/false"),
    ({"server": {"port": -1}}, "c.yaml: server.port: must not be negative, got -1"),
    ({"lessons": {"paths": [3]}}, "c.yaml: lessons.paths[0]: expected text, got a whole number"),
    ({"search": []}, "c.yaml: search: expected a mapping of keys, got a list"),
    (["x"], "c.yaml: the top level: expected a mapping of keys, got a list"),
    ({"server": {"port": 70000}}, "c.yaml: server.port: must be between 0 and 65535, got 70000"),
    ({"server": {"threads": 0}}, "c.yaml: server.threads: must be at least 1, got 0"),
    ({"server": {"workers": -2}}, "c.yaml: server.workers: must not be negative, got -2"),
    ({"server": {"request_timeout": 0}}, "c.yaml: server.request_timeout: must be more than 0 seconds, got 0.0"),
    ({"server": {"limit_request_line": 9000}}, "c.yaml: server.limit_request_line: must be between 256 and 8190"),
    ({"server": {"worker_connections": 0}}, "c.yaml: server.worker_connections: must be at least 1, got 0"),
    ({"cache": {"answers": "many"}}, "c.yaml: cache.answers: expected a whole number, got text 'many'"),
    ({"state": {"path": " "}}, "c.yaml: state.path: must name a file, got nothing"),
    ({"lessons": {"watch_interval": 0}}, "c.yaml: lessons.watch_interval: must be more than 0 seconds, got 0.0"),
    ({"slack": {"command": "lessons"}}, "c.yaml: slack.command: must look like /lessons, got 'lessons'"),
    ({"questions": {"retention_days": 0}}, "c.yaml: questions.retention_days: must be at least 1, got 0"),
    ({"questions": {"enabled": "no"}}, "c.yaml: questions.enabled: expected true or false, got text 'no'"),
    ({"state": {"path": " "}}, "c.yaml: state.path: must name a file, got nothing"),
    ({"search": {"default_limit": 80}}, "c.yaml: search.default_limit: must be between 1 and max_limit (50), got 80"),
    ({"search": {"min_coverage": 7}}, "c.yaml: search.min_coverage: must be between 0 and 1, got 7.0"),
    ({"search": {"field_weights": {"titel": 2}}}, "c.yaml: search.field_weights: unknown field 'titel'"),
    ({"logging": {"level": "LOUD"}}, "c.yaml: logging.level: expected DEBUG, INFO, WARNING or ERROR, got 'LOUD'"),
    ({"logging": {"format": "xml"}}, "c.yaml: logging.format: expected text or json, got 'xml'"),
])
def test_bad_values_name_the_key(raw, message):
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(raw, "c.yaml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_missing_lesson_path_is_named(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("lessons:\n  paths: [nowhere]\n")
    with pytest.raises(ConfigError, match=r"lessons.paths: 'nowhere' does not exist"):
        load_settings(config)


def test_invalid_yaml_and_missing_file_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("server: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: not valid YAML \(line \d+\)"):
        load_settings(bad)
    with pytest.raises(ConfigError, match=r"config file not found"):
        load_settings(tmp_path / "none.yaml")


def test_yaml_is_loaded_safely(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("server: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(config)


def test_config_is_chosen_by_flag_then_env_then_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config(None, {}) is None
    (tmp_path / "config.yaml").write_text("{}")
    assert find_config(None, {}) == tmp_path / "config.yaml"
    assert find_config(None, {"LESSONS_CONFIG": "/x.yaml"}) == Path("/x.yaml")
    assert find_config("/flag.yaml", {"LESSONS_CONFIG": "/x.yaml"}) == Path("/flag.yaml")


def test_secrets_come_from_the_environment_and_never_show_in_repr():
    secrets = Secrets.from_env({"SLACK_BOT_TOKEN": "xoxb-secret", "WEBHOOK_TOKEN": "hook-secret"})
    assert secrets.slack_bot_token == "xoxb-secret"
    assert "secret" not in repr(secrets)
    assert sorted(secrets.values()) == ["hook-secret", "xoxb-secret"]


def test_field_weights_named_change_only_those_fields():
    weights = settings_from_mapping({"search": {"field_weights": {"title": 5}}}).search.field_weights
    assert weights["title"] == 5.0
    assert weights["context"] == Settings().search.field_weights["context"]
