"""``postguard init``: a commented config and a starter pack that pass validation; never overwrites."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from postguard.cli import main

NOW = ["--now", "2026-11-28T12:00:00+01:00"]


def test_init_writes_a_config_and_a_pack_with_every_section_that_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "wrote postguard.toml" in out and "wrote postguard/company.toml" in out
    assert not (tmp_path / ".pre-commit-config.yaml").exists()
    pack = (tmp_path / "postguard" / "company.toml").read_text(encoding="utf-8")
    for section in ("[pack]", "[[confidential]]", "[[embargo]]", "[[channels]]", "[imprint]", "[disclosure]"):
        assert section in pack
    assert 'kind = "client"' in pack and 'kind = "host"' in pack and "context = [" in pack
    post = tmp_path / "post.md"
    post.write_text(
        "---\nchannel: linkedin-company\n---\nStolz auf Seeadler und das Projekt Kompass! Bald: Phone 2 "
        "für die Musterkunde AG, Details unter https://intranet.example.com/x\n",
        encoding="utf-8",
    )
    assert main(["check", "post.md", "--format", "json", *NOW]) == 1  # the pack loads and every example fires
    found = {f["rule_id"] for f in json.loads(capsys.readouterr().out)["results"][0]["findings"]}
    assert {"PG101", "PG102", "PG103", "PG201"} <= found
    post.write_text("Wir freuen uns auf die Messe und euren Besuch!\n", encoding="utf-8")
    assert main(["check", "post.md", *NOW]) == 0


def test_init_never_overwrites_and_prints_the_pre_commit_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "postguard.toml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path), "--pre-commit"]) == 0
    captured = capsys.readouterr()
    assert "postguard.toml exists: left alone" in captured.err
    assert (tmp_path / "postguard.toml").read_text(encoding="utf-8") == "# mine\n"
    written = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert written["repos"][0]["hooks"] == [{"id": "postguard"}]
    assert main(["init", str(tmp_path), "--pre-commit"]) == 2  # nothing left to write
    err = capsys.readouterr().err
    assert ".pre-commit-config.yaml exists: left alone" in err and "- id: postguard" in err


def test_init_pre_commit_config_is_valid_for_pre_commit(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path), "--pre-commit"]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
