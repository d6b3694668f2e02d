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
from postguard.errors import ConfigError, PluginError
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

    @hookimpl
    def postguard_formatters(register):
        def render_csv(reports, options):
            return "\\n".join(f"{r.name},{f.rule_id},{f.start}" for r in reports for f in r.findings)
        register("csv", render_csv)
    """
)


def install_plugin(tmp_path: Path, module: str, source: str) -> dict[str, str]:
    """A plugin module with a real ``postguard`` entry point in a site directory; the environment
    whose PYTHONPATH finds it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    dist = site / f"{module}-1.0.dist-info"
    dist.mkdir()
    name = module.replace("_", "-")
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    entry = module.removeprefix("pg_")
    (dist / "entry_points.txt").write_text(f"[postguard]\n{entry} = {module}\n", encoding="utf-8")
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))


def test_builtin_checks_are_ordinary_plugins() -> None:
    pm = build_plugin_manager(entry_points=False)
    names = {pm.get_name(p) for p in pm.get_plugins()}
    assert set(DEFAULT_PLUGINS) <= names


def test_third_party_plugin_from_entry_point_shows_in_cli(tmp_path: Path) -> None:
    env = install_plugin(tmp_path, "pg_shouting", PLUGIN_SOURCE)
    draft = tmp_path / "draft.txt"
    draft.write_text("Wir sind UNGLAUBLICH stolz auf das Team.\n", encoding="utf-8")
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


def test_a_plugin_adds_an_output_format(tmp_path: Path) -> None:
    env = install_plugin(tmp_path, "pg_shouting", PLUGIN_SOURCE)
    (tmp_path / "draft.txt").write_text("Wir sind UNGLAUBLICH stolz.\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "postguard", "check", "draft.txt", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)

    proc = run("--format", "csv")
    assert (proc.returncode, proc.stdout) == (0, "draft.txt,SHOUT1,9\n"), proc.stderr
    proc = run("--format", "yaml")
    assert proc.returncode == 2
    assert "unknown format 'yaml' (known: csv, github, json, sarif, text)" in proc.stderr


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


def _check_with_plugin(
    tmp_path: Path, module: str, source: str, text: str
) -> subprocess.CompletedProcess[str]:
    """`postguard check a.txt` in a fresh process, with the plugin ``module`` installed."""
    env = install_plugin(tmp_path, module, source)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "postguard", "check", "a.txt"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def test_a_plugin_that_raises_exits_3_and_is_named(tmp_path: Path) -> None:
    boom = "from postguard import hookimpl\n\n@hookimpl\ndef postguard_check(ctx):\n    raise RuntimeError('boom')\n"
    proc = _check_with_plugin(tmp_path, "pg_boom", boom, "Hallo Welt, wie geht es euch?\n")
    assert proc.returncode == 3  # a bug, not "findings" (1)
    assert (
        "postguard: internal error: the plugin 'boom' (package pg-boom) failed while checking: "
        "RuntimeError: boom (raised in " in proc.stderr
    )
    assert "pg_boom.py:5" in proc.stderr.splitlines()[-1]


def test_a_generator_check_that_raises_while_read_is_named(tmp_path: Path) -> None:
    # the built-in checks' own style: the error comes when the findings are read, not at the call
    boom = (
        "from postguard import hookimpl\n\n@hookimpl\ndef postguard_check(ctx):\n"
        "    yield from ()\n    raise ValueError('late boom')\n"
    )
    proc = _check_with_plugin(tmp_path, "pg_lateboom", boom, "Hallo Welt, wie geht es euch?\n")
    assert proc.returncode == 3, proc.stderr
    assert (
        "the plugin 'lateboom' (package pg-lateboom) failed while checking: ValueError: late boom"
        in proc.stderr
    )
    assert "pg_lateboom.py:6" in proc.stderr.splitlines()[-1]


def test_a_plugin_that_fails_to_load_is_named_with_its_package(tmp_path: Path) -> None:
    proc = _check_with_plugin(tmp_path, "pg_unloadable", "import no_such_module_here\n", "Hallo.\n")
    assert proc.returncode == 3, proc.stderr
    assert (
        "the plugin 'unloadable = pg_unloadable' (package pg-unloadable) failed to load: "
        "ModuleNotFoundError" in proc.stderr
    )


def test_failing_plugin_names_an_in_process_plugin() -> None:
    class Crash:
        @hookimpl
        def postguard_check(self, ctx):  # type: ignore[no-untyped-def]
            return [1 / 0]

    crash = Crash()
    pm = build_plugin_manager(entry_points=False, extra=[crash])
    with pytest.raises(PluginError) as info:
        lint(Engine(Config(), plugin_manager=pm), "Text", now=NOW)
    assert info.value.cause_type == "ZeroDivisionError" and info.value.package is None
    assert info.value.plugin == pm.get_name(crash)
