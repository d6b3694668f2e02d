"""Checking many inputs: per-path overrides, all cores, a progress bar, deterministic order.

The CLI hands over a list of inputs and its options; :func:`check_inputs`
returns one :class:`~postguard.model.Report` per input, in input order. Files
are read and checked in worker processes when there are enough of them; an
unreadable, binary or undecodable file becomes a report with ``error`` set and
the rest are still checked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pathspec

from postguard.config import Config, Override
from postguard.engine import Engine
from postguard.errors import InputError
from postguard.model import Report, Severity
from postguard.pipeline import lint
from postguard.sources import read_image, read_source

#: Below this many files a run stays in one process (starting workers costs more).
PARALLEL_THRESHOLD = 24
CHUNK = 8
EMPTY_NOTICE = "empty or only whitespace: skipped"


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOptions:
    """What the command line says about every input."""

    channel: str | None = None
    kind: str | None = None
    lang: str | None = None
    publish_at: datetime | None = None
    now: datetime | None = None
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    report_unused_suppressions: bool = False
    #: Where image facts (hashes, metadata, OCR text) are cached; ``None``: nowhere (the default).
    image_cache: Path | None = None


@dataclass(frozen=True, slots=True)
class Input:
    """One thing to check: a file (``path``) or standard input (``text``)."""

    name: str
    path: Path | None = None
    text: str | None = None
    error: str | None = None


class _Overrides:
    def __init__(self, config: Config) -> None:
        self.root = config.root
        self.items = [(o, pathspec.PathSpec.from_lines("gitignore", o.paths)) for o in config.overrides]

    def matching(self, path: Path | None) -> list[Override]:
        if path is None or not self.items:
            return []
        try:
            rel = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return []
        return [o for o, spec in self.items if spec.match_file(rel)]


class Checker:
    """Checks single inputs with one engine; lives in the parent or in a worker process."""

    def __init__(self, engine: Engine, options: CheckOptions) -> None:
        self.engine = engine
        self.options = options
        self.selection = engine.selection(options.disable, options.severity)
        self.overrides = _Overrides(engine.config)

    def check(self, item: Input) -> Report:
        opts = self.options
        if item.error:
            return Report(name=item.name, source="", error=item.error, language=None)
        try:
            channel, kind, lang = opts.channel, opts.kind, opts.lang
            selection = self.selection
            for o in self.overrides.matching(item.path):
                channel = channel or o.channel
                kind = kind or o.kind
                lang = lang if lang not in (None, "auto") else o.lang
                selection = self.engine.merge(selection, self.engine.selection(o.disable, o.severity))
            from postguard.imagelint import ImageOptions, file_loader, lint_image
            from postguard.images import is_image_name

            image_options = ImageOptions(
                channel=channel,
                kind=kind,
                lang=lang,
                publish_at=opts.publish_at,
                now=opts.now,
                selection=selection,
                cache=opts.image_cache,
            )
            if item.path is not None and is_image_name(item.path.name):
                return lint_image(self.engine, read_image(item.path), name=item.name, options=image_options)
            source = item.text if item.text is not None else read_source(item.path)  # type: ignore[arg-type]
            if not source.strip():  # a Hugo _index.md: nothing to check, and nothing wrong
                return Report(name=item.name, source=source, language=None, notices=(EMPTY_NOTICE,))
            return lint(
                self.engine,
                source,
                name=item.name,
                path=str(item.path) if item.path else item.name,
                channel=channel,
                kind=kind,
                lang=lang,
                publish_at=opts.publish_at,
                now=opts.now,
                selection=selection,
                report_unused_suppressions=opts.report_unused_suppressions,
                images=file_loader(item.path, self.engine.config.root) if item.path else None,
                image_options=image_options,
            )
        except InputError as exc:
            error = str(exc).removeprefix(f"{item.name}: ")
            return Report(name=item.name, source="", error=error, language=None)


_WORKER: Checker | None = None


def _init_worker(engine: Engine | None, config: Config, options: CheckOptions) -> None:
    global _WORKER
    if engine is None:  # spawned, not forked: build our own
        engine = Engine(config)
    else:
        engine.nlp.after_fork()
    _WORKER = Checker(engine, options)


def _check_chunk(items: Sequence[Input]) -> list[Report]:
    assert _WORKER is not None
    return [_WORKER.check(item) for item in items]


def check_inputs(
    engine: Engine,
    inputs: Sequence[Input],
    options: CheckOptions,
    *,
    jobs: int | None = None,
    progress: bool = False,
) -> list[Report]:
    """Check every input; reports come back in input order."""
    jobs = jobs or os.cpu_count() or 1
    checker = Checker(engine, options)
    files = [i for i in inputs if i.path is not None]
    if jobs < 2 or len(files) < PARALLEL_THRESHOLD:
        return [checker.check(i) for i in _progress(inputs, progress)]
    chunks = [list(inputs[i : i + CHUNK]) for i in range(0, len(inputs), CHUNK)]
    fork = _can_fork()
    if fork:
        engine.warm_up()  # load spaCy, both pipelines and the language models once, before the fork
    reports: list[Report] = []
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)),
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(engine if fork else None, engine.config, options),
    ) as pool:
        results: Iterator[list[Report]] = pool.map(_check_chunk, chunks)
        if progress:
            import click

            with click.progressbar(length=len(inputs), label="Checking", file=sys.stderr) as bar:
                for chunk_reports in results:
                    reports.extend(chunk_reports)
                    bar.update(len(chunk_reports))
        else:
            for chunk_reports in results:
                reports.extend(chunk_reports)
    return reports


def _progress(inputs: Sequence[Input], enabled: bool) -> Iterator[Input]:
    if not enabled:
        yield from inputs
        return
    import click

    with click.progressbar(inputs, label="Checking", file=sys.stderr) as bar:
        yield from bar


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def progress_wanted(count: int, quiet: bool, stream_isatty: Callable[[], bool] = sys.stderr.isatty) -> bool:
    """A progress bar only for long runs on a terminal."""
    return not quiet and count >= 50 and stream_isatty()
