"""What a newcomer meets first (#13): empty files, suppression typos, selectors, JSON for missing files.

Every test runs through the command line, as a user (or the pre-commit hook) would.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK
from postguard.cli import main

NOW = ["--now", "2026-11-28T12:00:00+01:00"]


@pytest.fixture
def project(example_project: Path) -> Path:
    return example_project


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("content", ["", "   \n\n\t\n"], ids=["empty", "whitespace"])
def test_empty_files_are_skipped_with_a_notice_in_verbose_output(
    project: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    (project / "_index.md").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "check", "_index.md", *NOW)
    assert (code, err) == (0, "")
    assert "input error" not in out and "_index.md" not in out
    code, out, _ = run(capsys, "check", "_index.md", "--verbose", *NOW)
    assert code == 0
    assert "_index.md: note: empty or only whitespace: skipped" in out
    code, out, _ = run(capsys, "check", "_index.md", "--format", "json", *NOW)
    [result] = json.loads(out)["results"]
    assert (code, result["error"], result["findings"], result["notices"]) == (
        0,
        None,
        [],
        ["empty or only whitespace: skipped"],
    )


def test_empty_standard_input_is_skipped_too(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"  \n"), encoding="utf-8"))
    code, out, err = run(capsys, "check", "-", "-v", *NOW)
    assert (code, err) == (0, "")
    assert "<stdin>: note: empty or only whitespace: skipped" in out


def test_a_misspelt_suppression_fails_whatever_fail_on_says(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "post.md").write_text("Hallo Welt.\n<!-- postguard-disabel PG101 -->\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "post.md", *NOW)
    assert code == 1
    assert "post.md:2:1: PG002 [error] unknown directive 'postguard-disabel'" in out


def test_suppression_messages_keep_the_rule_ids_as_written(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "post.md").write_text(
        "<!-- postguard-disable-next-line PG201, Confidential-Codename -->\nHallo Welt.\n"
        "<!-- postguard-disable PG999 -->\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "post.md", "--report-unused-suppressions", *NOW)
    assert code == 1
    assert "This suppression of PG201, Confidential-Codename matched nothing." in out
    assert "unknown rule 'PG999' in postguard-disable" in out
    assert "pg201" not in out and "pg999" not in out


def test_rule_selectors_accept_id_prefixes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "post.md").write_text(
        "Stolz auf das Sturmvogel-Team!\n\n![Bergsee](https://example.com/AdobeStock_123456.jpeg)\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "post.md", "--format", "json", *NOW)
    found = {f["rule_id"][:3] for f in json.loads(out)["results"][0]["findings"]}
    assert {"PG1", "PG4"} <= found
    code, out, _ = run(capsys, "check", "post.md", "--format", "json", "--disable", "PG4", *NOW)
    found = {f["rule_id"][:3] for f in json.loads(out)["results"][0]["findings"]}
    assert "PG1" in found and "PG4" not in found
    code, out, _ = run(capsys, "check", "post.md", "--format", "json", "--severity", "PG1=info", *NOW)
    levels = {f["severity"] for f in json.loads(out)["results"][0]["findings"] if f["rule_id"] < "PG2"}
    assert levels == {"info"}
    code, _, err = run(capsys, "check", "post.md", "--disable", "PG9")
    assert code == 2 and "unknown rule or category 'PG9'" in err


def test_json_for_a_missing_file_names_no_language(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "nope.md", "--format", "json", *NOW)
    [result] = json.loads(out)["results"]
    assert code == 2
    assert result["language"] is None and "no such file" in result["error"]


def test_an_invalid_pattern_is_quoted_as_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "acme.toml").write_text(
        "[[confidential]]\nkind = \"marking\"\npatterns = ['NK-(\\d']\n", encoding="utf-8"
    )
    (project / "postguard.toml").write_text('packs = ["acme.toml"]\n', encoding="utf-8")
    (project / "post.md").write_text("Hallo Welt.\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "post.md")
    assert code == 2
    assert "acme.toml: confidential[0].patterns[0]: invalid regular expression 'NK-(\\d':" in err
    assert "\\\\d" not in err


def test_a_string_where_the_config_wants_an_array_stops_postguard(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "postguard.toml").write_text(f'packs = "{EXAMPLE_PACK.as_posix()}"\n', encoding="utf-8")
    (project / "post.md").write_text("Hallo Welt.\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "post.md")
    assert code == 2
    assert "postguard.toml: packs: expected an array of strings, got a string: write [" in err


def test_a_missing_spacy_pipeline_names_the_config_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "postguard.toml").write_text('[spacy_models]\nde = "de_no_such_pipeline"\n', encoding="utf-8")
    (project / "post.md").write_text("Wir freuen uns auf die Messe und euren Besuch!\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "post.md")
    assert code == 2
    assert f"{project / 'postguard.toml'}: spacy_models.de: the spaCy pipeline 'de_no_such_pipeline'" in err


def test_rules_json_has_the_servers_shape(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from postguard.ruledocs import rule_dict

    code, out, _ = run(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {r["id"] for r in rows} >= {"PG001", "PG002", "PG101"}
    pg002 = next(r for r in rows if r["id"] == "PG002")
    assert set(pg002) == {"id", "name", "category", "severity", "enabled", "summary", "docs"}
    assert pg002["severity"] == "error" and set(pg002["docs"]) == {"de", "en"}
    from postguard.config import Config
    from postguard.engine import Engine

    engine = Engine(Config())
    assert rule_dict(engine.rules["PG002"], enabled=True) == pg002  # /v1/rules serves the same dict
