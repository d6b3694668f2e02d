"""GitHub Actions annotations: command names, positions and escaping."""

from __future__ import annotations

from postguard.formatters import RenderOptions, github
from postguard.model import Finding, Report, RuleDoc, RuleInfo, Severity

RULES = {
    "PG101": RuleInfo(
        id="PG101",
        name="confidential-codename",
        category="confidential",
        severity=Severity.ERROR,
        docs={"en": RuleDoc(name="Codename", what="w", why="y", fix="f")},
    )
}


def finding(source: str, word: str, *, severity: Severity = Severity.ERROR, message: str = "m") -> Finding:
    start = source.index(word)
    return Finding(
        rule_id="PG101",
        rule_name="confidential-codename",
        category="confidential",
        severity=severity,
        message=message,
        start=start,
        end=start + len(word),
        match=word,
    )


def test_one_annotation_per_finding_with_position_and_title() -> None:
    source = "Intro\r\n🦅 Sturmvogel here\r\n"
    report = Report(
        name="posts/a.md", source=source, findings=(finding(source, "Sturmvogel", message="Leak"),)
    )
    assert github.render([report], RenderOptions(rules=RULES)) == (
        "::error file=posts/a.md,line=2,col=4,endLine=2,endColumn=14,title=PG101 confidential-codename::Leak"
    )


def test_severities_map_to_commands() -> None:
    source = "a b c"
    report = Report(
        name="x.md",
        source=source,
        findings=(
            finding(source, "a", severity=Severity.ERROR),
            finding(source, "b", severity=Severity.WARNING),
            finding(source, "c", severity=Severity.INFO),
        ),
    )
    lines = github.render([report], RenderOptions(rules=RULES)).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]


def test_messages_and_properties_are_escaped() -> None:
    source = "Sturmvogel"
    report = Report(
        name="dir,with:odd%name.md",
        source=source,
        findings=(finding(source, "Sturmvogel", message="100% sure:\nline two\r, really"),),
    )
    line = github.render([report], RenderOptions(rules=RULES))
    assert "\n" not in line and "\r" not in line
    assert "file=dir%2Cwith%3Aodd%25name.md," in line
    assert line.endswith("::100%25 sure:%0Aline two%0D, really")


def test_input_errors_are_annotated_on_the_file() -> None:
    report = Report(name="bad.md", source="", error="binary file, not checked")
    assert (
        github.render([report], RenderOptions(rules=RULES))
        == "::error file=bad.md,title=postguard%3A input error::binary file, not checked"
    )


def test_nothing_to_report_is_empty() -> None:
    assert github.render([Report(name="a.md", source="fine")], RenderOptions(rules=RULES)) == ""
