"""Masking: a sensitive match (a password, a key, an IBAN) is never shown.

A finding with ``sensitive=True`` keeps its offsets, but its ``match`` is
replaced by a short mask that keeps a few characters at each end
(``AKIA…X7QZ``), and the report's ``source`` has the characters of the span
replaced by ``•`` *one for one*: code points, UTF-16 code units and line
breaks stay where they were, so every line, column and offset any formatter
or endpoint computes from the masked source is the one of the original.

``lint()`` calls :func:`mask_report` on every report, before suppression
counts, baselines or formatters see it; so text (the code frame prints the
source line), JSON, SARIF (its fingerprints hash the match), GitHub
annotations, the server's answers and baselines only ever hold the mask. An
endpoint that answers from its own copy of the request text (LanguageTool's
``context``) masks it with :func:`mask_source`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from postguard.model import Finding, Report

ELLIPSIS = "…"
DOT = "•"
#: Masks an astral (non-BMP) character, so UTF-16 offsets do not move either.
ASTRAL_DOT = "\U0001f512"


def _visible(length: int) -> int:
    """How many characters stay visible at each end of a secret of ``length``."""
    if length >= 20:
        return 4
    if length >= 12:
        return 2
    if length >= 8:
        return 1
    return 0


def mask(value: str) -> str:
    """The short form of a secret: ``AKIAIOSFODNN7X7QZ0AB`` -> ``AKIA…Z0AB``; short ones -> ``…``."""
    keep = _visible(len(value.strip()))
    value = value.strip()
    if not keep:
        return ELLIPSIS
    return f"{value[:keep]}{ELLIPSIS}{value[-keep:]}"


def _blank(value: str) -> str:
    """``value`` with its characters but line breaks replaced one for one (code points and UTF-16 units)."""
    keep = _visible(len(value))
    if keep and "\n" not in value and "\r" not in value:
        middle = value[keep:-keep]
        return value[:keep] + "".join(ASTRAL_DOT if ord(c) > 0xFFFF else DOT for c in middle) + value[-keep:]
    return "".join(c if c in "\r\n" else (ASTRAL_DOT if ord(c) > 0xFFFF else DOT) for c in value)


def mask_source(source: str, findings: Iterable[Finding]) -> str:
    """``source`` with the span of every sensitive finding masked, offsets unchanged."""
    spans = sorted((f.start, f.end) for f in findings if f.sensitive and f.end > f.start)
    if not spans:
        return source
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(source[pos:start])
        parts.append(_blank(source[start:end]))
        pos = end
    parts.append(source[pos:])
    return "".join(parts)


def mask_finding(finding: Finding) -> Finding:
    """A sensitive finding with its match masked; any other finding as it is."""
    if not finding.sensitive:
        return finding
    return dataclasses.replace(finding, match=mask(finding.match))


def mask_report(report: Report) -> Report:
    """``report`` with every sensitive match and its place in the source masked."""
    if not any(f.sensitive for f in report.findings):
        return report
    return dataclasses.replace(
        report,
        source=mask_source(report.source, report.findings),
        findings=tuple(mask_finding(f) for f in report.findings),
    )
