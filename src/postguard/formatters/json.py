"""Machine output: a stable JSON document, described in docs/output.md.

``{"schema": "postguard-check/1", "results": [{"path", "language", "error",
"suppressed", "notices", "findings": [{"rule_id", "rule_name", "category", "severity",
"message", "start", "end", "line", "column", "end_line", "end_column",
"start_utf16", "end_utf16", "match", "replacements", "confidence"[, "image", "box"]}]}],
"summary": {"inputs", "findings", "errors", "warnings", "infos", "input_errors"}}``
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from postguard.lines import LineIndex, utf16_offset
from postguard.model import Finding, Report

if TYPE_CHECKING:
    from postguard.formatters import RenderOptions

SCHEMA = "postguard-check/1"


def finding_dict(f: Finding, source: str, index: LineIndex | None = None) -> dict[str, Any]:
    """One finding as JSON-ready data, with line/column and UTF-16 offsets."""
    index = index or LineIndex(source)
    line, col = index.position(f.start)
    end_line, end_col = index.position(f.end)
    return {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "category": f.category,
        "severity": f.severity.value,
        "message": f.message,
        "start": f.start,
        "end": f.end,
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col,
        "start_utf16": utf16_offset(source, f.start),
        "end_utf16": utf16_offset(source, f.end),
        "match": f.match,
        "replacements": list(f.replacements),
        "confidence": round(f.confidence, 3),
        **({"image": f.image, "box": list(f.box) if f.box else None} if f.image else {}),
    }


def report_dict(report: Report) -> dict[str, Any]:
    index = LineIndex(report.source)
    return {
        "path": report.name,
        "language": report.language,
        "error": report.error,
        "suppressed": report.suppressed,
        "notices": list(report.notices),
        "findings": [finding_dict(f, report.source, index) for f in report.findings],
    }


def render(reports: Sequence[Report], options: RenderOptions | None = None, /) -> str:
    """The JSON document of ``reports`` (``options`` are not used: the document is always the same)."""
    findings = [f for r in reports for f in r.findings]
    doc = {
        "schema": SCHEMA,
        "results": [report_dict(r) for r in reports],
        "summary": {
            "inputs": len(reports),
            "findings": len(findings),
            "errors": sum(1 for f in findings if f.severity.value == "error"),
            "warnings": sum(1 for f in findings if f.severity.value == "warning"),
            "infos": sum(1 for f in findings if f.severity.value == "info"),
            "input_errors": sum(1 for r in reports if r.error),
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
