"""Many files through the CLI: directories, .gitignore, overrides, workers, baseline, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK
from postguard.cli import main

NOW = ["--now", "2026-11-28T12:00:00+01:00"]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "postguard.toml").write_text(
        f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n'
        'exclude = ["drafts/old/**"]\n'
        "[[overrides]]\n"
        'paths = ["newsroom/**"]\n'
        'channel = "blog"\n'
        'kind = "page"\n'
        'disable = ["PG105"]\n',
        encoding="utf-8",
    )
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    for d in ("posts", "newsroom", "build", "drafts/old"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "posts" / "a.md").write_text(
        "---\ntitle: Hallo\n---\nStolz auf das #Sturmvogel-Team!\n", encoding="utf-8"
    )
    (tmp_path / "posts" / "b.md").write_text(
        "Ein ganz normaler Beitrag über Wanderschuhe.\n", encoding="utf-8"
    )
    (tmp_path / "newsroom" / "n.md").write_text("Die Quartalszahlen sehen gut aus.\n", encoding="utf-8")
    (tmp_path / "build" / "x.md").write_text("Sturmvogel\n", encoding="utf-8")
    (tmp_path / "drafts" / "old" / "y.md").write_text("Sturmvogel\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_json(capsys, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    code = main(["check", *args, "--format", "json", *NOW])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_directory_walk_honours_gitignore_excludes_and_overrides(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, doc = run_json(capsys, ".")
    assert code == 1
    paths = [r["path"] for r in doc["results"]]
    assert paths == ["newsroom/n.md", "posts/a.md", "posts/b.md"]
    by_path = {r["path"]: r for r in doc["results"]}
    # PG105 is disabled for the newsroom; as a page on the business blog it needs an imprint
    assert [f["rule_id"] for f in by_path["newsroom/n.md"]["findings"]] == ["PG301"]
    [f] = by_path["posts/a.md"]["findings"]
    assert (f["rule_id"], f["line"], f["column"]) == ("PG101", 4, 16)


def test_override_sets_channel_and_kind(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # a page on a business channel without an imprint reference is an imprint finding
    (repo / "newsroom" / "profile.md").write_text("Wir sind Nordkap: Outdoor seit 1990.\n", encoding="utf-8")
    _, doc = run_json(capsys, "newsroom/profile.md")
    assert [f["category"] for f in doc["results"][0]["findings"]] == ["imprint"]
    _, doc = run_json(capsys, "posts/b.md")
    assert doc["results"][0]["findings"] == []


def test_parallel_run_matches_sequential_and_keeps_going_past_bad_files(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    many = repo / "many"
    many.mkdir()
    for i in range(40):
        text = f"Beitrag {i}: " + ("Der Trekker T5 kommt!" if i % 7 == 0 else "Schönes Wetter heute.")
        (many / f"p{i:02d}.md").write_text(text + "\n", encoding="utf-8")
    (many / "p13.md").write_bytes(b"\xff\xfe\x00binary")
    code_seq, seq = run_json(capsys, "many", "--jobs", "1")
    code_par, par = run_json(capsys, "many", "--jobs", "2")
    assert code_seq == code_par == 2
    assert seq == par
    assert [r["path"] for r in par["results"]] == sorted(r["path"] for r in par["results"])
    assert sum(1 for r in par["results"] if r["error"]) == 1
    assert sum(len(r["findings"]) for r in par["results"]) == 6


def test_baseline_reports_only_new_findings_and_hides_the_text(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["baseline", "posts", "-o", "base.json", *NOW]) == 0
    assert "Wrote 1 finding" in capsys.readouterr().out
    stored = (repo / "base.json").read_text(encoding="utf-8")
    assert "Sturmvogel" not in stored and "Projektname" not in stored
    code, doc = run_json(capsys, "posts", "--baseline", "base.json")
    assert code == 0 and all(r["findings"] == [] for r in doc["results"])
    (repo / "posts" / "b.md").write_text("Der Polarfuchs ist unser nächstes Ding.\n", encoding="utf-8")
    code, doc = run_json(capsys, "posts", "--baseline", "base.json")
    assert code == 1
    assert [f["match"] for r in doc["results"] for f in r["findings"]] == ["Polarfuchs"]


def test_inline_suppressions(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (repo / "posts" / "s.md").write_text(
        "<!-- postguard-disable-next-line PG101 -- approved by legal -->\n"
        "Stolz auf das Sturmvogel-Team!\n"
        "<!-- postguard-disable-next-line embargo -->\n"
        "Nichts zu sehen.\n"
        "<!-- postguard-disabel PG101 -->\n",
        encoding="utf-8",
    )
    code, doc = run_json(capsys, "posts/s.md")
    [result] = doc["results"]
    assert result["suppressed"] == 1
    assert [f["rule_id"] for f in result["findings"]] == ["PG002"]  # the typo is reported, not ignored
    assert code == 1  # PG002 is an error: a mistyped directive fails the hook whatever fail_on says
    code, doc = run_json(capsys, "posts/s.md", "--report-unused-suppressions")
    found = [(f["rule_id"], f["line"]) for f in doc["results"][0]["findings"]]
    assert found == [("PG001", 3), ("PG002", 5)]


def test_markdown_offsets_with_crlf_and_emoji(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (repo / "posts" / "c.md").write_bytes(
        "---\r\ntitle: Neu\r\n---\r\n\r\n```\r\nSturmvogel im Code\r\n```\r\n\r\n🚀 **Der `x` Trekker T5** kommt.\r\n".encode()
    )
    _, doc = run_json(capsys, "posts/c.md")
    [f] = doc["results"][0]["findings"]
    assert (f["rule_id"], f["match"], f["line"], f["column"]) == ("PG201", "Trekker T5", 9, 13)
    assert f["start_utf16"] == f["start"] + 1


def test_sarif_and_github_formats(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", "posts/a.md", "--format", "github", *NOW]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=posts/a.md,line=4,col=16,")
    assert main(["check", "posts/a.md", "--format", "sarif", *NOW]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "PG101"
