"""What several commands share: exit codes, config lookup, reading the inputs and running the checks."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from postguard.config import Config, load_config, parse_severity_options
from postguard.errors import InputError, UsageError

if TYPE_CHECKING:
    from postguard.engine import Engine
    from postguard.model import Report
    from postguard.runner import Input

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_BUG = 0, 1, 2, 3


def split_values(values: Sequence[str]) -> list[str]:
    """Repeatable, comma-separated option values as one flat list."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def config_for(config_path: str | None, start: Path) -> Config:
    """The config named by ``--config``, else the nearest one above ``start``."""
    return load_config(Path(config_path) if config_path else None, start=start)


def input_args(paths: Sequence[str]) -> list[str]:
    """The inputs named on the command line; none given means standard input, if it is not a terminal."""
    inputs = list(paths)
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give files or directories, or - to read standard input")
        inputs = ["-"]
    return inputs


def open_engine(inputs: Sequence[str], config_path: str | None) -> Engine:
    """The engine for the config named by ``--config``, else the one nearest the first input."""
    from postguard.engine import Engine

    first = next((Path(p) for p in inputs if p != "-"), Path.cwd())
    return Engine(config_for(config_path, first))


def run_checks(
    engine: Engine,
    inputs: Sequence[str],
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
    image_cache: bool = False,
) -> list[Report]:
    """Everything `check` and `baseline` share: options, inputs, the run."""
    from postguard.pipeline import parse_moment
    from postguard.runner import CheckOptions, check_inputs, progress_wanted

    options = CheckOptions(
        channel=channel,
        kind=kind,
        lang=lang,
        publish_at=parse_moment(publish_at, "--publish-at") if publish_at else None,
        now=parse_moment(now_opt, "--now") if now_opt else None,
        disable=tuple(split_values(disable)),
        severity=parse_severity_options(severity_opts),
        report_unused_suppressions=report_unused_suppressions,
        image_cache=_image_cache_dir() if image_cache else None,
    )
    engine.selection(options.disable, options.severity)  # unknown rules are usage errors, before any input
    if channel:
        try:
            engine.channel(channel)
        except InputError as exc:
            raise UsageError(f"--channel: {exc}") from None
    items = expand(inputs, engine, stdin_filename, force_exclude)
    return check_inputs(engine, items, options, jobs=jobs, progress=progress_wanted(len(items), not progress))


def _image_cache_dir() -> Path:
    from postguard.nlp import cache_dir

    return cache_dir()


def read_stdin(name: str) -> Input:
    """Standard input as one input; an undecodable stream becomes an input error, not a crash."""
    from postguard.runner import Input
    from postguard.sources import decode

    try:
        return Input(name, None, decode(sys.stdin.buffer.read(), name))
    except InputError as exc:
        return Input(name, None, None, error=str(exc).removeprefix(f"{name}: "))


def expand(
    inputs: Sequence[str], engine: Engine, stdin_filename: str | None, force_exclude: bool
) -> list[Input]:
    """The command line's inputs: standard input first, then the files found under the paths (in a
    directory, the files one of the engine's input formats reads)."""
    from postguard.discover import discover
    from postguard.extract import read_extensions
    from postguard.runner import Input

    config = engine.config

    items: list[Input] = []
    files = [p for p in inputs if p != "-"]
    found = (
        discover(
            files,
            root=config.root,
            exclude=config.exclude,
            force_exclude=force_exclude,
            extensions=read_extensions(engine.formats),
        )
        if files
        else []
    )
    if "-" in inputs:
        items.append(read_stdin(stdin_filename or "<stdin>"))
    items.extend(Input(str(f), f) for f in found)
    return items
