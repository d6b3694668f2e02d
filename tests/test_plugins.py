"""Plugins: built-in checks and third-party ones go through the same pluggy mechanism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import NOW
from postguard import hookimpl
from postguard.config import Config
from postguard.engine import Engine
from postguard.errors import ConfigError
from postguard.model import RuleDoc, RuleInfo, Severity
from postguard.pipeline import lint
from postguard.plugins import DEFAULT_PLUGINS, build_plugin_manager

PLUGIN_SOURCE = textwrap.dedent(
    """
    import regex
    from postguard import hookimpl, RuleInfo, RuleDoc, Severity

    @hookimpl
    def postguard_register_rules(register):
        register(RuleInfo(id="SHOUT1", name="shouting", category="style", severity=Severity.WARNING,
                          docs={"en": RuleDoc(name="Shouting", what="Words in capitals.", why="Rude.",
                                              fix="Write normally.")}))

    @hookimpl
    def postguard_check(ctx):
        for m in regex.finditer(r"\\b[A-Z]{6,}\\b", ctx.text):
            yield ctx.finding("SHOUT1", m.start(), m.end(), ctx.message(en="Don't shout.", de="Nicht schreien."))
    """
)


def test_builtin_checks_are_ordinary_plugins() -> None:
    pm = build_plugin_manager(entry_points=False)
    names = {pm.get_name(p) for p in pm.get_plugins()}
    assert set(DEFAULT_PLUGINS) <= names


def test_third_party_plugin_from_entry_point_shows_in_cli(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "pg_shouting.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    dist = site / "pg_shouting-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pg-shouting\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text("[postguard]\nshouting = pg_shouting\n", encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text("Wir sind UNGLAUBLICH stolz auf das Team.\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "postguard", "check", str(draft), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr  # a warning does not fail by default
    [finding] = json.loads(proc.stdout)["results"][0]["findings"]
    assert (finding["rule_id"], finding["match"], finding["message"]) == (
        "SHOUT1",
        "UNGLAUBLICH",
        "Nicht schreien.",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "postguard", "rules"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert "SHOUT1" in proc.stdout and "shouting" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "postguard", "check", str(draft), "--disable", "style"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0 and "SHOUT1" not in proc.stdout


class Hashtags:
    """A throwaway in-process plugin: too many hashtags."""

    @hookimpl
    def postguard_register_rules(self, register):  # type: ignore[no-untyped-def]
        register(
            RuleInfo(
                id="TAG1",
                name="hashtag-flood",
                category="style",
                severity=Severity.INFO,
                docs={"en": RuleDoc(name="Hashtags", what="w", why="y", fix="f")},
            )
        )

    @hookimpl
    def postguard_check(self, ctx):  # type: ignore[no-untyped-def]
        # spaCy splits "#d" into "#" and "d": a hashtag is a "#" token glued to the next one
        tags = [t for t in ctx.doc if t.text == "#" and t.i + 1 < len(ctx.doc) and not t.whitespace_]
        if len(tags) > 3:
            start = tags[3].idx
            return [ctx.finding("TAG1", start, start + 1 + len(ctx.doc[tags[3].i + 1]), "Too many hashtags.")]
        return None


def test_in_process_plugin_and_severity_override() -> None:
    pm = build_plugin_manager(entry_points=False, extra=[Hashtags()])
    engine = Engine(Config(severity={"TAG1": Severity.ERROR}), plugin_manager=pm)
    text = "Toll! #a #b #c #d #e"
    [f] = lint(engine, text, now=NOW).findings
    assert (f.rule_id, f.match, f.severity) == ("TAG1", "#d", Severity.ERROR)


def test_plugin_reporting_an_unregistered_rule_is_an_error() -> None:
    class Rogue:
        @hookimpl
        def postguard_check(self, ctx):  # type: ignore[no-untyped-def]
            from postguard.model import Finding

            return [
                Finding(
                    rule_id="X1", category="x", severity=Severity.INFO, message="m", start=0, end=1, match="T"
                )
            ]

    engine = Engine(Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[Rogue()]))
    with pytest.raises(ConfigError, match="unregistered rule 'X1'"):
        lint(engine, "Text", now=NOW)


def test_duplicate_or_malformed_rule_ids_are_refused() -> None:
    class Dup:
        @hookimpl
        def postguard_register_rules(self, register):  # type: ignore[no-untyped-def]
            register(RuleInfo(id="PG101", name="x", category="x", severity=Severity.INFO, docs={}))

    with pytest.raises(ConfigError, match="registered twice"):
        Engine(Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[Dup()]))

    class Bad:
        @hookimpl
        def postguard_register_rules(self, register):  # type: ignore[no-untyped-def]
            register(RuleInfo(id="no spaces", name="x", category="x", severity=Severity.INFO, docs={}))

    with pytest.raises(ConfigError, match="not a code"):
        Engine(Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[Bad()]))


def test_plugin_pack_section_is_validated_through_the_hook(tmp_path: Path) -> None:
    from postguard.rulepacks import expect_str_list, expect_table

    class Section:
        @hookimpl
        def postguard_pack_sections(self, register):  # type: ignore[no-untyped-def]
            def parse(value, where):  # type: ignore[no-untyped-def]
                t = expect_table(value, where, ("words",))
                return expect_str_list(t["words"], where.child("words"))

            register("shout", parse)

    pack = tmp_path / "p.toml"
    pack.write_text('[shout]\nwords = ["A", 3]\n', encoding="utf-8")
    pm = build_plugin_manager(entry_points=False, extra=[Section()])
    with pytest.raises(ConfigError, match=r"shout\.words\[1\]: expected a string"):
        Engine(Config(packs=(pack,), default_pack=False), plugin_manager=pm, use_cache=False)
    pack.write_text('[shout]\nwords = ["A", "B"]\n', encoding="utf-8")
    engine = Engine(Config(packs=(pack,), default_pack=False), plugin_manager=pm, use_cache=False)
    assert engine.packs.sections["shout"] == (("A", "B"),)
