"""Masking (postguard.masking): a sensitive match never reaches any output, and offsets stay right."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from hypothesis import given
from hypothesis import strategies as st

from conftest_server import ServerProcess
from postguard.lines import LineIndex, utf16_offset
from postguard.masking import mask, mask_source
from postguard.model import Finding, Severity

pytest_plugins = ("conftest_server",)

AWS = "AKIAZ7Q3M1K9X2WVB5TR"
PASSWORD = "Winterfest2031?"
IBAN = "DE44 5001 0517 5407 3249 31"
DRAFT = f"Debugging tonight 🚀 with {AWS}.\nWLAN-Passwort: {PASSWORD}\nÜberweisung an {IBAN}\n"
VALUES = (AWS, PASSWORD, IBAN, "Z7Q3M1K9X2WV", "nterfest2031", "0517 5407")


def _finding(start: int, end: int, text: str) -> Finding:
    return Finding(
        rule_id="PG601",
        category="secret",
        severity=Severity.ERROR,
        message="m",
        start=start,
        end=end,
        match=text[start:end],
        sensitive=True,
    )


def test_mask_keeps_a_few_characters_at_each_end() -> None:
    assert mask(AWS) == "AKIA…B5TR"
    assert mask(PASSWORD) == "Wi…1?"
    assert mask("hunter2") == "…"


@given(st.text(min_size=1, max_size=60), st.data())
def test_masked_source_keeps_every_offset(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    masked = mask_source(text, [_finding(start, end, text)])
    assert len(masked) == len(text)
    assert masked[:start] == text[:start] and masked[end:] == text[end:]
    assert utf16_offset(masked, len(masked)) == utf16_offset(text, len(text))
    assert LineIndex(masked).starts == LineIndex(text).starts


def _cli(tmp_path: Path, *args: str) -> str:
    draft = tmp_path / "post.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "postguard", "check", str(draft), "--no-color", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout + done.stderr


def test_no_output_format_prints_the_secret(tmp_path: Path) -> None:
    outputs = {fmt: _cli(tmp_path, "--format", fmt) for fmt in ("text", "json", "sarif", "github")}
    for fmt, out in outputs.items():
        for value in VALUES:
            assert value not in out, f"{fmt} shows {value!r}"
    assert "AKIA…B5TR" in outputs["json"] and "PG601" in outputs["github"] and "PG703" in outputs["sarif"]
    assert "AKIA••••••••••••B5TR" in outputs["text"]  # the code frame, masked one for one
    [result] = json.loads(outputs["json"])["results"]
    rules = [f["rule_id"] for f in result["findings"]]
    assert rules == ["PG601", "PG604", "PG703"]
    line_two = next(f for f in result["findings"] if f["rule_id"] == "PG604")
    assert (line_two["line"], line_two["column"]) == (2, 16)


def test_the_baseline_holds_no_secret_and_still_knows_the_finding(tmp_path: Path) -> None:
    draft = tmp_path / "post.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    base = tmp_path / "baseline.json"
    run = [sys.executable, "-m", "postguard"]
    subprocess.run(
        [*run, "baseline", str(draft), "-o", str(base), "-j", "1"], cwd=tmp_path, timeout=120, check=True
    )
    stored = base.read_text(encoding="utf-8")
    assert "PG601" in stored and all(v not in stored for v in VALUES) and "AKIA…" not in stored
    done = subprocess.run(
        [*run, "check", str(draft), "--baseline", str(base)], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout


def test_server_answers_never_show_the_secret(server: ServerProcess) -> None:
    v1 = server.client.post("/v1/check", json={"text": DRAFT})
    v2 = server.client.post("/v2/check", data={"text": DRAFT, "language": "de-DE"})
    for r in (v1, v2):
        assert r.status_code == 200, r.text
        for value in VALUES:
            assert value not in r.text
    assert {f["rule_id"] for f in v1.json()["findings"]} == {"PG601", "PG604", "PG703"}
    matches = v2.json()["matches"]
    assert {m["rule"]["id"] for m in matches} == {"PG601", "PG604", "PG703"}
    aws = next(m for m in matches if m["rule"]["id"] == "PG601")
    assert aws["offset"] == utf16_offset(DRAFT, DRAFT.index(AWS)) and aws["length"] == len(AWS)
    assert isinstance(server.client, httpx.Client)
