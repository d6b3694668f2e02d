"""Checking one partition on a worker, with the engine that worker built once.

:class:`Auditor` holds the engine a worker builds once (``postguard.audit.run.EnginePlugin``, a Dask
worker plugin) and checks partitions with it. Every document is checked on its own: a document
that cannot be read or checked becomes a failure row with its reason, and the rest of the partition
is still audited.

Files are checked exactly as ``postguard check`` checks them (:class:`postguard.runner.Checker`:
same reading, overrides and :func:`~postguard.pipeline.lint`); records of line and archive sources go
through the same ``lint()`` with the post time as the moment judged (unless ``--now`` is given).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from postguard.audit.records import Record, parse_time, read_records
from postguard.audit.sources import Partition, in_window
from postguard.errors import InputError, PostguardError
from postguard.model import Finding, Report, Severity

if TYPE_CHECKING:
    from postguard.engine import Engine
    from postguard.runner import Checker

Row = dict[str, str | int | datetime | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditOptions:
    """What the command line says about every document.

    ``now`` (``--now``) judges every document at that moment; otherwise each is judged at its post
    time, and a document without one at ``started`` (the first run's start, kept for reruns).
    """

    started: datetime
    now: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    kind: str | None = None
    lang: str | None = None
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionResult:
    """What a worker sends back: its findings already encoded as a Parquet file, failure rows, counts.

    The worker encodes the findings (:func:`postguard.audit.outputs.encode_findings`), so that the
    client, which shares the cores with the workers on one machine, only writes bytes to a file.
    """

    key: str
    documents: int
    skipped: int
    findings: int
    parquet: bytes  # empty when there are no findings
    failures: list[Row]
    seconds: float
    cpu_seconds: float = 0.0  # this worker's CPU time for the partition (the wall time includes waiting)


def shown_match(finding: Finding) -> str:
    """The matched text as the audit's outputs show it.

    THE one place where matched text leaves the engine for the audit's files. A ``sensitive``
    finding (a password, a key, an IBAN) arrives masked already: ``lint()`` masks every report
    (:func:`postguard.masking.mask_report`) before anything sees it, files and records alike; masking
    it again would shorten the mask (``AKIA…9986`` -> ``A…6``), so it is shown as it arrives.
    """
    return finding.match


class Auditor:
    """Checks the documents of partitions with one engine."""

    def __init__(self, engine: Engine, options: AuditOptions) -> None:
        from postguard.runner import Checker, CheckOptions

        self.engine = engine
        self.options = options
        self.checker: Checker = Checker(
            engine,
            CheckOptions(
                channel=options.channel,
                kind=options.kind,
                lang=options.lang,
                now=options.now or options.started,
                disable=options.disable,
                severity=options.severity,
            ),
        )

    def run(self, part: Partition) -> PartitionResult:
        from postguard.audit.outputs import encode_findings

        began, cpu = time.perf_counter(), time.process_time()
        findings: list[Row] = []
        failures: list[Row] = []
        documents = skipped = 0
        items = self._files(part) if part.kind == "files" else self._records(part)
        for document, url, posted, report in items:
            if report is None:
                skipped += 1
            elif report.error:
                failures.append({"source": part.source, "document": document, "reason": report.error})
            else:
                documents += 1
                findings += (_row(part.source, document, url, posted, f) for f in report.findings)
        return PartitionResult(
            key=part.key,
            documents=documents,
            skipped=skipped,
            findings=len(findings),
            parquet=encode_findings(findings) if findings else b"",
            failures=failures,
            seconds=time.perf_counter() - began,
            cpu_seconds=time.process_time() - cpu,
        )

    def _files(self, part: Partition) -> _Items:
        from postguard.extract import extract
        from postguard.pipeline import parse_moment
        from postguard.runner import Input
        from postguard.sources import read_source

        for name in part.files:
            posted: datetime | None = None
            try:
                meta = extract(read_source(Path(part.file(name))), path=name).metadata
                if meta.get("publish_at"):
                    posted = parse_moment(meta["publish_at"], "publish_at")
            except PostguardError:
                pass  # the check below reports what is wrong with the file
            if not in_window(posted, self.options.since, self.options.until):
                yield part.show(name), None, posted, None
                continue
            item = Input(name, Path(part.file(name)))
            yield part.show(name), None, posted, self._guard(name, partial(self.checker.check, item))

    def _records(self, part: Partition) -> _Items:
        from postguard.pipeline import lint

        opts = self.options
        for record in read_records(part):
            if record.error:
                yield (
                    record.doc_id,
                    record.url,
                    None,
                    Report(name=record.doc_id, source="", error=record.error),
                )
                continue
            try:
                posted = parse_time(record.time)
            except ValueError as exc:
                yield record.doc_id, record.url, None, Report(name=record.doc_id, source="", error=str(exc))
                continue
            if not in_window(posted, opts.since, opts.until):
                yield record.doc_id, record.url, posted, None
                continue
            text = record.text or ""
            if not text.strip():
                yield (
                    record.doc_id,
                    record.url,
                    posted,
                    None,
                )  # an empty post (a photo only): nothing to check
                continue
            moment = opts.now or posted or opts.started

            def check(r: Record = record, text: str = text, moment: datetime = moment) -> Report:
                return lint(
                    self.engine,
                    text,
                    name=r.doc_id,
                    fmt=r.fmt or "plain",
                    channel=opts.channel,
                    kind=opts.kind,
                    lang=opts.lang,
                    now=moment,
                    selection=self.checker.selection,
                )

            yield record.doc_id, record.url, posted, self._guard(record.doc_id, check)

    @staticmethod
    def _guard(name: str, check: _Check) -> Report:
        """Run one document's check; any failure becomes that document's error, never the partition's."""
        try:
            return check()
        except InputError as exc:
            return Report(name=name, source="", error=str(exc).removeprefix(f"{name}: "))
        except PostguardError as exc:
            return Report(name=name, source="", error=str(exc))
        except Exception as exc:  # a bug in a check must not lose the other documents
            return Report(name=name, source="", error=f"internal error in the checks: {type(exc).__name__}")


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    _Items = Iterator[tuple[str, str | None, datetime | None, Report | None]]
    _Check = Callable[[], Report]


def _row(source: str, document: str, url: str | None, posted: datetime | None, f: Finding) -> Row:
    return {
        "source": source,
        "document": document,
        "url": url,
        "posted": posted,
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "category": f.category,
        "severity": f.severity.value,
        "message": f.message,
        "match": shown_match(f),
        "start": f.start,
        "end": f.end,
    }
