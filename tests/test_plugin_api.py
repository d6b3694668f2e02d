"""Built-in checks use only the public plugin API, as a third-party plugin would."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import postguard.plugin

PACKAGE = Path(postguard.plugin.__file__).parent
CHECKS = sorted((PACKAGE / "checks").rglob("*.py"))
CORE = sorted(p for p in PACKAGE.rglob("*.py") if "checks" not in p.relative_to(PACKAGE).parts)
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


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_imports_no_check(path: Path) -> None:
    """Only ``plugins.py`` names the built-in checks (as strings); the core never imports one."""
    imported = _postguard_imports(path)
    assert not {n for n in imported if n == "postguard.checks" or n.startswith("postguard.checks.")}


def test_the_guard_sees_an_internal_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from postguard.rulepacks import Where\nimport postguard.terms\n", encoding="utf-8")
    assert _postguard_imports(bad) == {"postguard.rulepacks", "postguard.terms"}


def test_every_exported_name_exists() -> None:
    for name in postguard.plugin.__all__:
        assert hasattr(postguard.plugin, name), name


def test_rules_are_read_from_the_data_file_beside_the_check() -> None:
    rules = postguard.plugin.load_rules("postguard.checks.embargo")
    assert [r.id for r in rules] == ["PG201"]
    assert set(rules[0].docs) == {"en", "de"} and rules[0].plugin == "postguard.checks.embargo"


def test_a_check_without_its_rule_file_is_a_clear_error() -> None:
    from postguard.errors import ConfigError

    with pytest.raises(ConfigError, match=r"shouting\.rules\.toml is missing"):
        postguard.plugin.load_rules("postguard.checks.shouting")
