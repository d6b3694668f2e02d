"""Baselines: known findings are dropped, new ones kept, and the file never holds the matched text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postguard.baseline import load_baseline, write_baseline
from postguard.errors import ConfigError, InputError
from postguard.model import Finding, Report, Severity


def findings_for(source: str, word: str, rule: str = "PG101") -> tuple[Finding, ...]:
    out = []
    folded, word = source.casefold(), word.casefold()
    start = folded.find(word)
    while start >= 0:
        out.append(
            Finding(
                rule_id=rule,
                category="confidential",
                severity=Severity.ERROR,
                message=f"'{word}' is a confidential codename",
                start=start,
                end=start + len(word),
                match=source[start : start + len(word)],
                rule_name="confidential-codename",
            )
        )
        start = folded.find(word, start + 1)
    return tuple(out)


def report(name: str, source: str, word: str = "Sturmvogel") -> Report:
    return Report(name=name, source=source, findings=findings_for(source, word))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_file_holds_no_match_or_message_and_is_stable(in_tmp: Path) -> None:
    reports = [report("posts/b.md", "Sturmvogel and STURMVOGEL"), report("posts/a.md", "x Sturmvogel")]
    path = in_tmp / "postguard-baseline.json"
    write_baseline(path, reports)
    text = path.read_text(encoding="utf-8")
    assert "sturmvogel" not in text.casefold()
    assert "codename" not in text
    doc = json.loads(text)
    assert doc["version"] == 1 and doc["hash"] == "sha256"
    assert [(e["path"], e["rule_id"]) for e in doc["findings"]] == [
        ("posts/a.md", "PG101"),
        ("posts/b.md", "PG101"),
        ("posts/b.md", "PG101"),
    ]
    write_baseline(path, list(reversed(reports)))
    assert path.read_text(encoding="utf-8") == text, "rewriting keeps the salt and the order"


def test_known_findings_are_dropped_even_when_lines_move(in_tmp: Path) -> None:
    path = in_tmp / "baseline.json"
    write_baseline(path, [report("a.md", "Sturmvogel is here")])
    baseline = load_baseline(path)
    moved = report("a.md", "New intro\n\nmore text\nSturmvogel is here")
    filtered = baseline.filter(moved)
    assert filtered.findings == ()
    assert filtered.suppressed == 1


def test_new_findings_are_kept(in_tmp: Path) -> None:
    path = in_tmp / "baseline.json"
    write_baseline(path, [report("a.md", "Sturmvogel")])
    baseline = load_baseline(path)
    later = Report(
        name="a.md",
        source="Sturmvogel and Sturmvogel and Nordlicht",
        findings=findings_for("Sturmvogel and Sturmvogel and Nordlicht", "Sturmvogel")
        + findings_for("Sturmvogel and Sturmvogel and Nordlicht", "Nordlicht"),
    )
    kept, dropped = baseline.partition(later)
    assert dropped == 1
    assert [(f.match, f.start) for f in kept.findings] == [("Sturmvogel", 15), ("Nordlicht", 30)]
    other_file = baseline.filter(report("b.md", "Sturmvogel"))
    assert len(other_file.findings) == 1, "the same match in another file is new"


def test_case_of_the_match_does_not_matter_but_the_rule_does(in_tmp: Path) -> None:
    path = in_tmp / "baseline.json"
    write_baseline(path, [report("a.md", "Sturmvogel")])
    baseline = load_baseline(path)
    assert baseline.filter(report("a.md", "STURMVOGEL", word="STURMVOGEL")).findings == ()
    other_rule = Report(
        name="a.md", source="Sturmvogel", findings=findings_for("Sturmvogel", "Sturmvogel", "PG201")
    )
    assert len(baseline.filter(other_rule).findings) == 1


def test_paths_are_relative_to_the_baseline_file(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "site" / "posts").mkdir(parents=True)
    path = in_tmp / "site" / "baseline.json"
    write_baseline(path, [report("site/posts/a.md", "Sturmvogel")])
    assert json.loads(path.read_text())["findings"][0]["path"] == "posts/a.md"
    monkeypatch.chdir(in_tmp / "site" / "posts")
    baseline = load_baseline(Path("..") / "baseline.json")
    assert baseline.filter(report("a.md", "Sturmvogel")).findings == ()


def test_reports_with_errors_are_left_alone(in_tmp: Path) -> None:
    path = in_tmp / "baseline.json"
    write_baseline(path, [Report(name="bad.md", source="", error="binary file")])
    baseline = load_baseline(path)
    assert baseline.entries == ()
    broken = Report(name="bad.md", source="", error="binary file")
    assert baseline.filter(broken) == broken


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"baseline\.json: not valid JSON \(line 1, column 2"),
        ("[]", "must be a JSON object"),
        ('{"version": 2, "salt": "ab", "findings": []}', r"version: unsupported baseline version 2"),
        ('{"version": 1, "findings": []}', "salt: missing or empty salt"),
        ('{"version": 1, "salt": "ab", "findings": {}}', "findings: expected a list"),
        (
            '{"version": 1, "salt": "ab", "findings": [{"path": "a", "rule_id": "PG1"}]}',
            r"findings\[0\]\.fingerprint: missing",
        ),
        (
            '{"version": 1, "salt": "ab", "findings": '
            '[{"path": "a", "rule_id": "P", "fingerprint": "f", "x": 1}]}',
            r"findings\[0\]\.x: unknown key",
        ),
    ],
)
def test_a_broken_baseline_is_a_config_error(in_tmp: Path, content: str, message: str) -> None:
    path = in_tmp / "baseline.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_baseline(path)


def test_a_missing_baseline_is_an_input_error(in_tmp: Path) -> None:
    with pytest.raises(InputError, match="baseline file not found"):
        load_baseline(in_tmp / "nope.json")
