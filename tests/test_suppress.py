"""Inline suppressions: every directive form, selectors, scopes, unused and malformed directives."""

from __future__ import annotations

from postguard.model import Finding, Severity
from postguard.suppress import apply_suppressions, directive_problems, parse_suppressions


def finding_at(source: str, word: str, *, nth: int = 0, rule: str = "PG101") -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = source.index(word, start + 1)
    names = {
        "PG101": ("confidential-codename", "confidential"),
        "PG201": ("embargo", "embargo"),
        "PG301": ("imprint-missing", "imprint"),
    }
    name, category = names[rule]
    return Finding(
        rule_id=rule,
        rule_name=name,
        category=category,
        severity=Severity.ERROR,
        message="m",
        start=start,
        end=start + len(word),
        match=word,
    )


def kept_words(source: str, findings: list[Finding]) -> list[str]:
    return [f.match for f in apply_suppressions(findings, source, parse_suppressions(source)).kept]


def test_no_directives_keeps_everything() -> None:
    source = "Sturmvogel here\n"
    f = finding_at(source, "Sturmvogel")
    result = apply_suppressions([f], source, parse_suppressions(source))
    assert result.kept == (f,) and result.suppressed == () and result.unused == () and result.problems == ()


def test_disable_next_line_covers_only_the_next_line() -> None:
    source = (
        "A Sturmvogel\n<!-- postguard-disable-next-line PG101 -- approved by legal -->\n"
        "B Sturmvogel\nC Sturmvogel\n"
    )
    findings = [finding_at(source, "Sturmvogel", nth=i) for i in range(3)]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert [source[f.start - 2] for f in result.kept] == ["A", "C"]
    assert [source[f.start - 2] for f in result.suppressed] == ["B"]
    (suppression,) = parse_suppressions(source)
    assert suppression.reason == "approved by legal"
    assert (suppression.line, suppression.column) == (2, 1)


def test_disable_line_covers_its_own_line() -> None:
    source = "A Sturmvogel <!-- postguard-disable-line confidential -->\nB Sturmvogel\n"
    findings = [finding_at(source, "Sturmvogel", nth=i) for i in range(2)]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert [source[f.start - 2] for f in result.kept] == ["B"]


def test_disable_enable_range_and_to_the_end_of_the_file() -> None:
    source = (
        "1 Sturmvogel\n<!-- postguard-disable PG101 -->\n2 Sturmvogel\n<!-- postguard-enable PG101 -->\n"
        "3 Sturmvogel\n<!-- postguard-disable -->\n4 Sturmvogel\n5 Sturmvogel\n"
    )
    findings = [finding_at(source, "Sturmvogel", nth=i) for i in range(5)]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert [source[f.start - 2] for f in result.kept] == ["1", "3"]
    assert result.unused == () and result.problems == ()


def test_selectors_by_id_name_and_category_case_insensitive() -> None:
    for selector in ("PG101", "pg101", "confidential-codename", "Confidential"):
        source = f"<!-- postguard-disable-next-line {selector} -->\nSturmvogel and Trekker\n"
        codename = finding_at(source, "Sturmvogel")
        embargo = finding_at(source, "Trekker", rule="PG201")
        result = apply_suppressions([codename, embargo], source, parse_suppressions(source))
        assert result.kept == (embargo,), selector
        assert result.suppressed == (codename,)


def test_several_rules_and_partial_enable() -> None:
    source = (
        "<!-- postguard-disable PG101, embargo -->\nSturmvogel Trekker\n"
        "<!-- postguard-enable PG101 -->\nSturmvogel Trekker\n"
    )
    findings = [
        finding_at(source, "Sturmvogel", nth=0),
        finding_at(source, "Trekker", nth=0, rule="PG201"),
        finding_at(source, "Sturmvogel", nth=1),
        finding_at(source, "Trekker", nth=1, rule="PG201"),
    ]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert result.kept == (findings[2],)
    assert len(result.suppressed) == 3


def test_unused_suppressions_are_listed_with_their_position() -> None:
    source = (
        "Text\n<!-- postguard-disable-next-line PG101, PG201 -->\nSturmvogel\n"
        "  <!-- postguard-disable-next-line -->\nnothing here\n"
    )
    findings = [finding_at(source, "Sturmvogel")]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert result.kept == ()
    assert [(u.line, u.column, u.rules) for u in result.unused] == [(2, 1, ("PG201",)), (4, 3, ())]


def test_malformed_directives_are_reported_not_ignored() -> None:
    source = (
        "<!-- postguard-disabel PG101 -->\n"
        "<!-- postguard-disable-next-lines PG101 -->\n"
        "<!-- postguard-disable PG1?1 -->\n"
        "<!-- postguard-enable PG999 -->\n"
        "<!-- an ordinary comment -->\n"
    )
    problems = directive_problems(source)
    assert [p.line for p in problems] == [1, 2, 3, 4]
    assert "unknown directive 'postguard-disabel'" in problems[0].message
    assert "postguard-disable-next-lines" in problems[1].message
    assert "invalid rule 'PG1?1'" in problems[2].message
    assert "without a matching postguard-disable" in problems[3].message
    assert parse_suppressions(source) == []
    result = apply_suppressions([], source)
    assert len(result.problems) == 4


def test_unknown_rules_are_problems_when_the_known_rules_are_given() -> None:
    source = "<!-- postguard-disable-next-line PG101, confidental -->\nx\n"
    problems = directive_problems(source, known={"PG101", "confidential", "confidential-codename"})
    assert [p.message for p in problems] == ["unknown rule 'confidental' in postguard-disable-next-line"]
    assert directive_problems(source) == []


def test_plain_text_and_crlf_use_the_same_syntax() -> None:
    source = "Intro\r\n<!-- postguard-disable-next-line PG101 -->\r\nSturmvogel 🦅\r\nSturmvogel\r\n"
    findings = [finding_at(source, "Sturmvogel", nth=i) for i in range(2)]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert result.kept == (findings[1],)


def test_a_directive_at_the_end_of_the_file_suppresses_nothing() -> None:
    source = "Sturmvogel\n<!-- postguard-disable-next-line PG101 -->"
    findings = [finding_at(source, "Sturmvogel")]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert result.kept == tuple(findings)
    assert len(result.unused) == 1


def test_multiline_comment_next_line_means_after_the_comment() -> None:
    source = "<!-- postguard-disable-next-line PG101\n  -- long reason\n-->\nSturmvogel\n"
    findings = [finding_at(source, "Sturmvogel")]
    result = apply_suppressions(findings, source, parse_suppressions(source))
    assert result.kept == ()
    assert parse_suppressions(source)[0].reason == "long reason"
