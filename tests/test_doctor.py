"""The pack doctor (`postguard pack check`): each report on a pack made to trigger it, and the example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postguard.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "rules" / "example-company.toml"
NOW = "2026-11-28T12:00:00Z"

WEAK = """
[pack]
name = "Weak"
[disclosure]
brands = ["Alpaka"]
[[confidential]]
kind = "codename"
terms = ["Murmeltier", "Alpaka", "Eins Zwei Drei Vier Fünf Sechs Sieben Acht Neun", "Sturmvogel"]
[[confidential]]
kind = "codename"
terms = ["Kranich"]
context = ["Projekt", "Prototyp"]
allow = ["Kranich"]
[[confidential]]
kind = "topic"
terms = ["Quartalszahlen"]
until = 2026-01-31
[[embargo]]
name = "Polarfuchs X1"
aliases = ["Trekker T5", "TrekkerT5", "Sturmvogel"]
until = 2026-03-01
[[test]]
text = "Das Murmeltier pfeift."
expect = []
[[test]]
text = "Stolz auf das Sturmvogel-Team!"
expect = ["PG101"]
"""


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["pack", "check", *args, "--now", NOW])
    out, err = capsys.readouterr()
    return code, out + err


def reports(out: str) -> list[tuple[str, str]]:
    """(key path, code) of every report line."""
    rows = []
    for line in out.splitlines():
        if line.startswith("/") and line.rstrip().endswith("]"):
            key = line.split(": ")[1]
            rows.append((key, line.rsplit("[", 1)[1].rstrip("]")))
    return rows


@pytest.fixture
def weak(tmp_path: Path) -> Path:
    p = tmp_path / "weak.toml"
    p.write_text(WEAK, encoding="utf-8")
    return p


def test_each_report_on_a_pack_made_to_trigger_it(capsys: pytest.CaptureFixture[str], weak: Path) -> None:
    code, out = doctor(capsys, str(weak))
    assert code == 1
    assert sorted(reports(out)) == sorted(
        [
            ("confidential[0].terms[0]", "common-word"),  # Murmeltier, no context
            ("confidential[0].terms[1]", "common-word"),  # Alpaka
            ("confidential[0].terms[1]", "collision"),  # ... is a public brand
            ("confidential[0].terms[2]", "never-matches"),  # nine words
            ("confidential[1].context", "one-language-context"),  # Projekt, Prototyp: German only
            ("confidential[1].terms[0]", "never-matches"),  # allowed as a whole
            ("confidential[2].terms[0]", "common-word"),
            ("confidential[2].until", "stale"),
            ("embargo[0].aliases[1]", "collision"),  # TrekkerT5 is Trekker T5
            ("embargo[0].aliases[2]", "collision"),  # Sturmvogel is confidential[0] too
            ("embargo[0].until", "stale"),
            ("test[0]", "test-failed"),
        ]
    )
    assert "'Murmeltier' is common German (Zipf 2.9): add context" in out
    assert "1 of 2 self-tests passed" in out


def test_failed_self_test_shows_a_diff(capsys: pytest.CaptureFixture[str], weak: Path) -> None:
    _, out = doctor(capsys, str(weak))
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "test[0]" in line)
    assert "expected [], found ['PG101']" in lines[at]
    assert lines[at + 1].strip() == "+ PG101 'Murmeltier' (found, not expected)"


def test_missing_finding_is_a_minus_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "p.toml"
    p.write_text(
        '[[confidential]]\nkind = "codename"\nterms = ["Polarfuchs"]\n'
        '[[test]]\ntext = "Heute scheint die Sonne."\nexpect = ["PG101"]\n',
        encoding="utf-8",
    )
    code, out = doctor(capsys, str(p))
    assert code == 1
    assert "- PG101 (expected, not found)" in out


def test_json_output_and_fail_on(capsys: pytest.CaptureFixture[str], weak: Path) -> None:
    code, out = doctor(capsys, str(weak), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["tests"] == {"passed": 1, "failed": 1}
    assert {p["code"] for p in data["problems"]} == {
        "common-word",
        "collision",
        "never-matches",
        "one-language-context",
        "stale",
        "test-failed",
    }
    assert all(set(p) == {"code", "severity", "key", "message"} for p in data["problems"])


def test_a_clean_pack_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "p.toml"
    p.write_text(
        '[[confidential]]\nkind = "codename"\nterms = ["Polarfuchs"]\n'
        '[[test]]\ntext = "Der Polarfuchs kommt."\nexpect = ["PG101"]\n',
        encoding="utf-8",
    )
    code, out = doctor(capsys, str(p))
    assert code == 0, out
    assert "No problems; 1 of 1 self-test passed" in out


def test_warnings_pass_with_fail_on_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "p.toml"
    p.write_text('[[confidential]]\nkind = "codename"\nterms = ["Murmeltier"]\n', encoding="utf-8")
    assert doctor(capsys, str(p))[0] == 1
    assert doctor(capsys, str(p), "--fail-on", "error")[0] == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[[confidential]]\nkind = "codename"\nterms = ["X1"]\n[[test]]\ntext = "x"\n', "test[0].expect"),
        (
            '[[confidential]]\nkind = "codename"\nterms = ["X1"]\n[[test]]\ntext = "x"\nexpect = ["nope"]\n',
            "'nope' is not a rule id",
        ),
        ('[[confidential]]\nkind = "codename"\n', "missing"),
    ],
)
def test_an_invalid_pack_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, words: str
) -> None:
    p = tmp_path / "p.toml"
    p.write_text(text, encoding="utf-8")
    code, out = doctor(capsys, str(p))
    assert code == 2
    assert words in out


def test_the_example_pack(capsys: pytest.CaptureFixture[str]) -> None:
    """The example's own weak spot: an everyday quiet-period word it keeps on purpose (it says so);
    "earnings" has context words, so it is not reported."""
    code, out = doctor(capsys, str(EXAMPLE))
    assert reports(out) == [("confidential[5].terms[0]", "common-word")]
    assert "'Quartalszahlen' is common German" in out
    assert "earnings" not in out
    assert "5 of 5 self-tests passed" in out
    assert code == 1
    assert doctor(capsys, str(EXAMPLE), "--fail-on", "error")[0] == 0
