"""``postguard baseline``: record today's findings so that ``check --baseline`` reports only new ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postguard.commands.common import EXIT_CLEAN, EXIT_ERROR, input_args, open_engine, run_checks


@click.command()
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

    inputs = input_args(paths)
    engine = open_engine(inputs, config_path)
    reports = run_checks(engine, inputs, now_opt=now_opt, jobs=jobs)
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
