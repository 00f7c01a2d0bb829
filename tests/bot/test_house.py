"""The bot's own house rules: renderers are pure (no knowledge base, no query grammar, no web or
Slack library), and the Slack app is built in one place, the composition root."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
DOOR_LIBRARIES = ("flask", "werkzeug", "slack_bolt", "slack_sdk", "waitress", "yaml")


def imported(path: Path) -> set[str]:
    """Every module and name `path` imports ("knowledge", "knowledge.KnowledgeBase", ...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names |= {node.module or ""} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted((BOT / "render").glob("*.py")), ids=lambda p: p.name)
def test_renderers_know_neither_the_knowledge_base_nor_a_door_library(path):
    names = imported(path)
    assert not {n for n in names if n.split(".")[0] in DOOR_LIBRARIES}
    assert "knowledge.KnowledgeBase" not in names and not any(n.startswith("knowledge.base") for n in names)
    if path.name != "narrowed.py":  # the one writer of filter syntax in bot/, until knowledge.query.narrowed
        assert '}:"{' not in path.read_text(encoding="utf-8")  # f'{name}:"{value}"'


def test_the_slack_app_is_built_only_by_the_composition_root():
    builders = sorted(str(p.relative_to(BOT)) for p in BOT.rglob("*.py")
                      if "build_slack_app(" in p.read_text(encoding="utf-8") and p.parent.name != "slack")
    assert builders == ["serve.py"]
