"""Rules as data: a check's rules and their documentation, read from a TOML file beside it.

A check module ``pkg/name.py`` keeps its rules in ``pkg/name.rules.toml``::

    [[rule]]
    id = "ACME1"
    name = "shouting"
    category = "style"
    severity = "info"

    [rule.docs.en]
    name = "Shouting"
    what = "..."
    why = "..."
    fix = "..."
    example = "..."     # optional

The file is read once, when the check registers its rules; ``docs/rules.md``
and ``postguard explain`` are generated from it.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from postguard.errors import ConfigError
from postguard.model import RuleDoc, RuleInfo, Severity

_RULE_KEYS = frozenset({"id", "name", "category", "severity", "docs"})
_DOC_KEYS = frozenset({"name", "what", "why", "fix", "example"})


def load_rules(module: str) -> tuple[RuleInfo, ...]:
    """The rules of check module ``module`` (its ``__name__``), from ``<module>.rules.toml``."""
    package, _, leaf = module.rpartition(".")
    name = f"{leaf}.rules.toml"
    try:
        raw = resources.files(package or leaf).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        raise ConfigError(f"{module}: its rule file {name} is missing") from None
    where = f"{package.replace('.', '/')}/{name}"
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return tuple(_rule(item, f"{where}: rule[{i}]", module) for i, item in enumerate(data.get("rule", [])))


def rule_dict(rule: RuleInfo, *, enabled: bool) -> dict[str, Any]:
    """A rule as JSON-ready data, the one shape of ``postguard rules --format json`` and ``/v1/rules``:
    id, name, category, default severity, whether the config leaves it enabled, the English summary
    and its docs per language. Never a pack term: rules carry none."""
    return {
        "id": rule.id,
        "name": rule.name,
        "category": rule.category,
        "severity": rule.severity.value,
        "enabled": enabled,
        "summary": rule.doc("en").name,
        "docs": {
            lang: {"name": d.name, "what": d.what, "why": d.why, "fix": d.fix, "example": d.example}
            for lang, d in sorted(rule.docs.items())
        },
    }


def _rule(item: Any, where: str, module: str) -> RuleInfo:
    unknown = set(item) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    docs: dict[str, RuleDoc] = {}
    for lang, doc in item["docs"].items():
        bad = set(doc) - _DOC_KEYS
        if bad:
            raise ConfigError(f"{where}.docs.{lang}: unknown keys {sorted(bad)}")
        docs[lang] = RuleDoc(**{k: str(v).strip("\n") for k, v in doc.items()})
    return RuleInfo(
        id=item["id"],
        name=item["name"],
        category=item["category"],
        severity=Severity.parse(item["severity"]),
        docs=docs,
        plugin=module,
    )
