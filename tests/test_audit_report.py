"""The audit's HTML report: self-contained, escaped, every month on the axis."""

from __future__ import annotations

from postguard.audit.report import month_chart, render

SUMMARY = {
    "documents": 3,
    "skipped": 0,
    "failed": 1,
    "findings": 3,
    "documents_with_findings": 2,
    "by_severity": {"error": 3},
    "by_category": {"confidential": 2, "embargo": 1},
    "by_rule": [{"rule_id": "PG101", "rule_name": "confidential-codename", "findings": 2}],
    "by_source": {"posts.jsonl": 3},
    "by_month": {"2026-11": {"confidential": 2}, "2027-02": {"embargo": 1}},
    "worst_documents": [
        {"source": "posts.jsonl", "document": "<script>alert(1)</script>", "url": "javascript:alert(1)",
         "findings": 2, "by_severity": {"error": 2}, "rules": ["PG101"]},
        {"source": "posts.jsonl", "document": "p2", "url": "https://x.com/nordkap/status/2", "findings": 1,
         "by_severity": {"error": 1}, "rules": ["PG201"]},
    ],
}  # fmt: skip


def test_report_escapes_what_the_sources_say_and_links_only_web_urls() -> None:
    html = render(SUMMARY, {"title": "t", "sources": "posts.jsonl"})
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "href='javascript" not in html
    assert "<a href='https://x.com/nordkap/status/2'>p2</a>" in html


def test_months_without_findings_are_on_the_axis() -> None:
    svg = month_chart(SUMMARY["by_month"])  # type: ignore[arg-type]
    labels = [m for m in ("2026-11", "2026-12", "2027-01", "2027-02") if f">{m}</text>" in svg]
    assert labels == ["2026-11", "2026-12", "2027-01", "2027-02"]


def test_an_audit_without_findings_renders() -> None:
    empty = {**SUMMARY, "findings": 0, "by_month": {}, "by_rule": [], "worst_documents": [], "by_source": {}}
    html = render(empty, {})
    assert html.count("No findings.") == 2 and "<svg" not in html
