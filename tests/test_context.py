"""What a check sees is immutable, and per-pack state is prepared once (issue 10)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from postguard.config import Config
from postguard.engine import Engine
from postguard.errors import ConfigError
from postguard.model import Draft
from postguard.plugin import CheckContext, PackSet, hookimpl
from postguard.plugins import build_plugin_manager


class Spy:
    """Counts postguard_prepare calls and keeps the context it is handed."""

    def __init__(self) -> None:
        self.prepared = 0
        self.seen: list[CheckContext] = []

    @hookimpl
    def postguard_prepare(self, packs: PackSet) -> tuple[str, Any]:
        self.prepared += 1
        return "spy", ("state for", len(packs.files))

    @hookimpl
    def postguard_check(self, ctx: CheckContext) -> None:
        self.seen.append(ctx)


def test_prepare_runs_once_per_pack_set_and_reaches_every_check() -> None:
    spy = Spy()
    engine = Engine(
        Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[spy]), use_cache=False
    )
    for text in ("Erster Entwurf.", "Second draft."):
        engine.check(Draft(text=text))
    assert spy.prepared == 1
    assert [ctx.prepared["spy"] for ctx in spy.seen] == [("state for", len(engine.packs.files))] * 2


def test_the_context_and_its_prepared_state_are_read_only() -> None:
    spy = Spy()
    engine = Engine(
        Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[spy]), use_cache=False
    )
    engine.check(Draft(text="Ein Entwurf. Zwei Sätze."))
    [ctx] = spy.seen
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ctx.prepared["spy"] = "changed"  # type: ignore[index]
    assert ctx.sentences == ctx.sentences and len(ctx.sentences) == 2  # lazy caches still work


def test_two_plugins_cannot_prepare_under_one_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="two plugins prepared state under the key 'spy'"):
        Engine(Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[Spy(), Spy()]))


class Hashed:
    """A plugin input format: lines starting with '#' are comments."""

    @hookimpl
    def postguard_extractors(self, register: Any) -> None:
        from postguard.extract.structure import light_pass
        from postguard.model import Extracted
        from postguard.plugin import InputFormat

        def extract(source: str) -> Extracted:
            text = "".join(" " * len(x.rstrip("\n")) + x[len(x.rstrip("\n")) :] if x.startswith("#") else x
                           for x in source.splitlines(keepends=True))  # fmt: skip
            return Extracted(text=text, structure=light_pass(text))

        register(InputFormat("hashed", (".hashed",), extract))


def test_a_plugin_adds_an_input_format() -> None:
    from postguard.pipeline import lint

    pm = build_plugin_manager(entry_points=False, extra=[Hashed()])
    engine = Engine(Config(), plugin_manager=pm, use_cache=False)
    source = "# Internal use only\nHallo.\n"
    assert "hashed" in engine.formats
    assert [
        f.rule_id for f in lint(engine, source, path="a.hashed").findings
    ] == []  # the comment is not checked
    assert [f.rule_id for f in lint(engine, source, path="a.txt").findings] == ["PG104"]  # plain text is
    with pytest.raises(ConfigError, match="registered twice"):
        Engine(Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[Hashed(), Hashed()]))


class Meddler:
    """Runs before the other checks and tries to change what they will see."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    @hookimpl(tryfirst=True)
    def postguard_check(self, ctx: CheckContext) -> None:
        attempts: dict[str, Any] = {
            "channels": lambda: ctx.packs.channels.__setitem__("fake", ctx.channel),  # type: ignore[attr-defined]
            "channels.clear": lambda: ctx.packs.channels.clear(),  # type: ignore[attr-defined]
            "sections": lambda: ctx.packs.sections.__setitem__("imprint", ()),  # type: ignore[attr-defined]
            "hosts": lambda: ctx.packs.hosts.__setitem__("example.org", (0,)),  # type: ignore[attr-defined]
            "host entries": lambda: ctx.packs.hosts["jira.nordkap-dev.example"].append(0),  # type: ignore[attr-defined]
            "rules": lambda: ctx.rules.pop("PG101"),  # type: ignore[attr-defined]
        }
        for name, attempt in attempts.items():
            try:
                attempt()
            except (TypeError, AttributeError):
                self.refused.append(name)


@pytest.mark.parametrize("cached", [False, True])
def test_a_plugin_cannot_change_the_packs_or_rules_another_plugin_sees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    monkeypatch.setenv("POSTGUARD_CACHE_DIR", str(tmp_path))
    pack = Path(__file__).resolve().parents[1] / "rules" / "example-company.toml"
    config = Config(packs=(pack,))
    if cached:  # the second engine gets its packs back from the pickle the first one wrote
        Engine(config, use_cache=True)
    meddler = Meddler()
    pm = build_plugin_manager(entry_points=False, extra=[meddler])
    engine = Engine(config, plugin_manager=pm, use_cache=cached)
    before = (dict(engine.packs.channels), dict(engine.packs.sections), len(engine.packs.hosts))
    findings = engine.check(Draft(text="Details stehen unter jira.nordkap-dev.example/roadmap.")).findings
    assert meddler.refused == ["channels", "channels.clear", "sections", "hosts", "host entries", "rules"]
    assert (dict(engine.packs.channels), dict(engine.packs.sections), len(engine.packs.hosts)) == before
    assert "PG101" in engine.rules and "fake" not in engine.packs.channels
    assert [f.rule_id for f in findings if f.rule_id.startswith("PG1")]  # the host still found


def test_a_directory_walk_reads_a_plugin_format_too(tmp_path: Path) -> None:
    from postguard.commands.common import expand

    for name in ("post.hashed", "post.md", "notes.txt", "image.png"):
        (tmp_path / name).write_text("Hallo.\n", encoding="utf-8")
    pm = build_plugin_manager(entry_points=False, extra=[Hashed()])
    engine = Engine(Config(root=tmp_path), plugin_manager=pm, use_cache=False)
    found = sorted(Path(i.name).name for i in expand([str(tmp_path)], engine, None, False))
    assert found == ["notes.txt", "post.hashed", "post.md"]
    plain = Engine(Config(root=tmp_path), use_cache=False)
    assert sorted(Path(i.name).name for i in expand([str(tmp_path)], plain, None, False)) == [
        "notes.txt",
        "post.md",
    ]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (None, "Siehe https://example.com/a?b=1 und www.example.org/x, dazu docs.example.net/y."),
        (
            "post.md",
            "# Title\n\n[Link](https://example.com/a) and https://example.org/b.\n\n`https://code.example`\n",
        ),
        ("page.html", '<p><a href="https://example.com/a">x</a> see https://example.org/b</p>'),
    ],
)
def test_the_checks_urls_are_the_web_addresses_of_the_checked_text(path: str | None, text: str) -> None:
    """``ctx.urls`` comes from the extraction's light pass (found once): it must be what the URL
    finder finds in the text the checks read, whatever the input format."""
    from postguard.urls import find_urls

    spy = Spy()
    engine = Engine(
        Config(), plugin_manager=build_plugin_manager(entry_points=False, extra=[spy]), use_cache=False
    )
    engine.check(Draft(text=text, path=Path(path) if path else None))
    [ctx] = spy.seen
    assert ctx.structure.urls is not None
    assert ctx.urls == find_urls(ctx.text) != []
