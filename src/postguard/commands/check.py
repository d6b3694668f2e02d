"""``postguard check``: check drafts; the exit code says whether a finding reached ``--fail-on``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from postguard.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    input_args,
    open_engine,
    run_checks,
)
from postguard.formatters import BUILTIN
from postguard.model import KINDS, Report, Severity

if TYPE_CHECKING:
    pass


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: nearest postguard.toml or pyproject.toml).",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    help=f"Output format: {', '.join(BUILTIN)}, or one a plugin adds.",
)
@click.option(
    "--channel", help="Channel the draft is for (declared in a rule pack). Default: a private account."
)
@click.option("--kind", type=click.Choice(KINDS), help="What the draft is. Default: post.")
@click.option(
    "--lang",
    metavar="auto|de|en",
    help="Language of the draft. Default: auto (detected; the channel's or config's when too short).",
)
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
    help="Disable a rule id, id prefix (PG4), rule name or category (repeatable, comma-separated).",
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
@click.option(
    "--image-cache",
    is_flag=True,
    help="Keep the hashes, metadata and OCR text of checked images in postguard's cache directory "
    "(never the pixels), so unchanged images are not read again. Off by default.",
)
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("-q", "--quiet", is_flag=True, help="Print only findings and errors, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also print notices (empty inputs skipped, languages).")
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
    image_cache: bool,
    color: bool | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check drafts: files, directories, or - for standard input.

    \b
    Examples:
      postguard check draft.txt
      echo "Stolz auf das Sturmvogel-Team!" | postguard check -
      postguard check posts/ --format json --fail-on warning
      postguard check photo.jpg screenshot.png
    """
    from postguard.formatters import RenderOptions, formatter
    from postguard.sitewide import once_per_site

    inputs = input_args(paths)
    engine = open_engine(inputs, config_path)
    render = formatter(engine.pm, fmt)  # an unknown format stops the run before any input is read
    reports = run_checks(
        engine,
        inputs,
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
        image_cache=image_cache,
    )
    reports = _ocr_notice_once(reports)
    baseline_file = Path(baseline_path) if baseline_path else engine.config.baseline
    if baseline_file is not None:
        from postguard.baseline import load_baseline

        known = load_baseline(baseline_file)
        reports = [known.filter(r) for r in reports]
    # after the baseline: a pattern the baseline accepted does not hide a new file's instance of it
    reports = once_per_site(reports)
    options = RenderOptions(
        rules=engine.rules,
        color=sys.stdout.isatty() if color is None else color,
        quiet=quiet,
        lang=next((r.language for r in reports if r.language), "en"),
        verbose=verbose,
    )
    out = render(reports, options)
    if out.strip():
        click.echo(out)
    threshold = Severity(fail_on) if fail_on else engine.config.fail_on
    if any(r.error for r in reports):
        sys.exit(EXIT_ERROR)
    worst = [f for r in reports for f in r.findings if f.severity.rank >= threshold.rank]
    sys.exit(EXIT_FINDINGS if worst else EXIT_CLEAN)


def _ocr_notice_once(reports: list[Report]) -> list[Report]:
    """Say once on stderr that text in images was not read (not per image); drop it from the reports."""
    from dataclasses import replace

    from postguard.images import OCR_SKIPPED

    skipped = list(dict.fromkeys(n for r in reports for n in r.notices if n.startswith(OCR_SKIPPED)))
    for notice in skipped:
        click.echo(f"postguard: note: {notice}; the other image checks still run.", err=True)
    if not skipped:
        return reports
    return [replace(r, notices=tuple(n for n in r.notices if n not in skipped)) for r in reports]
