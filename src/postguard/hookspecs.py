"""Every hook a postguard plugin can implement, grouped by phase.

A plugin is a module or object with functions marked ``@postguard.hookimpl``
whose names are the specs below. Built-in checks (``postguard.checks.*``) use
exactly this mechanism; third-party plugins are found through the
``postguard`` entry-point group::

    # pyproject.toml of a plugin package
    [project.entry-points.postguard]
    shouting = "postguard_shouting"

Implementations may accept fewer arguments than a spec names, so specs can grow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from postguard.context import CheckContext, ImageContext
    from postguard.formatters import Renderer
    from postguard.model import Finding, RuleInfo
    from postguard.rulepacks import PackSet

PROJECT = "postguard"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- set-up phase -----------------------------------------------------------


@hookspec
def postguard_register_rules(register: Callable[[RuleInfo], None]) -> None:
    """Declare the rules a plugin reports, by calling ``register`` once per rule.

    Rule ids are stable codes (``PG101``; third-party plugins should use their
    own prefix, e.g. ``ACME1``). Every finding a plugin yields must name a
    registered rule. Example::

        @hookimpl
        def postguard_register_rules(register):
            register(RuleInfo(id="ACME1", name="shouting", category="style",
                              severity=Severity.INFO,
                              docs={"en": RuleDoc(name="Shouting", what="...",
                                                  why="...", fix="...")}))

    :param register: call it with a :class:`postguard.model.RuleInfo`.
    """


@hookspec
def postguard_pack_sections(register: Callable[[str, Callable[[Any, Any], Any]], None]) -> None:
    """Declare top-level rule-pack sections a plugin reads.

    Packs are validated strictly: a section no plugin declared is an error.
    ``register(name, parse)`` declares section ``name``; ``parse(value, where)``
    receives the raw TOML value and a :class:`postguard.rulepacks.Where`
    (use ``where.error(...)`` / ``where.child(...)`` so errors name the file
    and key path) and returns the typed value plugins later read from
    ``ctx.packs.sections[name]`` (a tuple, one item per pack that had it, in load order).
    Declare the keys once with :class:`postguard.plugin.Table` and make the parser with
    :func:`postguard.plugin.section`: the declaration validates the section and describes it in the
    generated JSON schema (docs/plugins.md)::

        WORDS = Table({"words": fields.terms("Words to shout.")}, required=("words",))

        @section(WORDS)
        def parse_shouting(t, where):
            return t["words"]

        @hookimpl
        def postguard_pack_sections(register):
            register("shouting", parse_shouting)

    :param register: call it with ``(section_name, parse_function)``.
    """


@hookspec
def postguard_extractors(register: Callable[[Any], None]) -> None:
    """Add input formats, by calling ``register`` with a :class:`postguard.extract.InputFormat`.

    A format names itself, the file extensions read as it and a function from the
    source text to :class:`postguard.model.Extracted` (the checked text, its offset
    map back to the source, metadata and structure). Example::

        @hookimpl
        def postguard_extractors(register):
            register(InputFormat("rst", (".rst",), extract_rst))

    :param register: call it once per format.
    """


@hookspec
def postguard_prepare(packs: PackSet) -> tuple[str, Any] | None:
    """Prepare what a plugin computes once per set of rule packs (compiled patterns, indexes).

    Called by the engine once, right after the packs are loaded (and again whenever
    an engine loads packs anew), never per draft. Return ``(key, state)``; checks
    read the state back as ``ctx.prepared[key]``. Use the plugin's module name as
    the key. ``state`` should be immutable: drafts are checked concurrently. Example::

        @hookimpl
        def postguard_prepare(packs):
            words = [w for spec in packs.sections.get("shouting", ()) for w in spec.words]
            return __name__, regex.compile("|".join(map(regex.escape, words)))

        @hookimpl
        def postguard_check(ctx):
            pattern = ctx.prepared[__name__]
            ...

    :param packs: the loaded :class:`postguard.rulepacks.PackSet`.
    :returns: ``(key, state)``, or ``None`` when the plugin prepares nothing.
    """


# -- check phase ------------------------------------------------------------


@hookspec
def postguard_check(ctx: CheckContext) -> Iterable[Finding] | None:
    """Check one draft and return (or yield) findings.

    ``ctx`` holds the draft, its spaCy ``Doc``, the detected language, the
    moment judged (``ctx.moment``), the loaded rule packs and helpers
    (``ctx.finding(...)`` builds a finding with the rule's category and
    severity; ``ctx.message(...)`` picks the draft's language). Offsets are
    into ``ctx.text``; the engine maps them back to the source. Example::

        @hookimpl
        def postguard_check(ctx):
            for m in regex.finditer(r"\\b[A-Z]{5,}\\b", ctx.text):
                yield ctx.finding("ACME1", m.start(), m.end(),
                                  ctx.message(en="Don't shout.", de="Nicht schreien."))

    :param ctx: the :class:`postguard.context.CheckContext` of this draft.
    :returns: findings, or ``None`` for none.
    """


@hookspec
def postguard_check_image(ctx: ImageContext) -> Iterable[Finding] | None:
    """Check one image (its hash, size and metadata) and return (or yield) findings.

    The text in the image (OCR) goes through ``postguard_check`` like any
    draft; this hook sees what only an image has: ``ctx.image`` is a
    :class:`postguard.plugin.ImageFacts` (``phash``, ``width``, ``height``,
    ``metadata.fields``, ``metadata.gps``). Build findings with
    ``ctx.finding(rule_id, message, box=...)``; ``box`` defaults to the whole
    picture. Example::

        @hookimpl
        def postguard_check_image(ctx):
            if ctx.image.width * ctx.image.height > 40_000_000:
                yield ctx.finding("ACME2", ctx.message(en="Huge picture.", de="Riesiges Bild."))

    :param ctx: the :class:`postguard.context.ImageContext` of this image.
    :returns: findings, or ``None`` for none.
    """


# -- output phase -----------------------------------------------------------


@hookspec
def postguard_formatters(register: Callable[[str, Renderer], None]) -> None:
    """Add output formats, by calling ``register(name, render)`` once per format.

    ``render(reports, options)`` receives every :class:`postguard.model.Report` of the run and a
    :class:`postguard.formatters.RenderOptions` (rules by id, colour, quiet, verbose, label
    language) and returns the whole output as one string; ``postguard check --format NAME`` prints
    it. A name that is already taken (``text``, ``json``, ``sarif``, ``github`` or another
    plugin's) stops postguard. Example::

        @hookimpl
        def postguard_formatters(register):
            def render_csv(reports, options):
                return "\n".join(f"{r.name},{f.rule_id},{f.start}" for r in reports for f in r.findings)
            register("csv", render_csv)

    :param register: call it with ``(format_name, render_function)``.
    """
