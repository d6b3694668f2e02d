"""Rule packs: strict validation with errors that name the file and the key path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postguard.checks.personal import parse_personal
from postguard.checks.secret import parse_secrets
from postguard.errors import ConfigError
from postguard.rulepacks import load_packs

ROOT = Path(__file__).resolve().parents[1]


def load(tmp_path: Path, text: str, **kw):  # type: ignore[no-untyped-def]
    p = tmp_path / "pack.toml"
    p.write_text(text, encoding="utf-8")
    return load_packs([p], **kw)


def error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        load(tmp_path, text)
    assert str(tmp_path / "pack.toml") in str(exc.value)
    return exc.value


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (
            '[[confidential]]\nkind = "codename"\nterms = ["A1"]\ncolour = "red"\n',
            "confidential[0].colour",
            "unknown key",
        ),
        ('[[confidential]]\nkind = "codenme"\nterms = ["A1"]\n', "confidential[0].kind", "must be one of"),
        (
            '[[confidential]]\nkind = "codename"\nterms = "Sturmvogel"\nwindow = "8"\n',
            "confidential[0].window",
            "expected an integer",
        ),
        ('[[confidential]]\nkind = "codename"\nterms = []\n', "confidential[0].terms", "is empty"),
        (
            '[[confidential]]\nkind = "codename"\nterms = ["ok", "!!!"]\n',
            "confidential[0].terms[1]",
            "no letters or digits",
        ),
        (
            '[[confidential]]\nkind = "codename"\nterms = [1]\n',
            "confidential[0].terms[0]",
            "expected a string",
        ),
        (
            '[[confidential]]\nkind = "marking"\npatterns = ["NK-(\\\\d"]\n',
            "confidential[0].patterns[0]",
            "invalid regular expression",
        ),
        (
            '[[confidential]]\nkind = "topic"\nterms = ["x1"]\nfrom = "2026-13-01"\n',
            "confidential[0].from",
            "is not a date",
        ),
        (
            '[[confidential]]\nkind = "topic"\nterms = ["x1"]\nfrom = 2027-01-01\nuntil = 2026-01-01\n',
            "confidential[0].until",
            "ends before",
        ),
        (
            '[[confidential]]\nkind = "host"\nterms = ["https://wiki.example.com/x"]\n',
            "confidential[0].terms[0]",
            "not a host name",
        ),
        ('[[confidential]]\nkind = "codename"\n', "confidential[0].terms", "missing"),
        (
            '[[embargo]]\nname = "A"\nuntil = 2027-01-01\n[[embargo]]\nname = "B"\naliases = ["b"]\n'
            '[[embargo]]\nname = "C"\nuntil = "soon"\n',
            "embargo[1].until",
            "missing required key",
        ),
        (
            '[[embargo]]\nname = "A"\nuntil = 2027-01-01\n[[embargo]]\nname = "C"\nuntil = "soon"\n',
            "embargo[1].until",
            "is not a date",
        ),
        (
            '[pack]\ntimezone = "Mars/Olympus"\n[[embargo]]\nname = "A"\nuntil = 2027-01-01\n',
            "pack.timezone",
            "unknown time zone",
        ),
        ('[imprint]\nurls = ["x"]\n', "imprint", "unknown key"),
        ('[[channels]]\nname = "x"\nbusiness = "yes"\n', "channels[0].business", "expected true or false"),
        ('[pack]\nname = "empty"\n', None, "defines nothing"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, text: str, key: str | None, words: str) -> None:
    exc = error(tmp_path, text)
    if key:
        assert exc.key == key, str(exc)
    assert words in str(exc)


def test_invalid_toml_names_line(tmp_path: Path) -> None:
    exc = error(tmp_path, '[[confidential]]\nkind = "codename\n')
    assert "invalid TOML" in str(exc) and "line 2" in str(exc)


def test_bundled_packs_are_valid() -> None:
    packs = load_packs(
        [ROOT / "rules" / "default.toml", ROOT / "rules" / "example-company.toml"],
        {
            "imprint": lambda v, w: v,
            "disclosure": lambda v, w: v,
            "copyright": lambda v, w: v,
            "secrets": parse_secrets,
            "personal": parse_personal,
            "images": lambda v, w: v,
            "sites": lambda v, w: v,
        },
    )
    assert packs.names == ("postguard default", "Nordkap Outdoor GmbH")
    assert {c.name for c in packs.channels.values()} >= {"linkedin-company", "employee-private"}
    assert packs.term_count > 20


def test_dates_follow_the_pack_time_zone_and_until_is_inclusive(tmp_path: Path) -> None:
    packs = load(
        tmp_path,
        '[pack]\ntimezone = "Europe/Berlin"\n'
        '[[confidential]]\nkind = "topic"\nterms = ["Prognose"]\nfrom = 2026-10-01\nuntil = 2027-02-15\n'
        '[[embargo]]\nname = "T5"\nuntil = 2027-05-04T09:00:00+02:00\n',
    )
    window = packs.confidential[0].active
    assert window.start == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
    assert window.contains(datetime(2027, 2, 15, 22, 59, tzinfo=UTC))  # 23:59 in Berlin
    assert not window.contains(datetime(2027, 2, 15, 23, 0, tzinfo=UTC))
    assert packs.embargo[0].until == datetime(2027, 5, 4, 7, 0, tzinfo=UTC)


def test_cache_returns_the_same_pack_and_notices_edits(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    p = tmp_path / "pack.toml"
    p.write_text('[[confidential]]\nkind = "codename"\nterms = ["Sturmvogel"]\n', encoding="utf-8")
    first = load_packs([p], cache_dir=cache)
    assert list(cache.iterdir())
    second = load_packs([p], cache_dir=cache)
    assert second.fingerprint == first.fingerprint and second.confidential == first.confidential
    p.write_text('[[confidential]]\nkind = "codename"\nterms = ["Polarfuchs"]\n', encoding="utf-8")
    third = load_packs([p], cache_dir=cache)
    assert third.fingerprint != first.fingerprint and third.confidential[0].terms == ("Polarfuchs",)


def test_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    p = tmp_path / "pack.toml"
    p.write_text('[[confidential]]\nkind = "codename"\nterms = ["Sturmvogel"]\n', encoding="utf-8")
    first = load_packs([p], cache_dir=cache)
    for f in cache.iterdir():
        f.write_bytes(b"garbage")
    assert load_packs([p], cache_dir=cache).confidential == first.confidential


def test_cache_notices_a_changed_section_parser(tmp_path: Path) -> None:
    """A plugin's section parser that changes (a new release, an edit) is not served from a stale cache."""
    import importlib
    import sys

    cache = tmp_path / "cache"
    plugin_dir = tmp_path / "plugin"
    plugin_dir.mkdir()
    module = plugin_dir / "acme_sections.py"
    module.write_text("def parse(value, where):\n    return {'limit': value['limit']}\n", encoding="utf-8")
    pack = tmp_path / "pack.toml"
    pack.write_text("[acme]\nlimit = 3\n", encoding="utf-8")
    sys.path.insert(0, str(plugin_dir))
    try:
        mod = importlib.import_module("acme_sections")
        first = load_packs([pack], {"acme": mod.parse}, cache_dir=cache)
        assert first.sections["acme"] == ({"limit": 3},)
        module.write_text(
            "def parse(value, where):\n    return {'limit': value['limit'] * 10, 'v': 2}\n", encoding="utf-8"
        )
        mod = importlib.reload(mod)
        second = load_packs([pack], {"acme": mod.parse}, cache_dir=cache)
        assert second.sections["acme"] == ({"limit": 30, "v": 2},)
        assert second.fingerprint != first.fingerprint
    finally:
        sys.path.remove(str(plugin_dir))
        sys.modules.pop("acme_sections", None)


def test_cache_key_names_plugins_and_their_versions(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    p = tmp_path / "pack.toml"
    p.write_text('[[confidential]]\nkind = "codename"\nterms = ["Sturmvogel"]\n', encoding="utf-8")
    a = load_packs([p], cache_dir=cache, plugins=("acme-postguard==1.0",))
    b = load_packs([p], cache_dir=cache, plugins=("acme-postguard==1.1",))
    c = load_packs([p], cache_dir=cache, plugins=("acme-postguard==1.0",))
    assert a.fingerprint != b.fingerprint and a.fingerprint == c.fingerprint


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[secrets]\ntoken = "x"\n', "secrets.token", "expected an array of tables ([[secrets.token]])"),
        ('[[secrets.token]]\nname = "t"\npattern = "a("\n', "secrets.token[0].pattern", "invalid regular"),
        ('[[personal.pattern]]\nname = "p"\npattern = "x*"\n', "personal.pattern[0].pattern", "empty string"),
        ('[[personal.pattern]]\nname = "p"\n', "personal.pattern[0].pattern", "missing required key"),
    ],
)
def test_plugin_sections_share_the_table_and_pattern_checks(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    sections = {"secrets": parse_secrets, "personal": parse_personal}
    p = tmp_path / "pack.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_packs([p], sections)
    assert exc.value.key == key and words in str(exc.value)


def test_cache_notices_a_changed_helper_module_of_a_plugins_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser's own module is unchanged; a helper module of the same plugin package changes."""
    import importlib
    import sys

    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.plugin import hookimpl
    from postguard.plugins import build_plugin_manager

    pkg = tmp_path / "plugin" / "acme_pg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sections.py").write_text(
        "from acme_pg import helpers\n\ndef parse(value, where):\n    return helpers.scale(value['limit'])\n",
        encoding="utf-8",
    )
    helpers = pkg / "helpers.py"
    helpers.write_text("def scale(n):\n    return n\n", encoding="utf-8")
    pack = tmp_path / "pack.toml"
    pack.write_text("[acme]\nlimit = 3\n", encoding="utf-8")

    class Acme:
        @hookimpl
        def postguard_pack_sections(self, register: Any) -> None:
            register("acme", sys.modules["acme_pg.sections"].parse)

    def engine() -> Engine:
        pm = build_plugin_manager(entry_points=False, extra=[Acme()])
        return Engine(Config(packs=(pack,), default_pack=False), plugin_manager=pm)

    monkeypatch.syspath_prepend(str(tmp_path / "plugin"))
    monkeypatch.setenv("POSTGUARD_CACHE_DIR", str(tmp_path / "cache"))
    try:
        importlib.import_module("acme_pg.sections")
        first = engine().packs
        assert first.sections["acme"] == (3,)
        assert engine().packs.fingerprint == first.fingerprint  # unchanged: served from the cache
        helpers.write_text("def scale(n):\n    return n * 10\n", encoding="utf-8")
        importlib.reload(sys.modules["acme_pg.helpers"])
        second = engine().packs
        assert second.sections["acme"] == (30,)
        assert second.fingerprint != first.fingerprint
    finally:
        for name in ("acme_pg", "acme_pg.sections", "acme_pg.helpers"):
            sys.modules.pop(name, None)
