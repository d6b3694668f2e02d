"""SARIF 2.1.0 output, validated against the official schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from postguard.formatters import RenderOptions, sarif
from postguard.model import Finding, Report, RuleDoc, RuleInfo, Severity

# The official OASIS schema (https://github.com/oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json),
# kept in the repository so that a clone anywhere can run this test.
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


def rule(rule_id: str, name: str, category: str, severity: Severity) -> RuleInfo:
    doc = RuleDoc(name=name.replace("-", " "), what=f"Finds {name}.", why="It leaks.", fix="Remove it.")
    return RuleInfo(id=rule_id, name=name, category=category, severity=severity, docs={"en": doc})


RULES = {
    "PG101": rule("PG101", "confidential-codename", "confidential", Severity.ERROR),
    "PG201": rule("PG201", "embargo", "embargo", Severity.ERROR),
    "PG301": rule("PG301", "imprint-missing", "imprint", Severity.WARNING),
}


def finding(source: str, word: str, rule_id: str = "PG101", severity: Severity = Severity.ERROR) -> Finding:
    start = source.index(word)
    info = RULES.get(rule_id)
    return Finding(
        rule_id=rule_id,
        rule_name=info.name if info else "plugin-rule",
        category=info.category if info else "disclosure",
        severity=severity,
        message=f"'{word}' is confidential",
        start=start,
        end=start + len(word),
        match=word,
    )


def sample_reports() -> list[Report]:
    source = "Intro 🦅🦅 Sturmvogel\r\nsecond line with Trekker T5\r\n"
    return [
        Report(
            name="posts/launch.md",
            source=source,
            findings=(
                finding(source, "Sturmvogel"),
                finding(source, "Trekker T5", "PG201", Severity.WARNING),
                finding(source, "line", "PG999", Severity.INFO),
            ),
        ),
        Report(name="posts/broken.md", source="", error="cannot decode as UTF-8"),
        Report(name="posts/clean.md", source="nothing"),
    ]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    assert SCHEMA_PATH.exists(), f"the SARIF schema is missing at {SCHEMA_PATH}"
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def render(reports: list[Report]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(sarif.render(reports, RenderOptions(rules=RULES)))
    return doc


def test_output_is_valid_sarif(validator: jsonschema.Draft7Validator) -> None:
    doc = render(sample_reports())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    empty = render([])
    assert not list(validator.iter_errors(empty))
    assert empty["runs"][0]["results"] == []


def test_driver_and_rules() -> None:
    run = render(sample_reports())["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "postguard"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["PG101", "PG201", "PG301", "PG999"], "given rules sorted, unknown ones appended"
    first = driver["rules"][0]
    assert first["name"] == "confidential-codename"
    assert first["shortDescription"]["text"] == "confidential codename"
    assert first["fullDescription"]["text"] == "Finds confidential-codename."
    assert "It leaks." in first["help"]["text"] and "**Fix:** Remove it." in first["help"]["markdown"]
    assert first["defaultConfiguration"]["level"] == "error"
    assert driver["rules"][2]["defaultConfiguration"]["level"] == "warning"
    assert run["columnKind"] == "utf16CodeUnits"


def test_results_have_levels_rule_indices_and_utf16_regions() -> None:
    run = render(sample_reports())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["PG101", "PG201", "PG999"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "posts/launch.md"
    # "Intro 🦅🦅 " is 9 code points but 11 UTF-16 code units before "Sturmvogel".
    assert location["region"] == {"startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 22}
    second = results[1]["locations"][0]["physicalLocation"]["region"]
    assert second == {"startLine": 2, "startColumn": 18, "endLine": 2, "endColumn": 28}
    assert results[0]["message"]["text"] == "'Sturmvogel' is confidential"


def test_input_errors_become_tool_execution_notifications() -> None:
    invocation = render(sample_reports())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "cannot decode as UTF-8"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "posts/broken.md"
    clean = render([Report(name="a.md", source="x")])["runs"][0]["invocations"][0]
    assert clean == {"executionSuccessful": True}


def test_fingerprints_survive_line_shifts_and_hide_the_match() -> None:
    before = Report(name="a.md", source="Sturmvogel", findings=(finding("Sturmvogel", "Sturmvogel"),))
    shifted_source = "New first line\n\nSturmvogel"
    after = Report(name="a.md", source=shifted_source, findings=(finding(shifted_source, "Sturmvogel"),))
    fp_before = render([before])["runs"][0]["results"][0]["partialFingerprints"]
    fp_after = render([after])["runs"][0]["results"][0]["partialFingerprints"]
    assert fp_before == fp_after
    assert "sturmvogel" not in json.dumps(fp_before).casefold()
    other_file = Report(name="b.md", source="Sturmvogel", findings=(finding("Sturmvogel", "Sturmvogel"),))
    assert render([other_file])["runs"][0]["results"][0]["partialFingerprints"] != fp_before


def test_paths_are_relative_with_forward_slashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = tmp_path / "docs" / "my post.md"
    reports = [
        Report(name=str(absolute), source="Sturmvogel", findings=(finding("Sturmvogel", "Sturmvogel"),)),
        Report(name="-", source="Sturmvogel", findings=(finding("Sturmvogel", "Sturmvogel"),)),
    ]
    results = render(reports)["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["docs/my%20post.md", "stdin"]
