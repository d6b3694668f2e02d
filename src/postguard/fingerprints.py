"""Stable identities of findings, shared by baselines and SARIF.

A finding is identified by the path of its file, its rule, its casefolded match and its occurrence
index: how many findings of the same rule with the same casefolded match came before it in the
file. Lines and columns are not part of it, so the identity survives text moving above it, and the
hash never spells out the match.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator

from postguard.model import Finding

#: Report names that stand for standard input or an API request, not a file.
STDIN_NAMES: frozenset[str] = frozenset({"-", "<stdin>", "<text>"})


def occurrences(findings: Iterable[Finding]) -> Iterator[tuple[Finding, int]]:
    """Each finding with its occurrence index, counted in the order given."""
    seen: Counter[tuple[str, str]] = Counter()
    for finding in findings:
        key = (finding.rule_id, finding.match.casefold())
        yield finding, seen[key]
        seen[key] += 1


def fingerprint(path: str, rule_id: str, match: str, occurrence: int, *, salt: str = "") -> str:
    """SHA-256 (hex) of salt (when given), path, rule id, casefolded match and occurrence index."""
    parts = (
        (salt, path, rule_id, match.casefold(), str(occurrence))
        if salt
        else (
            path,
            rule_id,
            match.casefold(),
            str(occurrence),
        )
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
