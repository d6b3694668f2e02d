"""Built-in checks use only the public plugin API, as a third-party plugin would."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import postguard.plugin

CHECKS = sorted((Path(postguard.plugin.__file__).parent / "checks").rglob("*.py"))
ALLOWED = {"postguard", "postguard.plugin"}


def _postguard_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.update(n for n in names if n == "postguard" or n.startswith("postguard."))
    return found


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_builtin_check_imports_only_the_plugin_api(path: Path) -> None:
    assert _postguard_imports(path) <= ALLOWED


def test_the_guard_sees_an_internal_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from postguard.rulepacks import Where\nimport postguard.terms\n", encoding="utf-8")
    assert _postguard_imports(bad) == {"postguard.rulepacks", "postguard.terms"}


def test_every_exported_name_exists() -> None:
    for name in postguard.plugin.__all__:
        assert hasattr(postguard.plugin, name), name
