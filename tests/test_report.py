"""The local log of overrides and false-positive reports: ``/v1/feedback`` and ``postguard report``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest_server import SECRET_TERMS, ServerProcess
from postguard import overrides
from postguard.cli import main


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POSTGUARD_DATA_DIR", str(tmp_path))
    return tmp_path


def _spans_of(*words: str):  # type: ignore[no-untyped-def]
    def find(text: str) -> list[tuple[int, int]]:
        return [(i, i + len(w)) for w in words if (i := text.find(w)) >= 0]

    return find


def test_an_entry_keeps_no_words_only_a_salted_fingerprint_and_the_masked_reason(log_dir: Path) -> None:
    entry = overrides.record(
        "override",
        "PG101",
        "Sturmvogel",
        "www.LinkedIn.com",
        "  Sturmvogel  ist seit heute öffentlich ",
        find_spans=_spans_of("Sturmvogel"),
    )
    assert entry.reason == "… ist seit heute öffentlich"
    assert entry.site == "www.linkedin.com"
    assert len(entry.term) == 16 and entry.term != overrides.term_fingerprint("Sturmvogel", "")
    again = overrides.record("false_positive", "PG101", "STURMVOGEL", "x.com", "", find_spans=_spans_of())
    assert again.term == entry.term, "the same term (any case) has the same fingerprint on this machine"
    other = overrides.record("override", "PG101", "Trekker T5", "x.com", "", find_spans=_spans_of())
    assert other.term != entry.term
    raw = overrides.log_path().read_text(encoding="utf-8")
    assert "Sturmvogel" not in raw and "STURMVOGEL" not in raw and "Trekker" not in raw
    assert [e.action for e in overrides.read()] == ["override", "false_positive", "override"]
    assert stat.S_IMODE(os.stat(overrides.log_path()).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(log_dir / overrides.SALT_NAME).st_mode) == 0o600


def test_a_damaged_line_is_skipped_and_clear_deletes_the_log(log_dir: Path) -> None:
    overrides.record("override", "PG201", "Trekker T5", "x.com", "launch moved", find_spans=_spans_of())
    with overrides.log_path().open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    assert len(overrides.read()) == 1
    assert overrides.clear() == 1
    assert overrides.read() == [] and not overrides.log_path().exists()


def test_report_summarises_in_text_and_json(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 0
    assert capsys.readouterr().out.startswith("No overrides or reports recorded")
    overrides.record(
        "override", "PG101", "Sturmvogel", "www.linkedin.com", "approved by PR", find_spans=_spans_of()
    )
    overrides.record("override", "PG201", "Trekker T5", "www.linkedin.com", "", find_spans=_spans_of())
    overrides.record("false_positive", "PG101", "Sturmvogel", "x.com", "", find_spans=_spans_of())
    assert main(["report", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 3
    assert data["actions"] == {"override": 2, "false_positive": 1}
    assert data["rules"] == {
        "PG101": {"override": 1, "false_positive": 1},
        "PG201": {"override": 1, "false_positive": 0},
    }
    assert data["sites"] == {"www.linkedin.com": 2, "x.com": 1}
    assert [e["reason"] for e in data["entries"]] == ["approved by PR", "", ""]
    assert main(["report"]) == 0
    text = capsys.readouterr().out
    assert "3 entries" in text and "2 overrides (posted anyway), 1 reported as wrong" in text
    assert "PG101" in text and "approved by PR" in text and "Sturmvogel" not in text
    assert main(["report", "--clear"]) == 0
    assert "Cleared 3 entries." in capsys.readouterr().err
    assert overrides.read() == []


def test_the_server_records_without_the_pack_terms_and_clears(server: ServerProcess) -> None:
    codename = SECRET_TERMS[0]
    answer = server.client.post(
        "/v1/feedback",
        json={
            "action": "override",
            "rule_id": "PG101",
            "match": codename,
            "site": "x.com",
            "reason": f"{codename} wurde gestern angekündigt",
        },
    )
    assert answer.status_code == 200, answer.text
    entry = answer.json()
    assert entry["reason"] == "… wurde gestern angekündigt", "the pack term in the reason is masked"
    assert entry["action"] == "override" and entry["rule_id"] == "PG101" and len(entry["term"]) == 16
    raw = overrides.log_path().read_text(encoding="utf-8")
    assert codename not in raw and entry["term"] in raw
    for bad in (
        {"action": "ignore", "rule_id": "PG101"},
        {"action": "override"},
        {"action": "override", "rule_id": "PG101", "text": "the whole draft"},
        {"action": "override", "rule_id": "PG 101"},
    ):
        refused = server.client.post("/v1/feedback", json=bad)
        assert refused.status_code == 400, bad
        assert "draft" not in refused.text
    # the longest body the schema allows, every character an emoji escaped in JSON, is not too large
    longest = {"action": "false_positive", "rule_id": "P" * 40, "match": "😀" * 500, "site": "😀" * 253}
    body = json.dumps({**longest, "reason": "😀" * 2000}).encode()
    assert len(body) > 33_000
    answer = server.client.post("/v1/feedback", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 400), answer.text  # 400: an unknown rule id, never 413
    assert server.client.post("/v1/feedback", content=b"x" * 40_000).status_code == 413
    cleared = server.client.post("/v1/feedback/clear")
    assert cleared.status_code == 200 and cleared.json()["cleared"] >= 1
    assert not overrides.log_path().exists()
