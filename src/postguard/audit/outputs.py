"""The output directory: completed partitions (for resuming), then findings, failures, summary.

Layout of ``--out DIR``::

    manifest.json        the run's options; a rerun with other options is refused
    parts/KEY.parquet    one completed partition's findings (absent when it had none)
    parts/KEY.json       written last, atomically: the partition is complete
    findings.parquet     one row per finding (FINDING_FIELDS)
    findings.jsonl       the same rows as JSON Lines
    failures.jsonl       one row per document that could not be read or checked, with the reason
    summary.json         counts by category, rule, source, month and severity; worst documents
    report.html          the offline report (postguard.audit.report)
    unpacked/            archive sources' members (postguard.audit.archives)
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postguard.audit.partitions import PartitionResult, Row
from postguard.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa

FINDING_FIELDS = (
    "source", "document", "url", "posted", "rule_id", "rule_name", "category", "severity", "message",
    "match", "start", "end",
)  # fmt: skip
SEVERITY_ORDER = ("error", "warning", "info")


def finding_schema() -> pa.Schema:
    import pyarrow as pa

    text = pa.string()
    return pa.schema(
        [("source", text), ("document", text), ("url", text), ("posted", pa.timestamp("us", tz="UTC")),
         ("rule_id", text), ("rule_name", text), ("category", text), ("severity", text),
         ("message", text), ("match", text), ("start", pa.int64()), ("end", pa.int64())]
    )  # fmt: skip


def encode_findings(rows: Sequence[Row]) -> bytes:
    """Finding rows as the bytes of a Parquet file (``parts/KEY.parquet``); done on the worker."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(list(rows), schema=finding_schema()), sink)
    return bytes(sink.getvalue().to_pybytes())


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Store:
    """Completed partitions in ``DIR/parts``; what makes a rerun resume."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts = out / "parts"

    def open(self, options: Mapping[str, object], started: str) -> str:
        """Create the directory or check that it holds a run with the same options.

        Returns the start time to judge undated documents at: the first run's.
        """
        manifest = self.out / "manifest.json"
        if self.out.exists() and not self.out.is_dir():
            raise UsageError(f"--out {self.out}: is a file, not a directory")
        if manifest.is_file():
            try:
                old = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                old = {}
            if old.get("options") != options:
                changed = sorted(
                    k for k in {*options, *old.get("options", {})}
                    if options.get(k) != old.get("options", {}).get(k)
                )  # fmt: skip
                raise UsageError(
                    f"--out {self.out} holds an audit run with other options ({', '.join(changed)}): "
                    "rerun with the same options to resume it, or choose another --out directory"
                )
            return str(old["started"])
        elif self.out.is_dir() and any(self.out.iterdir()):
            raise UsageError(f"--out {self.out}: not empty and not an audit directory (no manifest.json)")
        self.parts.mkdir(parents=True, exist_ok=True)
        body = {"postguard_audit": 1, "started": started, "options": dict(options)}
        _atomic_write(manifest, json.dumps(body, indent=2, sort_keys=True).encode())
        return started

    def done(self) -> set[str]:
        if not self.parts.is_dir():
            return set()
        return {p.name.removesuffix(".json") for p in self.parts.glob("*.json")}

    def save(self, result: PartitionResult) -> None:
        """Store a completed partition: its Parquet bytes as they came from the worker, then its counts."""
        self.parts.mkdir(parents=True, exist_ok=True)
        if result.findings:
            _atomic_write(self.parts / f"{result.key}.parquet", result.parquet)
        meta = {
            "documents": result.documents,
            "skipped": result.skipped,
            "findings": result.findings,
            "failures": result.failures,
            "seconds": round(result.seconds, 3),
            "cpu_seconds": round(result.cpu_seconds, 3),
        }
        _atomic_write(self.parts / f"{result.key}.json", json.dumps(meta, default=str).encode())

    def failure(self, key: str, source: str, where: str, reason: str) -> dict[str, object]:
        """A partition whose task failed (not stored: a rerun tries it again)."""
        return {"source": source, "document": where, "reason": reason, "partition": key}

    def collect(self, keys: Sequence[str]) -> tuple[pa.Table, list[dict[str, object]], Counter[str]]:
        """The findings table, failure rows and counts of the given completed partitions."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        tables = []
        failures: list[dict[str, object]] = []
        counts: Counter[str] = Counter()
        for key in keys:
            meta = json.loads((self.parts / f"{key}.json").read_text(encoding="utf-8"))
            counts.update(
                documents=meta["documents"],
                skipped=meta["skipped"],
                seconds=meta["seconds"],
                cpu_seconds=meta.get("cpu_seconds", 0),
            )
            failures += meta["failures"]
            if meta["findings"]:
                tables.append(pq.read_table(self.parts / f"{key}.parquet", schema=finding_schema()))
        table = pa.concat_tables(tables) if tables else finding_schema().empty_table()
        return table, failures, counts


def write_outputs(
    out: Path, table: pa.Table, failures: Sequence[Mapping[str, object]], summary: Mapping[str, object]
) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, out / "findings.parquet")
    with (out / "findings.jsonl").open("w", encoding="utf-8") as fh:
        for batch in table.to_batches(max_chunksize=10_000):
            for row in batch.to_pylist():
                fh.write(json.dumps(_jsonable(row), ensure_ascii=False) + "\n")
    with (out / "failures.jsonl").open("w", encoding="utf-8") as fh:
        for failure in failures:
            fh.write(json.dumps(failure, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _jsonable(row: Mapping[str, object]) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def summarise(
    table: pa.Table, failures: Sequence[Mapping[str, object]], counts: Mapping[str, float], top: int = 20
) -> dict[str, object]:
    """Counts of findings by category, rule, source, month and severity, and the worst documents."""
    rows: Iterable[Row] = table.select(
        ["source", "document", "url", "posted", "rule_id", "rule_name", "category", "severity"]
    ).to_pylist()
    by_category: Counter[str] = Counter()
    by_rule: Counter[tuple[str, str]] = Counter()
    by_source: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_month: defaultdict[str, Counter[str]] = defaultdict(Counter)
    documents: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    urls: dict[tuple[str, str], str | None] = {}
    for r in rows:
        category, severity = str(r["category"]), str(r["severity"])
        by_category[category] += 1
        by_rule[(str(r["rule_id"]), str(r["rule_name"]))] += 1
        by_source[str(r["source"])] += 1
        by_severity[severity] += 1
        posted = r["posted"]
        by_month[posted.strftime("%Y-%m") if isinstance(posted, datetime) else "unknown"][category] += 1
        doc = (str(r["source"]), str(r["document"]))
        documents[doc][severity] += 1
        documents[doc]["rule:" + str(r["rule_id"])] += 1
        urls[doc] = r["url"] if isinstance(r["url"], str) else None

    def badness(item: tuple[tuple[str, str], Counter[str]]) -> tuple[int, ...]:
        c = item[1]
        return tuple(-c[s] for s in SEVERITY_ORDER)

    worst = sorted(documents.items(), key=lambda item: (*badness(item), item[0]))[:top]
    return {
        "documents": int(counts.get("documents", 0)),
        "skipped": int(counts.get("skipped", 0)),
        "failed": len(failures),
        "findings": table.num_rows,
        "documents_with_findings": len(documents),
        "by_severity": {s: by_severity[s] for s in SEVERITY_ORDER if by_severity[s]},
        "by_category": dict(by_category.most_common()),
        "by_rule": [
            {"rule_id": rid, "rule_name": name, "findings": n} for (rid, name), n in by_rule.most_common()
        ],
        "by_source": dict(by_source.most_common()),
        "by_month": {month: dict(by_month[month]) for month in sorted(by_month)},
        "worst_documents": [
            {
                "source": source,
                "document": document,
                "url": urls[(source, document)],
                "findings": sum(v for k, v in c.items() if k in SEVERITY_ORDER),
                "by_severity": {s: c[s] for s in SEVERITY_ORDER if c[s]},
                "rules": sorted(k.removeprefix("rule:") for k in c if k.startswith("rule:")),
            }
            for (source, document), c in worst
        ],
    }
