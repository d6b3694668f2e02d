"""The rule-pack JSON schema is generated from the tables that validate packs, and agrees with them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, as_json
from postguard.errors import ConfigError
from postguard.rulepacks import load_packs
from postguard.rulepacks.schema import main

SCHEMA = json.loads((ROOT / "schema" / "rulepack.schema.json").read_text(encoding="utf-8"))


def test_the_committed_schema_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(ROOT / "schema" / "rulepack.schema.json")]) == 0, capsys.readouterr().err


def test_a_stale_schema_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert "is stale" in capsys.readouterr().err


#: Packs on both sides of the line; before the schema was generated, the hand-kept one refused the
#: bare strings postguard accepts (lang, allow, patterns).
PACKS = [
    ('[[confidential]]\nkind = "codename"\nterms = "Sturmvogel"\nlang = "de"\n', True),
    ('[[confidential]]\nkind = "codename"\nterms = ["Sturmvogel"]\nallow = "Sturmvogel im Park"\n', True),
    ('[[confidential]]\nkind = "marking"\npatterns = "NK-\\\\d+"\n', True),
    ('[[confidential]]\nkind = "codename"\nterms = ["A1"]\nwindow = 0\n', False),
    ('[[confidential]]\nkind = "codename"\nterms = ["A1"]\nwindow = 1001\n', False),
    ('[[confidential]]\nkind = "codename"\nterms = ["A1"]\nmatch = "fuzzy"\n', False),
    ('[[confidential]]\nkind = "codename"\nterms = []\n', False),
    ('[[confidential]]\nkind = "codename"\nterms = ["A1"]\nnote = {fr = "x"}\n', False),
    ('[[embargo]]\nname = "A"\nuntil = 2027-01-01\naliases = []\n', True),
    ("[[embargo]]\nname = 3\nuntil = 2027-01-01\n", False),
    ('[[channels]]\nname = "x"\nbusiness = "yes"\n', False),
    ('[[channels]]\nname = "x"\nplatform = ""\n', True),
    ('[pack]\nname = ""\n[[channels]]\nname = "x"\n', False),
    ('[pack]\nlang = "fr"\n[[channels]]\nname = "x"\n', False),
    ('[vocabulary]\nequivalents = [["a", "b"]]\n', True),
    ('[vocabulary]\nequivalents = [["a"]]\n', False),
    ('[[channels]]\nname = "x"\n[[test]]\ntext = "t"\nexpect = []\n', True),
    ('[[channels]]\nname = "x"\n[[test]]\ntext = "t"\nexpect = ["pg101"]\n', False),
]


@pytest.mark.parametrize(("text", "valid"), PACKS)
def test_the_schema_and_the_loader_agree(tmp_path: Path, text: str, valid: bool) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text(text, encoding="utf-8")
    try:
        load_packs([pack])
        loaded = True
    except ConfigError:
        loaded = False
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert (loaded, validator.is_valid(as_json(tomllib.loads(text)))) == (valid, valid)
