"""``postguard audit``: check what was already published, on a local or remote Dask cluster.

See docs/audit.md. The job itself lives in :mod:`postguard.audit`; this module parses options and
prints the outcome. Exit codes: 0 nothing reached ``--fail-on``, 1 something did, 2 a usage or
input error, or a document that could not be audited (listed in ``DIR/failures.jsonl``), 130 when
interrupted (rerun the same command to resume).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from postguard.commands.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, config_for, split_values
from postguard.errors import UsageError
from postguard.model import Severity

INSTALL_HINT = "postguard audit needs Dask and pyarrow: pip install 'postguard[audit]'"


def _moment(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 date-time or date; a date alone means its start (``--until``: the next day's)."""
    from postguard.pipeline import parse_moment

    if not value:
        return None
    moment = parse_moment(value, option)
    if end_of_day and len(value.strip()) == 10:  # YYYY-MM-DD: up to the end of that day
        moment += timedelta(days=1)
    return moment


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
@click.option("--scheduler", metavar="ADDRESS", help="Use a running Dask scheduler (tcp://host:8786).")
@click.option(
    "--workers", type=click.IntRange(min=1), help="Worker processes of the local cluster. Default: cores."
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Documents per partition (the unit of resuming and of work on a worker).",
)
@click.option("--since", help="Only posts published at or after this time (ISO 8601 date or date-time).")
@click.option("--until", help="Only posts published before this time (a date: up to its end).")
@click.option("--now", "now_opt", help="Judge every post at this time instead of its publication time.")
@click.option("--text-column", default="text", show_default=True, help="JSONL/CSV/Parquet: the text.")
@click.option("--id-column", help="JSONL/CSV/Parquet: the post id (default: id, id_str, uuid, guid).")
@click.option("--url-column", help="JSONL/CSV/Parquet: the post's URL (default: url, link, permalink).")
@click.option(
    "--time-column", help="JSONL/CSV/Parquet: the post time (default: created_at, published, date...)."
)
@click.option("--channel", help="Channel the posts were published on (declared in a rule pack).")
@click.option(
    "--kind", type=click.Choice(("post", "profile", "article", "page")), help="What the documents are."
)
@click.option("--lang", type=click.Choice(("auto", "de", "en")), help="Language of the posts. Default: auto.")
@click.option("--disable", multiple=True, metavar="RULE", help="Disable a rule id, name or category.")
@click.option("--severity", "severity_opts", multiple=True, metavar="RULE=LEVEL", help="Change a severity.")
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning", "info")),
    help="Lowest severity that makes the exit code 1. Default: the config's (error).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def audit(
    sources: tuple[str, ...],
    out: str,
    config_path: str | None,
    scheduler: str | None,
    workers: int | None,
    partition_size: int,
    since: str | None,
    until: str | None,
    now_opt: str | None,
    text_column: str,
    id_column: str | None,
    url_column: str | None,
    time_column: str | None,
    channel: str | None,
    kind: str | None,
    lang: str | None,
    disable: tuple[str, ...],
    severity_opts: tuple[str, ...],
    fail_on: str | None,
    quiet: bool,
) -> None:
    """Audit what was already published: directories, JSONL/CSV/Parquet, X, LinkedIn, Mastodon exports
    (unpacked or as downloaded: .zip, .tar.gz).

    Runs on a local Dask cluster (one process per core) or on --scheduler. Writes findings.parquet,
    findings.jsonl, failures.jsonl, summary.json and report.html to --out; rerunning the same command
    resumes an interrupted run.

    \b
    Examples:
      postguard audit posts/ twitter-2026.zip Basic_LinkedInDataExport.zip archive.tar.gz --out audit-2026
      postguard audit history.jsonl --since 2025-01-01 --out audit --scheduler tcp://10.0.0.5:8786
    """
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ModuleNotFoundError:
        raise UsageError(INSTALL_HINT) from None
    from postguard.audit.partitions import AuditOptions
    from postguard.audit.records import Columns
    from postguard.audit.run import audit as run_audit
    from postguard.config import parse_severity_options

    config = config_for(config_path, Path(sources[0]))
    options = AuditOptions(
        started=datetime.now(UTC).replace(microsecond=0),
        now=_moment(now_opt, "--now"),
        since=_moment(since, "--since"),
        until=_moment(until, "--until", end_of_day=True),
        channel=channel,
        kind=kind,
        lang=lang,
        disable=tuple(split_values(disable)),
        severity=parse_severity_options(severity_opts),
    )
    if options.since and options.until and options.since >= options.until:
        raise UsageError("--since must be before --until")
    columns = Columns(text=text_column, id=id_column, url=url_column, time=time_column)
    try:
        outcome = run_audit(
            sources,
            Path(out),
            config,
            options,
            columns=columns,
            size=partition_size,
            scheduler=scheduler,
            workers=workers,
            progress=not quiet and sys.stderr.isatty(),
        )
    except KeyboardInterrupt:
        click.echo(
            f"Interrupted. Rerun the same command to resume: completed partitions are kept in {out}.",
            err=True,
        )
        sys.exit(130)
    s = outcome.summary
    run = s["run"]
    assert isinstance(run, dict)
    resumed = f", {run['resumed_partitions']} resumed" if run["resumed_partitions"] else ""
    click.echo(
        f"Audited {s['documents']:,} documents in {run['partitions']} partitions{resumed} in "
        f"{outcome.seconds:.1f} s (cluster start-up {outcome.startup:.1f} s, "
        f"engines {outcome.progress.setup:.1f} s): "
        f"{s['findings']:,} findings in "
        f"{s['documents_with_findings']:,} documents."
    )
    by_category = s["by_category"]
    assert isinstance(by_category, dict)
    if by_category:
        click.echo("  " + ", ".join(f"{k}: {v:,}" for k, v in by_category.items()))
    if s["skipped"]:
        click.echo(f"  {s['skipped']:,} documents outside --since/--until or empty, not audited.")
    if s["failed"]:
        click.echo(
            f"  {s['failed']:,} documents could not be audited: see {Path(out) / 'failures.jsonl'}", err=True
        )
    click.echo(f"Report: {Path(out) / 'report.html'}")
    threshold = Severity(fail_on) if fail_on else config.fail_on
    by_severity = s["by_severity"]
    assert isinstance(by_severity, dict)
    if s["failed"]:
        sys.exit(EXIT_ERROR)
    worst = any(Severity(k).rank >= threshold.rank for k in by_severity)
    sys.exit(EXIT_FINDINGS if worst else EXIT_CLEAN)
