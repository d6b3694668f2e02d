"""The rule-pack JSON schema is generated from the tables that validate packs, and agrees with them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import ROOT, as_json
from postguard.errors import ConfigError
from postguard.plugin import Table, Where, fields, section
from postguard.rulepacks import load_packs
from postguard.rulepacks.schema import builtin_sections, main, pack_schema

SCHEMA = json.loads((ROOT / "schema" / "rulepack.schema.json").read_text(encoding="utf-8"))
BUILTIN: Any = builtin_sections()


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


#: The built-in checks' sections, declared with the same Tables: the generated schema and the loader
#: (with the built-in parsers) agree on these too.
PLUGIN_PACKS = [
    ('[imprint]\nurls = "https://www.nordkap.example/impressum"\n', True),
    ('[imprint]\nurls = ["ftp://nordkap.example/impressum"]\n', False),
    ('[imprint]\nlabels = ["Impressum"]\nreplace = "labels"\n', True),
    ('[imprint]\nreplace = ["colours"]\n', False),
    ('[imprint]\neach_article = "yes"\n', False),
    ("[copyright]\nquote_words = 5\n", False),
    ('[copyright]\nfree_hosts = ["https://pixabay.com"]\n', False),
    ('[[copyright.agencies]]\nname = "Acme Stock"\nhosts = ["img.acme.example"]\nfiles = ["Acme"]\n', True),
    ('[[copyright.agencies]]\nhosts = ["img.acme.example"]\n', False),
    ('[copyright]\nagencies = "Acme"\n', False),
    ('[copyright.repository_hosts]\n"github.com" = ["raw.githubusercontent.com"]\n', True),
    ('[copyright.repository_hosts]\n"github.com" = []\n', False),
    ('[disclosure]\nbrands = ["Nordkap"]\nshops = "shop.nordkap.example"\n', True),
    ('[[disclosure.cue_patterns]]\nname = "percent"\n', False),
    ('[[disclosure.cue_patterns]]\nname = "p"\npattern = "{amount} off"\nstrong = "no"\n', False),
    ('[secrets]\nplaceholders = "changeme"\n', True),
    ('[[secrets.token]]\nname = "acme"\npattern = "acme_[a-z0-9]{20}"\nmin_entropy = 9\n', False),
    ('[[secrets.token]]\nname = "acme"\npattern = "acme_[a-z0-9]{20}"\nmin_entropy = 3.5\n', True),
    ("[personal]\nregions = []\n", True),
    ('[[personal.pattern]]\nname = "customer"\npattern = "KD-\\\\d{6}"\n', True),
    ('[[personal.pattern]]\nname = "customer"\npattern = 7\n', False),
    ("[images]\nowners = []\n", True),
    ('[images]\nowner = ["Nordkap"]\n', False),
    ('[[sites]]\nname = "HQ"\nlatitude = 48.1\nlongitude = 11.5\nnote = {de = "Werk"}\n', True),
    ('[[sites]]\nname = "HQ"\nlatitude = 91\nlongitude = 11.5\n', False),
    ('[[sites]]\nname = "HQ"\nlatitude = 48.1\nlongitude = 11.5\nradius = 0\n', False),
]


@pytest.mark.parametrize(("text", "valid"), PACKS + PLUGIN_PACKS)
def test_the_schema_and_the_loader_agree(tmp_path: Path, text: str, valid: bool) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text(text, encoding="utf-8")
    try:
        load_packs([pack], BUILTIN)
        loaded = True
    except ConfigError:
        loaded = False
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert (loaded, validator.is_valid(as_json(tomllib.loads(text)))) == (valid, valid)


#: A misspelt key in every built-in section (and the arrays of tables inside them): the error names
#: the file, the key path and the key meant, as for the core sections.
MISSPELT = [
    ('[imprint]\nlabel = ["Impressum"]\n', "imprint.label", "labels"),
    ("[copyright]\nnear_line = 3\n", "copyright.near_line", "near_lines"),
    ('[[copyright.agencies]]\nname = "Acme"\nhost = ["a.example"]\n', "copyright.agencies[0].host", "hosts"),
    ('[disclosure]\nbuy_phrase = ["kaufen"]\n', "disclosure.buy_phrase", "buy_phrases"),
    (
        '[[disclosure.cue_patterns]]\nname = "p"\npatern = "x"\n',
        "disclosure.cue_patterns[0].patern",
        "pattern",
    ),
    ('[secrets]\nkey_name = ["api_key"]\n', "secrets.key_name", "key_names"),
    (
        '[[secrets.token]]\nname = "t"\npattern = "t_[a-z]+"\nmin_entropie = 3\n',
        "secrets.token[0].min_entropie",
        "min_entropy",
    ),
    ('[personal]\nregion = ["DE"]\n', "personal.region", "regions"),
    ('[[personal.pattern]]\nnam = "p"\npattern = "x+"\n', "personal.pattern[0].nam", "name"),
    ('[images]\nowner = ["Nordkap"]\n', "images.owner", "owners"),
    ('[[sites]]\nname = "HQ"\nlatitude = 1\nlongitude = 2\nradis = 5\n', "sites[0].radis", "radius"),
    (
        '[[sites]]\nname = "HQ"\nlatitude = 1\nlongitude = 2\nnote = {fr = "x"}\n',
        "sites[0].note.fr",
        "allowed: de, en",
    ),
]


@pytest.mark.parametrize(("text", "key", "meant"), MISSPELT)
def test_a_misspelt_key_in_a_builtin_section_names_file_path_and_suggestion(
    tmp_path: Path, text: str, key: str, meant: str
) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_packs([pack], BUILTIN)
    assert exc.value.key == key and str(pack) in str(exc.value), str(exc.value)
    hint = f"(did you mean {meant!r}?)" if not meant.startswith("allowed") else f"({meant})"
    assert f"unknown key {hint}" in str(exc.value)


def test_every_builtin_section_is_declared_with_a_table() -> None:
    """No built-in section falls back to the "any object" schema: each parser carries its declaration."""
    assert set(BUILTIN) == {"imprint", "copyright", "disclosure", "secrets", "personal", "images", "sites"}
    for name, parser in BUILTIN.items():
        assert isinstance(parser.schema, Table | dict), name
        described = SCHEMA["properties"][name].get("items", SCHEMA["properties"][name])
        assert described["additionalProperties"] is False and described["properties"], name


def test_a_plugin_section_declared_with_a_table_validates_and_is_in_the_schema(tmp_path: Path) -> None:
    shout = Table({"words": fields.terms("Words to shout.")}, required=("words",))

    @section(shout)
    def parse_shout(t: dict[str, Any], where: Where) -> tuple[str, ...]:
        return tuple(w.upper() for w in t["words"])

    def parse_dict(value: Any, where: Where) -> Any:
        return value

    parse_dict.schema = {"type": "object", "properties": {"n": {"type": "integer"}}}  # type: ignore[attr-defined]
    schema = pack_schema({"shout": parse_shout, "legacy": parse_dict})
    assert schema["properties"]["shout"]["required"] == ["words"]
    assert schema["properties"]["legacy"] == parse_dict.schema  # type: ignore[attr-defined]
    pack = tmp_path / "pack.toml"
    pack.write_text('[shout]\nwords = ["hallo"]\n', encoding="utf-8")
    assert load_packs([pack], {"shout": parse_shout}).sections["shout"] == (("HALLO",),)
    pack.write_text('[shout]\nword = ["hallo"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shout\.word: unknown key \(did you mean 'words'\?\)"):
        load_packs([pack], {"shout": parse_shout})


def test_the_documented_section_example_runs(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    (block,) = [b.split("```", 1)[0] for b in doc.split("```python\n")[1:] if "SHOUTING = Table(" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "docs/plugins.md", "exec"), namespace)
    parse = namespace["parse_shouting"]
    assert pack_schema({"shouting": parse})["properties"]["shouting"]["required"] == ["words"]
    pack = tmp_path / "pack.toml"
    pack.write_text('[shouting]\nwords = ["achtung"]\n', encoding="utf-8")
    assert load_packs([pack], {"shouting": parse}).sections["shouting"] == ((("achtung",), 5),)
    pack.write_text('[shouting]\nwords = ["ok", "STOP"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shouting\.words\[1\]: 'STOP' is in capitals"):
        load_packs([pack], {"shouting": parse})
    pack.write_text('[shouting]\nwords = ["ok"]\nlimt = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shouting\.limt: unknown key \(did you mean 'limit'\?\)"):
        load_packs([pack], {"shouting": parse})
