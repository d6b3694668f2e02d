"""The command line: ``postguard check | rules | explain | serve``.

This is the one error boundary: a :class:`PostguardError` anywhere below
becomes one clear line on stderr and exit code 2. Exit codes (like Vale):
0 nothing reached ``--fail-on``, 1 something did, 2 usage, config or input error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from postguard import __version__
from postguard.config import Config, load_config, parse_severity_options
from postguard.errors import InputError, PostguardError, UsageError
from postguard.model import KINDS, Report, RuleInfo, Severity

if TYPE_CHECKING:
    from postguard.engine import Engine
    from postguard.runner import Input

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _config(config_path: str | None, start: Path) -> Config:
    return load_config(Path(config_path) if config_path else None, start=start)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="postguard")
def cli() -> None:
    """postguard: catch what must not be posted before it is posted.

    Checks drafts for internal codenames, embargoed products, confidentiality
    markings, missing imprints, copyright and advertising-disclosure problems,
    in German and English.
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: nearest postguard.toml or pyproject.toml).",
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format."
)
@click.option(
    "--channel", help="Channel the draft is for (declared in a rule pack). Default: a private account."
)
@click.option("--kind", type=click.Choice(KINDS), help="What the draft is. Default: post.")
@click.option("--lang", type=click.Choice(("auto", "de", "en")), help="Language of the draft. Default: auto.")
@click.option(
    "--publish-at", help="Scheduled publication time (ISO 8601); the draft is judged at that moment."
)
@click.option("--now", "now_opt", help="Pretend it is this time (ISO 8601), for reproducible runs.")
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning", "info")),
    help="Lowest severity that makes the exit code 1. Default: error.",
)
@click.option(
    "--disable",
    multiple=True,
    metavar="RULE",
    help="Disable a rule id, rule name or category (repeatable, comma-separated).",
)
@click.option(
    "--severity",
    "severity_opts",
    multiple=True,
    metavar="RULE=LEVEL",
    help="Change a rule's or category's severity (repeatable).",
)
@click.option("--stdin-filename", help="Name (and format, by extension) to use for standard input.")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report only findings not recorded in this baseline file (see `postguard baseline`).",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply .gitignore and `exclude` to files named on the command line too (for pre-commit).",
)
@click.option(
    "--report-unused-suppressions",
    is_flag=True,
    help="Report inline postguard-disable comments that suppressed nothing (PG001).",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for many files. Default: all cores."
)
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("-q", "--quiet", is_flag=True, help="Print only findings and errors, no summary.")
def check(
    paths: tuple[str, ...],
    config_path: str | None,
    fmt: str,
    channel: str | None,
    kind: str | None,
    lang: str | None,
    publish_at: str | None,
    now_opt: str | None,
    fail_on: str | None,
    disable: tuple[str, ...],
    severity_opts: tuple[str, ...],
    stdin_filename: str | None,
    baseline_path: str | None,
    force_exclude: bool,
    report_unused_suppressions: bool,
    jobs: int | None,
    color: bool | None,
    quiet: bool,
) -> None:
    """Check drafts: files, directories, or - for standard input.

    \b
    Examples:
      postguard check draft.txt
      echo "Stolz auf das Sturmvogel-Team!" | postguard check -
      postguard check posts/ --format json --fail-on warning
    """
    engine, reports = _run_checks(
        paths,
        config_path,
        channel=channel,
        kind=kind,
        lang=lang,
        publish_at=publish_at,
        now_opt=now_opt,
        disable=disable,
        severity_opts=severity_opts,
        stdin_filename=stdin_filename,
        force_exclude=force_exclude,
        report_unused_suppressions=report_unused_suppressions,
        jobs=jobs,
        progress=not quiet and fmt == "text",
    )
    baseline_file = Path(baseline_path) if baseline_path else engine.config.baseline
    if baseline_file is not None:
        from postguard.baseline import load_baseline

        known = load_baseline(baseline_file)
        reports = [known.filter(r) for r in reports]
    _emit(reports, fmt, engine, color, quiet)
    threshold = Severity(fail_on) if fail_on else engine.config.fail_on
    if any(r.error for r in reports):
        sys.exit(EXIT_ERROR)
    worst = [f for r in reports for f in r.findings if f.severity.rank >= threshold.rank]
    sys.exit(EXIT_FINDINGS if worst else EXIT_CLEAN)


def _run_checks(
    paths: Sequence[str],
    config_path: str | None,
    *,
    channel: str | None = None,
    kind: str | None = None,
    lang: str | None = None,
    publish_at: str | None = None,
    now_opt: str | None = None,
    disable: Sequence[str] = (),
    severity_opts: Sequence[str] = (),
    stdin_filename: str | None = None,
    force_exclude: bool = False,
    report_unused_suppressions: bool = False,
    jobs: int | None = None,
    progress: bool = False,
) -> tuple[Engine, list[Report]]:
    """Everything `check` and `baseline` share: config, engine, inputs, the run."""
    from postguard.engine import Engine
    from postguard.pipeline import parse_moment
    from postguard.runner import CheckOptions, check_inputs, progress_wanted

    inputs = list(paths)
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give files or directories, or - to read standard input")
        inputs = ["-"]
    first = next((Path(p) for p in inputs if p != "-"), Path.cwd())
    config = _config(config_path, first)
    engine = Engine(config)
    options = CheckOptions(
        channel=channel,
        kind=kind,
        lang=lang,
        publish_at=parse_moment(publish_at, "--publish-at") if publish_at else None,
        now=parse_moment(now_opt, "--now") if now_opt else None,
        disable=tuple(_split(disable)),
        severity=parse_severity_options(severity_opts),
        report_unused_suppressions=report_unused_suppressions,
    )
    engine.selection(options.disable, options.severity)  # unknown rules are usage errors, before any input
    if channel:
        try:
            engine.channel(channel)
        except InputError as exc:
            raise UsageError(f"--channel: {exc}") from None
    items = _expand(inputs, config, stdin_filename, force_exclude)
    reports = check_inputs(
        engine, items, options, jobs=jobs, progress=progress_wanted(len(items), not progress)
    )
    return engine, reports


def _read_stdin(name: str) -> Input:
    from postguard.runner import Input
    from postguard.sources import decode

    try:
        return Input(name, None, decode(sys.stdin.buffer.read(), name))
    except InputError as exc:
        return Input(name, None, None, error=str(exc).removeprefix(f"{name}: "))


def _expand(
    inputs: Sequence[str], config: Config, stdin_filename: str | None, force_exclude: bool
) -> list[Input]:
    from postguard.discover import discover
    from postguard.runner import Input

    items: list[Input] = []
    files = [p for p in inputs if p != "-"]
    found = (
        discover(files, root=config.root, exclude=config.exclude, force_exclude=force_exclude)
        if files
        else []
    )
    if "-" in inputs:
        items.append(_read_stdin(stdin_filename or "<stdin>"))
    items.extend(Input(str(f), f) for f in found)
    return items


def _emit(reports: Sequence[Report], fmt: str, engine: Engine, color: bool | None, quiet: bool) -> None:
    if fmt == "json":
        from postguard.formatters import json as json_fmt

        click.echo(json_fmt.render(reports))
    elif fmt == "sarif":
        from postguard.formatters import sarif

        click.echo(sarif.render(reports, engine.rules))
    elif fmt == "github":
        from postguard.formatters import github

        text = github.render(reports, engine.rules)
        if text:
            click.echo(text)
    else:
        from postguard.formatters import text as text_fmt

        use_color = sys.stdout.isatty() if color is None else color
        lang = reports[0].language if reports else "en"
        out = text_fmt.render(reports, color=use_color, lang=lang)
        if quiet:
            out = "\n".join(
                line for line in out.splitlines() if not line.startswith(("Found ", "No problems"))
            )
        if out.strip():
            click.echo(out)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Baseline file to write. Default: the config's `baseline`, else postguard-baseline.json.",
)
@click.option("--now", "now_opt", help="Pretend it is this time (ISO 8601).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: all cores.")
def baseline(
    paths: tuple[str, ...], config_path: str | None, output: str | None, now_opt: str | None, jobs: int | None
) -> None:
    """Record today's findings, so that `check --baseline FILE` reports only new ones.

    The file holds salted fingerprints, never the matched text. Exit code 0 unless an input could not
    be read (2).
    """
    from postguard.baseline import write_baseline

    engine, reports = _run_checks(paths, config_path, now_opt=now_opt, jobs=jobs)
    target = Path(output) if output else (engine.config.baseline or Path("postguard-baseline.json"))
    written = write_baseline(target, [r for r in reports if not r.error])
    count = len(written.entries)
    click.echo(
        f"Wrote {count} finding{'s' if count != 1 else ''} from {len(reports)} input"
        f"{'s' if len(reports) != 1 else ''} to {target}."
    )
    for r in reports:
        if r.error:
            click.echo(f"{r.name}: input error: {r.error}", err=True)
    sys.exit(EXIT_ERROR if any(r.error for r in reports) else EXIT_CLEAN)


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text", show_default=True
)
def rules(config_path: str | None, fmt: str) -> None:
    """List every rule: id, name, category, default severity.

    `--format markdown` prints the rule reference (docs/rules.md is made with it).
    """
    from postguard.engine import Engine

    engine = Engine(_config(config_path, Path.cwd()))
    if fmt == "markdown":
        click.echo(_rules_markdown(engine.rules.values()), nl=False)
        return
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "category": r.category,
                        "severity": r.severity.value,
                        "enabled": r.id not in engine.base_selection.disabled,
                        "summary": r.doc("en").name,
                    }
                    for r in engine.rules.values()
                ],
                indent=2,
            )
        )
        return
    width = max((len(r.name) for r in engine.rules.values()), default=10)
    for r in engine.rules.values():
        off = "  (disabled)" if r.id in engine.base_selection.disabled else ""
        click.echo(
            f"{r.id:<7} {r.name:<{width}}  {r.category:<13} {r.severity.value:<8} {r.doc('en').name}{off}"
        )


def _rules_markdown(rules: Iterable[RuleInfo]) -> str:
    out = [
        "# Rule reference",
        "",
        "Generated by `postguard rules --format markdown`; `postguard explain RULE` shows the same text.",
        "",
        "| id | name | category | default severity |",
        "| --- | --- | --- | --- |",
    ]
    rules = list(rules)
    out += [f"| {r.id} | {r.name} | {r.category} | {r.severity.value} |" for r in rules]
    for r in rules:
        en, de = r.doc("en"), r.doc("de")
        out += ["", f"## {r.id} {r.name}: {en.name}", ""]
        out += [
            f"**What it does.** {en.what}",
            "",
            f"**Why it matters.** {en.why}",
            "",
            f"**How to fix.** {en.fix}",
        ]
        if en.example:
            out += ["", f"**Example.** `{en.example}`"]
        out += ["", f"*Deutsch – {de.name}.* {de.what} {de.why} {de.fix}"]
    return "\n".join(out) + "\n"


@cli.command()
@click.argument("rule")
@click.option(
    "--lang", type=click.Choice(("en", "de")), default="en", show_default=True, help="Language of the text."
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
def explain(rule: str, lang: str, config_path: str | None) -> None:
    """Explain a rule: what it checks, why it matters, how to fix it."""
    from postguard.engine import Engine

    engine = Engine(_config(config_path, Path.cwd()))
    ids = sorted(engine.resolve(rule))
    heads = {
        "en": ("What it checks", "Why it matters", "How to fix it", "Example"),
        "de": ("Was geprüft wird", "Warum es wichtig ist", "Was zu tun ist", "Beispiel"),
    }[lang]
    for n, rid in enumerate(ids):
        r = engine.rules[rid]
        d = r.doc(lang)
        if n:
            click.echo("")
        click.echo(f"{r.id} {r.name} ({r.category}, default severity {r.severity.value})")
        click.echo(f"{d.name}\n")
        click.echo(f"{heads[0]}:\n  {d.what}\n")
        click.echo(f"{heads[1]}:\n  {d.why}\n")
        click.echo(f"{heads[2]}:\n  {d.fix}")
        if d.example:
            click.echo(f"\n{heads[3]}:\n  {d.example}")


def _register_optional_commands() -> None:
    """Commands living in their own modules (server, baseline) join the group when present."""
    import importlib

    for module, name in (("postguard.commands.serve", "serve"),):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        cli.add_command(getattr(mod, name))


_register_optional_commands()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="postguard", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except PostguardError as exc:
        click.echo(f"postguard: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    return EXIT_CLEAN
