"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One run; ``tool.driver.rules`` lists every rule given (sorted by id) plus any
rule a finding names that was not given. Regions use 1-based lines and columns
in UTF-16 code units (``columnKind: utf16CodeUnits``, SARIF's default, stated
explicitly); ``endColumn`` is the column after the last character. A report that
could not be checked becomes a ``toolExecutionNotification`` of level ``error``
and makes ``executionSuccessful`` false. ``partialFingerprints`` hash the path,
rule, casefolded match and occurrence index: stable when lines move.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from postguard.fingerprints import STDIN_NAMES, fingerprint, occurrences
from postguard.formatters import RenderOptions
from postguard.lines import LineIndex
from postguard.model import Finding, Report, RuleInfo, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/postguard/postguard"
FINGERPRINT_KEY = "postguardFinding/v1"
LEVELS: Mapping[Severity, str] = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def tool_version() -> str:
    try:
        return version("postguard")
    except PackageNotFoundError:
        return "0.0.0"


def relative_path(name: str) -> str:
    """A report's path relative to the working directory, with forward slashes."""
    if name in STDIN_NAMES:
        return "stdin"
    path = Path(name)
    if path.is_absolute():
        try:
            return Path(os.path.relpath(path, Path.cwd())).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def finding_fingerprint(path: str, finding: Finding, occurrence: int) -> str:
    """A stable identity for a finding that survives line shifts and does not spell out the match."""
    return fingerprint(path, finding.rule_id, finding.match, occurrence)[:32]


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    doc = rule.doc("en")
    help_text = f"{doc.what}\n\nWhy: {doc.why}\n\nFix: {doc.fix}"
    help_markdown = f"{doc.what}\n\n**Why:** {doc.why}\n\n**Fix:** {doc.fix}"
    if doc.example:
        help_text += f"\n\nExample: {doc.example}"
        help_markdown += f"\n\n**Example:** {doc.example}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": doc.name or rule.name},
        "fullDescription": {"text": doc.what or doc.name or rule.name},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }


def _uri(name: str) -> str:
    return quote(relative_path(name), safe="/")


def render(reports: Sequence[Report], options: RenderOptions, /) -> str:
    rules = options.rules
    descriptors: list[dict[str, Any]] = [_descriptor(rules[key]) for key in sorted(rules)]
    index_of = {d["id"]: i for i, d in enumerate(descriptors)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        uri = _uri(report.name)
        location = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}}
        if report.error:
            notifications.append(
                {"level": "error", "message": {"text": report.error}, "locations": [location]}
            )
            continue
        lines = LineIndex(report.source)
        for finding, occurrence in occurrences(report.findings):
            if finding.rule_id not in index_of:
                index_of[finding.rule_id] = len(descriptors)
                descriptors.append({"id": finding.rule_id, "name": finding.rule_name or finding.rule_id})
            start_line, start_column = lines.utf16_position(finding.start)
            end_line, end_column = lines.utf16_position(max(finding.end, finding.start))
            results.append(
                {
                    "ruleId": finding.rule_id,
                    "ruleIndex": index_of[finding.rule_id],
                    "level": LEVELS[finding.severity],
                    "message": {"text": finding.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                "region": {
                                    "startLine": start_line,
                                    "startColumn": start_column,
                                    "endLine": end_line,
                                    "endColumn": end_column,
                                },
                            }
                        }
                    ],
                    "partialFingerprints": {FINGERPRINT_KEY: finding_fingerprint(uri, finding, occurrence)},
                    "properties": {"category": finding.category, "confidence": round(finding.confidence, 3)},
                }
            )
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    doc = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "postguard",
                        "version": tool_version(),
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "invocations": [invocation],
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
