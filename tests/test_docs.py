"""Docs and schema stay true: every hook and rule is documented, the shipped packs match the schema."""

from __future__ import annotations

import inspect
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, as_json
from postguard import hookspecs

SCHEMA = json.loads((ROOT / "schema" / "rulepack.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("pack", sorted((ROOT / "rules").glob("*.toml")), ids=lambda p: p.name)
def test_shipped_packs_match_the_schema(pack: Path) -> None:
    data = as_json(tomllib.loads(pack.read_text(encoding="utf-8")))
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)


def test_schema_rejects_what_postguard_rejects() -> None:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert not validator.is_valid({"confidential": [{"kind": "codename", "terms": ["x"], "colour": 1}]})
    assert not validator.is_valid({"embargo": [{"name": "x"}]})
    assert not validator.is_valid({"confidential": [{"kind": "secret", "terms": ["x"]}]})


def test_every_hook_is_documented() -> None:
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    specs = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("postguard_")]
    assert specs
    for name in specs:
        assert f"## `{name}" in doc, f"{name} is not documented in docs/plugins.md"
        for param in inspect.signature(getattr(hookspecs, name)).parameters:
            assert f"`{param}`" in doc, f"argument {param} of {name} is not documented"


def test_every_rule_has_docs_in_both_languages(example_engine) -> None:  # type: ignore[no-untyped-def]
    reference = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in example_engine.rules.values():
        for lang in ("en", "de"):
            d = rule.docs[lang]
            assert d.name and d.what and d.why and d.fix, (rule.id, lang)
        assert rule.id in reference, f"{rule.id} missing from docs/rules.md"


def test_every_pack_key_is_documented() -> None:
    doc = (ROOT / "docs" / "rule-packs.md").read_text(encoding="utf-8")
    for section in ("pack", "confidential", "embargo", "channels"):
        props = SCHEMA["properties"][section]
        keys = props.get("properties") or props["items"]["properties"]
        for key in keys:
            assert f"`{key}`" in doc, f"{section}.{key} is not documented in docs/rule-packs.md"


def test_rules_reference_is_generated_from_the_code(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from postguard.cli import main

    monkeypatch.chdir(ROOT)
    assert main(["rules", "--format", "markdown"]) == 0
    generated = capsys.readouterr().out
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "docs/rules.md is stale: run `postguard rules --format markdown > docs/rules.md`"
    )


def test_plugin_pack_keys_are_documented() -> None:
    doc = (ROOT / "docs" / "rule-packs.md").read_text(encoding="utf-8")
    for section in ("imprint", "copyright", "disclosure"):
        for key in SCHEMA["properties"][section]["properties"]:
            assert f"`{key}`" in doc, f"{section}.{key} is not documented"
