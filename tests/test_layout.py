"""The house rules a maintainer relies on to find and change code: small rooms, short functions,
and a domain that never imports a door."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("knowledge", "bot", "bench")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
# Data tables, not logic: the OpenAPI description is one literal.
DATA_TABLES = {"openapi.py"}
DOOR_LIBRARIES = ("flask", "slack_bolt", "slack_sdk", "werkzeug", "waitress", "gunicorn", "yaml")


def _sources() -> list[Path]:
    """The packages' Python files; bench/corpora (up to a million generated lessons) is not walked."""
    found = []
    for pkg in PACKAGES:
        for folder, subfolders, files in os.walk(ROOT / pkg):
            subfolders[:] = [name for name in subfolders if name != "corpora" and name != "__pycache__"]
            found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_file_is_over_the_limit(path: Path) -> None:
    if path.name in DATA_TABLES:
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_FILE_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concern"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_over_the_limit(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and path.name not in DATA_TABLES
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.relative_to(ROOT)}: {', '.join(long)}"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "knowledge").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_domain_imports_no_door(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    leaks = [name for name in names if name.split(".")[0] in DOOR_LIBRARIES]
    assert not leaks, f"{path.relative_to(ROOT)} imports {leaks}"


def test_the_readme_architecture_names_every_module():
    """The architecture section is the map a maintainer reads first: a module it omits is one nobody finds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    architecture = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    modules = [p for pkg in ("knowledge", "bot") for p in (ROOT / pkg).rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")]
    assert [str(p.relative_to(ROOT)) for p in modules if p.name not in architecture] == []
