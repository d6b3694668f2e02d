"""The command line: formats, exit codes, bad input, rules and explain."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK, ROOT
from postguard.cli import main

NOW = ["--now", "2026-11-28T12:00:00+01:00"]
LEAK = "🚀 Stolz auf das #Sturmvogel-Team!\nDer Trekker T5 kommt bald.\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    (tmp_path / "leak.txt").write_text(LEAK, encoding="utf-8")
    (tmp_path / "clean.txt").write_text("Wir freuen uns auf die Messe und euren Besuch!\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: bytes | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_is_ruff_style(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "leak.txt", *NOW], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("leak.txt:1:18: PG101 [error] „Sturmvogel“ ist ein interner Projektname")
    assert lines[2] == "1 | 🚀 Stolz auf das #Sturmvogel-Team!"
    # the emoji is two columns wide on a terminal: the carets sit under the word
    assert lines[3] == "  |                   ^^^^^^^^^^"
    assert "leak.txt:2:5: PG201 [error]" in out
    assert "\x1b[" not in out  # no colour when not a terminal
    assert out.rstrip().endswith("Found 2 problems (2 errors) in 1 input.")


def test_json_output_schema(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "leak.txt", "clean.txt", "--format", "json", *NOW], capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["schema"] == "postguard-check/1"
    clean, leak = doc["results"]  # sorted by path, whatever the command-line order
    assert clean["findings"] == [] and clean["path"] == "clean.txt"
    first = leak["findings"][0]
    assert {
        k: first[k] for k in ("rule_id", "category", "severity", "start", "end", "line", "column", "match")
    } == {
        "rule_id": "PG101",
        "category": "confidential",
        "severity": "error",
        "start": 17,
        "end": 27,
        "line": 1,
        "column": 18,
        "match": "Sturmvogel",
    }
    assert LEAK[first["start"] : first["end"]] == "Sturmvogel"
    assert first["start_utf16"] == 18  # the rocket is two UTF-16 units
    assert first["replacements"] == ["unser neues Projekt"]
    assert 0 < first["confidence"] <= 1
    assert doc["summary"] == {
        "inputs": 2,
        "findings": 2,
        "errors": 2,
        "warnings": 0,
        "infos": 0,
        "input_errors": 0,
    }


def test_exit_codes_and_fail_on(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["check", "clean.txt", *NOW], capsys)[0] == 0
    (project / "topic.txt").write_text("Die Quartalszahlen kommen.\n", encoding="utf-8")
    assert run(["check", "topic.txt", *NOW], capsys)[0] == 0  # a warning does not fail by default
    assert run(["check", "topic.txt", "--fail-on", "warning", *NOW], capsys)[0] == 1
    assert run(["check", "leak.txt", "--disable", "PG101,embargo", *NOW], capsys)[0] == 0
    assert (
        run(
            ["check", "leak.txt", "--disable", "confidential-codename", "--severity", "embargo=info", *NOW],
            capsys,
        )[0]
        == 0
    )


def test_stdin(project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "-", "--format", "json", *NOW], capsys, LEAK.encode(), monkeypatch)
    assert code == 1
    assert json.loads(out)["results"][0]["path"] == "<stdin>"


def test_publish_at_and_lang_options(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        ["check", "leak.txt", "--publish-at", "2027-06-01T10:00+02:00", "--disable", "PG101", *NOW], capsys
    )
    assert code == 0, out
    code, out, _ = run(["check", "leak.txt", "--lang", "en", *NOW], capsys)
    assert "“Sturmvogel” is an internal codename" in out


def test_config_severity_and_disable(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "postguard.toml").write_text(
        f'packs = ["{EXAMPLE_PACK.as_posix()}"]\ndisable = ["embargo"]\n[severity]\nconfidential = "warning"\n',
        encoding="utf-8",
    )
    code, out, _ = run(["check", "leak.txt", *NOW], capsys)
    assert code == 0
    assert "PG101 [warning]" in out and "PG201" not in out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0IHDR", "binary file"),
        (b"Gr\xfc\xdfe aus K\xf6ln", "not UTF-8"),
    ],
)
def test_bad_input_is_reported_and_others_still_checked(
    project: Path, capsys, content: bytes, words: str
) -> None:  # type: ignore[no-untyped-def]
    (project / "bad.txt").write_bytes(content)
    code, out, err = run(["check", "bad.txt", "leak.txt", *NOW], capsys)
    assert code == 2
    assert "bad.txt: input error: " in out and words in out
    assert "leak.txt:1:18: PG101" in out
    assert "Traceback" not in out + err


def test_ten_megabyte_file(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "big.txt").write_text("Wort " * 2_100_000, encoding="utf-8")
    code, out, _ = run(["check", "big.txt", "clean.txt", *NOW], capsys)
    assert code == 2
    assert "too large" in out and "10.0 MB" in out


def test_missing_file_unknown_channel_and_bad_options(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "nope.txt", "clean.txt", *NOW], capsys)
    assert code == 2 and "no such file" in out
    code, _, err = run(["check", "clean.txt", "--channel", "tiktok-brand", *NOW], capsys)
    assert code == 2
    assert "unknown channel 'tiktok-brand'" in err and "linkedin-company" in err
    code, _, err = run(["check", "clean.txt", "--disable", "PG999"], capsys)
    assert code == 2 and "unknown rule or category 'PG999'" in err
    code, _, err = run(["check", "clean.txt", "--now", "yesterday"], capsys)
    assert code == 2 and "not an ISO 8601" in err
    code, _, err = run(["check", "clean.txt", "--kind", "tweet"], capsys)
    assert code == 2 and "tweet" in err


def test_broken_pack_stops_with_file_and_key(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "pack.toml").write_text(
        '[[embargo]]\nname = "A"\nuntil = 2027-01-01\n[[embargo]]\nname = "B"\nuntil = 2027-01-01\n'
        '[[embargo]]\nname = "C"\nuntil = "next week"\n',
        encoding="utf-8",
    )
    (project / "postguard.toml").write_text('packs = ["pack.toml"]\n', encoding="utf-8")
    code, out, err = run(["check", "clean.txt"], capsys)
    assert code == 2 and out == ""
    assert "pack.toml: embargo[2].until: 'next week' is not a date" in err
    assert "Traceback" not in err


def test_pack_without_terms_and_punctuation_term(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "pack.toml").write_text(
        '[[confidential]]\nkind = "codename"\nterms = ["...", "!"]\n', encoding="utf-8"
    )
    (project / "postguard.toml").write_text('packs = ["pack.toml"]\n', encoding="utf-8")
    code, _, err = run(["check", "clean.txt"], capsys)
    assert code == 2 and "confidential[0].terms[0]" in err and "no letters or digits" in err
    (project / "pack.toml").write_text('[[confidential]]\nkind = "codename"\nterms = []\n', encoding="utf-8")
    code, _, err = run(["check", "clean.txt"], capsys)
    assert code == 2 and "confidential[0].terms: is empty" in err


def test_config_found_by_walking_up_and_in_pyproject(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n[tool.postguard]\npacks = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8"
    )
    sub = tmp_path / "posts" / "2026"
    sub.mkdir(parents=True)
    (sub / "p.txt").write_text(LEAK, encoding="utf-8")
    monkeypatch.chdir(ROOT.parent if ROOT.parent.exists() else tmp_path)
    code, out, _ = run(["check", str(sub / "p.txt"), *NOW], capsys)
    assert code == 1 and "PG101" in out
    (tmp_path / "postguard.toml").write_text(
        "default_pack = true\n", encoding="utf-8"
    )  # nearer wins: no packs
    code, out, _ = run(["check", str(sub / "p.txt"), *NOW], capsys)
    assert code == 0 and "PG101" not in out
    code, out, _ = run(
        ["check", str(sub / "p.txt"), "--config", str(tmp_path / "pyproject.toml"), *NOW], capsys
    )
    assert code == 1


def test_rules_and_explain(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["rules"], capsys)
    assert code == 0
    assert any(
        line.split()[:4] == ["PG101", "confidential-codename", "confidential", "error"]
        for line in out.splitlines()
    )
    assert "PG201" in out
    code, out, _ = run(["explain", "PG201", "--lang", "de"], capsys)
    assert code == 0 and "Sperrfrist" in out and "Was zu tun ist" in out
    code, out, _ = run(["explain", "confidential-marking"], capsys)
    assert code == 0 and "Why it matters" in out and "interne Teams" in out
    code, _, err = run(["explain", "PG000"], capsys)
    assert code == 2 and "unknown rule or category 'PG000'" in err


def test_rules_never_print_pack_terms(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for args in (["rules"], ["rules", "--format", "json"], ["explain", "PG101"]):
        _, out, _ = run(args, capsys)
        assert "Polarfuchs" not in out and "Fjellsport" not in out


def test_console_script_runs(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "postguard", "check", "leak.txt", *NOW],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert proc.returncode == 1, proc.stderr
    assert "PG201" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "postguard", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "postguard" in proc.stdout
