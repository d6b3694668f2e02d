"""postguard.toml: one declaration (config.CONFIG) validates it and generates schema/config.schema.json."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from postguard.config import load_config
from postguard.errors import ConfigError
from postguard.model import Severity
from postguard.rulepacks.schema import config_schema, main

SCHEMA = json.loads((ROOT / "schema" / "config.schema.json").read_text(encoding="utf-8"))


def config(tmp_path: Path, text: str, name: str = "postguard.toml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('pack = ["a.toml"]\n', "pack", "unknown key (did you mean 'packs'?)"),
        ('packs = "a.toml"\n', "packs", "expected an array of strings, got a string: write ['a.toml']"),
        ('packs = ["missing.toml"]\n', "packs[0]", "rule pack 'missing.toml' not found"),
        ("min_confidence = 2\n", "min_confidence", "expected a number between 0 and 1"),
        ('lang = "fr"\n', "lang", "must be one of auto, de, en, got 'fr'"),
        ('fail_on = "fatal"\n', "fail_on", "must be one of error, warning, info"),
        ('severity = { PG101 = "fatal" }\n', "severity.PG101", "must be one of error, warning, info"),
        ('spacy_models = { fr = "fr_core_news_sm" }\n', "spacy_models.fr", "unknown key (allowed: de, en)"),
        ("pack_refresh = 0\n", "pack_refresh", "expected a positive number of minutes"),
        ('pack_timeout = "soon"\n', "pack_timeout", "expected a positive number of seconds"),
        ('pack_keys = ["nope"]\n', "pack_keys[0]", "give the RWQ... line of a minisign .pub file"),
        ('overrides = "x"\n', "overrides", "expected an array of tables ([[overrides]])"),
        ('[[overrides]]\ndisable = ["PG105"]\n', "overrides[0].paths", "missing required key"),
        ('[[overrides]]\npaths = ["*.md"]\nkind = "tweet"\n', "overrides[0].kind", "must be one of"),
        (
            '[[overrides]]\npaths = ["*.md"]\nchanel = "blog"\n',
            "overrides[0].chanel",
            "did you mean 'channel'",
        ),
        ("[server]\nport = 70000\n", "server.port", "expected a port number (0-65535)"),
        ("[server]\nprot = 1\n", "server.prot", "did you mean 'port'"),
        ("[server]\nmax_text_length = 0\n", "server.max_text_length", "expected a positive integer"),
        ("[server]\ntimeout = -1\n", "server.timeout", "expected a positive number of seconds"),
        ("default_pack = 1\n", "default_pack", "expected true or false, got an integer"),
    ],
)
def test_errors_name_file_key_and_suggestion(tmp_path: Path, text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as exc:
        config(tmp_path, text)
    assert exc.value.key == key and str(tmp_path / "postguard.toml") in str(exc.value), str(exc.value)
    assert words in str(exc.value)


def test_pyproject_errors_name_the_tool_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        config(tmp_path, '[tool.postguard]\nexlude = ["drafts/"]\n', "pyproject.toml")
    assert exc.value.key == "tool.postguard.exlude" and "did you mean 'exclude'" in str(exc.value)


def test_a_full_config_reads_into_typed_settings(tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_text('[[channels]]\nname = "blog"\n', encoding="utf-8")
    c = config(
        tmp_path,
        'packs = ["pack.toml"]\ndefault_pack = false\ndisable = ["PG4"]\nseverity = { PG105 = "info" }\n'
        'lang = "de"\nmin_confidence = 1\nfail_on = "warning"\nchannel = "blog"\nkind = "article"\n'
        'baseline = "base.json"\npack_refresh = 5\n'
        '[[overrides]]\npaths = "news/*.md"\nseverity = { copyright = "error" }\nlang = "en"\n'
        '[server]\nport = 9000\nallow_origins = "https://cms.example"\ntimeout = 2\n',
    )
    assert c.packs == ((tmp_path / "pack.toml").resolve(),) and c.default_pack is False
    assert c.disable == ("PG4",) and c.severity == {"PG105": Severity.INFO}
    assert (c.lang, c.messages_lang, c.kind, c.channel) == ("de", "auto", "article", "blog")
    assert c.min_confidence == 1.0 and isinstance(c.min_confidence, float) and c.fail_on is Severity.WARNING
    assert c.baseline == tmp_path / "base.json" and c.pack_refresh == 5.0 and c.pack_timeout == 10.0
    (o,) = c.overrides
    assert (o.paths, o.severity, o.lang, o.disable) == (
        ("news/*.md",),
        {"copyright": Severity.ERROR},
        "en",
        (),
    )
    assert (c.server.port, c.server.allow_origins, c.server.timeout) == (9000, ("https://cms.example",), 2.0)
    assert c.server.max_text_length == 100_000 and c.server.token is None


def test_the_committed_config_schema_is_the_generated_one(tmp_path: Path) -> None:
    assert json.loads(json.dumps(config_schema())) == SCHEMA
    (tmp_path / "rulepack.schema.json").write_text(
        (ROOT / "schema" / "rulepack.schema.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "config.schema.json").write_text("{}\n", encoding="utf-8")
    assert main(["--check", str(tmp_path / "rulepack.schema.json")]) == 1  # the stale config schema


#: Configs on both sides of the line: the schema an editor uses and postguard agree.
CONFIGS = [
    ('disable = ["PG105"]\nseverity = { PG4 = "warning" }\n', True),
    ('disable = "PG105"\n', False),
    ("min_confidence = 0.7\n", True),
    ("min_confidence = 1.5\n", False),
    ('messages_lang = "de"\nkind = "page"\n', True),
    ('kind = "tweet"\n', False),
    ("[server]\nport = 8000\ntimeout = 0.5\n", True),
    ("[server]\nport = -1\n", False),
    ("[server]\ntimeout = 0\n", False),
    ('[[overrides]]\npaths = ["*.md"]\nlang = "auto"\n', True),
    ('[[overrides]]\nlang = "de"\n', False),
    ('spacy_models = { de = "de_core_news_sm" }\n', True),
    ('spacy_models = { de = "" }\n', False),
    ("pack_refresh = 0\n", False),
    ('colour = "red"\n', False),
]


@pytest.mark.parametrize(("text", "valid"), CONFIGS)
def test_the_schema_and_the_loader_agree(tmp_path: Path, text: str, valid: bool) -> None:
    try:
        config(tmp_path, text)
        loaded = True
    except ConfigError:
        loaded = False
    validator = jsonschema.Draft7Validator(SCHEMA)
    assert (loaded, validator.is_valid(tomllib.loads(text))) == (valid, valid)


def test_the_documented_config_example_matches_the_schema() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "#:schema" in doc and "schema/config.schema.json" in doc
    template = (ROOT / "src" / "postguard" / "templates" / "postguard.toml").read_text(encoding="utf-8")
    jsonschema.Draft7Validator(SCHEMA).validate(tomllib.loads(template))
