"""Finding identities are part of file formats (baselines, SARIF): they never change."""

from __future__ import annotations

from postguard.fingerprints import fingerprint, occurrences
from postguard.formatters.sarif import finding_fingerprint
from postguard.model import Finding, Severity


def _finding(match: str, start: int) -> Finding:
    return Finding(
        rule_id="PG101",
        category="c",
        severity=Severity.ERROR,
        message="m",
        start=start,
        end=start + 3,
        match=match,
    )


def test_baseline_and_sarif_fingerprints_are_those_of_earlier_versions() -> None:
    assert (
        fingerprint("a/b.md", "PG101", "Stürm", 2, salt="salt")
        == "8780668e6f69bafa0b1fdd5a09b078bc8d649a90f2cb057f863741c7633e8144"
    )
    assert finding_fingerprint("a/b.md", _finding("Stürm", 0), 1) == "15e6ab49bfe217cd2a0d6ddfe55e741a"


def test_occurrences_count_the_same_rule_and_casefolded_match() -> None:
    found = [_finding("Sturm", 0), _finding("STURM", 9), _finding("Vogel", 20), _finding("sturm", 30)]
    assert [n for _, n in occurrences(found)] == [0, 1, 0, 2]
