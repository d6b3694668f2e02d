"""Language detection (#13): lingua for short texts, the channel's or config's default when too short,
a clear notice for unsupported languages. Through the command line, as a user meets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK
from postguard.cli import main
from postguard.language import identify

NOW = ["--now", "2026-11-28T12:00:00+01:00"]


@pytest.fixture
def project(example_project: Path) -> Path:
    return example_project


def check_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> dict[str, object]:
    main(["check", str(path), "--format", "json", *NOW, *args])
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize(
    "text",
    ["Stolz auf das Sturmvogel-Team!", "STRENG VERTRAULICH: Sturmvogel", "Sturmvogel kommt. Danke!"],
)
def test_short_german_posts_get_german_messages(
    project: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    (project / "post.txt").write_text(text + "\n", encoding="utf-8")
    result = check_json(capsys, project / "post.txt")
    assert result["language"] == "de"
    assert all("Projektname" in f["message"] or "intern" in f["message"] for f in result["findings"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text", ["Proud of the whole team, see you at the trade fair!", "Proud of the Sturmvogel team!"]
)
def test_everyday_english_stays_english(project: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    (project / "post.txt").write_text(text + "\n", encoding="utf-8")
    assert check_json(capsys, project / "post.txt")["language"] == "en"  # a German codename does not tip it


def test_too_short_to_tell_takes_the_channel_then_the_config_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not identify("Hallo.").decided
    post = project / "post.md"
    post.write_text("---\ntitle: Gruß\n---\nHallo.\n", encoding="utf-8")
    assert check_json(capsys, post)["language"] == "en"  # no channel, config auto: English
    post.write_text("---\ntitle: Gruß\nchannel: blog\n---\nHallo.\n", encoding="utf-8")
    assert check_json(capsys, post)["language"] == "de"  # the blog channel is German
    (project / "postguard.toml").write_text(
        f'packs = ["{EXAMPLE_PACK.as_posix()}"]\nlang = "de"\n', encoding="utf-8"
    )
    post.write_text("---\ntitle: Gruß\n---\nHallo.\n", encoding="utf-8")
    assert check_json(capsys, post)["language"] == "de"  # the config's default
    post.write_text("We are proud of the whole team and of what we shipped this year.\n", encoding="utf-8")
    assert check_json(capsys, post)["language"] == "en"  # long enough: detected, not defaulted


def test_unsupported_language_gets_a_notice_and_the_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = project / "post.md"
    post.write_text(
        "---\nlang: fr\nchannel: blog\n---\nBonjour à toute l'équipe Sturmvogel !\n", encoding="utf-8"
    )
    result = check_json(capsys, post)
    assert result["language"] == "de"  # the blog channel's language
    assert result["notices"] == ["language 'fr' is not supported (postguard checks de and en): checked as de"]
    assert [f["rule_id"] for f in result["findings"]] == ["PG101"]  # type: ignore[attr-defined]
    post.write_text("Bonjour!\n", encoding="utf-8")
    code = main(["check", str(post), "--lang", "fr", *NOW])
    out = capsys.readouterr().out
    assert code == 0
    assert "post.md: note: language 'fr' is not supported (postguard checks de and en): checked as en" in out


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Wir zeigen auf der Messe unsere neuen Jacken und Zelte, die wir mit Bergführern getestet haben. "
            "Das Motto in diesem Jahr ist Made in Germany, und wir freuen uns auf euch am Stand.",
            "de",
        ),
        (
            "Support for loading native ES modules had been available on v20.x and v22.x under the command "
            "line flag. In v23.x, this feature is now enabled by default.",
            "en",
        ),
    ],
)
def test_a_few_words_of_the_other_language_do_not_turn_a_long_text(text: str, lang: str) -> None:
    # "in" and "made" are English function words, "es" a German one: the many of one language decide
    guess = identify(text, default="de" if lang == "en" else "en")
    assert guess.lang == lang
    assert guess.decided
    assert not guess.mixed
