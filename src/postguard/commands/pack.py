"""``postguard pack``: tools for the authors of rule packs (``pack check``: the pack doctor)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from postguard.model import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.group()
def pack() -> None:
    """Check, build and sign rule packs."""


@pack.command("check")
@click.argument("pack_file", metavar="PACK.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="Config file (for the self-tests)."
)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning")),
    default="warning",
    show_default=True,
    help="Lowest severity of a problem that makes the exit code 1.",
)
@click.option("--now", "now_opt", help="Judge embargoes and windows at this time (ISO 8601).")
@click.option(
    "--min-zipf",
    type=click.FloatRange(0, 8),
    default=2.5,
    show_default=True,
    help="Word frequency (Zipf) from which a term counts as an everyday word.",
)
def check(
    pack_file: Path, config_path: str | None, fmt: str, fail_on: str, now_opt: str | None, min_zipf: float
) -> None:
    """The pack doctor: everyday words without context, one-language context, colliding aliases,
    terms that never match, lifted embargoes, and the pack's own [[test]] drafts.

    \b
    Exit codes: 0 nothing at --fail-on or above, 1 something, 2 the pack is invalid.
    Examples:
      postguard pack check rules/acme.toml
      postguard pack check rules/acme.toml --format json --fail-on error
    """
    from postguard.config import load_config
    from postguard.doctor import diagnose
    from postguard.errors import ConfigError
    from postguard.pipeline import parse_moment

    if not pack_file.is_file():
        raise ConfigError("rule pack not found", path=str(pack_file))
    config = load_config(Path(config_path) if config_path else None, start=pack_file.resolve().parent)
    now = parse_moment(now_opt, "--now") if now_opt else None
    result = diagnose(pack_file.resolve(), config, now=now, min_zipf=min_zipf)
    threshold = Severity(fail_on)
    failing = [p for p in result.problems if p.severity.rank >= threshold.rank]
    passed = sum(1 for t in result.tests if t.passed)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "pack": str(pack_file),
                    "problems": [
                        {"code": p.code, "severity": p.severity.value, "key": p.key, "message": p.message}
                        for p in result.problems
                    ],
                    "tests": {"passed": passed, "failed": len(result.tests) - passed},
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for p in result.problems:
            head, *rest = p.message.splitlines()
            click.echo(f"{pack_file}: {p.key}: {p.severity.value}: {head} [{p.code}]")
            for line in rest:
                click.echo(f"    {line.strip()}")
        n = len(result.problems)
        summary = f"{n} problem{'s' if n != 1 else ''}" if n else "No problems"
        if result.tests:
            summary += (
                f"; {passed} of {len(result.tests)} self-test{'s' if len(result.tests) != 1 else ''} passed"
            )
        click.echo(f"{summary} in {pack_file}.")
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)
