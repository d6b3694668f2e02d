"""Output formats: one registry, one renderer signature (as ruff renders diagnostics).

A renderer takes the reports and the :class:`RenderOptions` of the run and returns the whole output
as one string (empty: print nothing). The built-in formats are ``text``, ``json``, ``sarif`` and
``github``; a plugin adds one with the ``postguard_formatters(register)`` hook::

    @hookimpl
    def postguard_formatters(register):
        register("csv", render_csv)   # def render_csv(reports, options) -> str
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pluggy

from postguard.errors import ConfigError, UsageError
from postguard.model import Report, RuleInfo


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOptions:
    """What a renderer may use besides the reports.

    ``rules`` are the engine's registered rules by id; ``color`` asks for terminal colours;
    ``quiet`` for findings and errors only, no summary; ``lang`` is the language of the labels
    (the messages already are in the draft's language); ``verbose`` asks for every notice (the text
    format shows a replaced language always, an empty input skipped only when verbose).
    """

    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    color: bool = False
    quiet: bool = False
    lang: str = "en"
    verbose: bool = False


class Renderer(Protocol):
    """The one signature of every output format."""

    def __call__(self, reports: Sequence[Report], options: RenderOptions, /) -> str: ...


#: The built-in formats: name -> module under postguard.formatters with a ``render`` function.
BUILTIN: Mapping[str, str] = {"text": "text", "json": "json", "sarif": "sarif", "github": "github"}


def _builtin(module: str) -> Renderer:
    def render(reports: Sequence[Report], options: RenderOptions, /) -> str:
        renderer: Renderer = importlib.import_module(f"postguard.formatters.{module}").render
        return renderer(reports, options)

    return render


def formatters(pm: pluggy.PluginManager) -> dict[str, Renderer]:
    """Every output format: the built-ins (imported only when used), then the plugins' formats."""
    found: dict[str, Renderer] = {name: _builtin(module) for name, module in BUILTIN.items()}

    def register(name: str, render: Callable[[Sequence[Report], RenderOptions], str]) -> None:
        if name in found:
            raise ConfigError(f"output format {name!r} is registered twice")
        found[name] = render

    pm.hook.postguard_formatters(register=register)
    return found


def formatter(pm: pluggy.PluginManager, name: str) -> Renderer:
    """The renderer of format ``name``; an unknown name is a :class:`UsageError` listing the known."""
    known = formatters(pm)
    try:
        return known[name]
    except KeyError:
        raise UsageError(f"--format: unknown format {name!r} (known: {', '.join(sorted(known))})") from None
