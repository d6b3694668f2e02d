"""The secret check (PG601-PG604): every shape caught and masked; placeholders, near misses and words left alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from secrets_fixtures import NEAR_MISSES, cases

LABELLED = cases(seed=7, per_shape=2)


@pytest.mark.parametrize(
    ("group", "text"), [(g, t) for g, t, label in LABELLED if label == "secret"], ids=lambda v: v[:30]
)
def test_every_secret_shape_is_caught_and_masked(check, group: str, text: str) -> None:  # type: ignore[no-untyped-def]
    found = [f for f in check(text) if f.category == "secret"]
    assert found, f"{group}: nothing found in {text!r}"
    for f in found:
        assert f.sensitive
        assert f.match not in text or len(f.match) < 8  # the mask, never the value
        assert "…" in f.match


@pytest.mark.parametrize("text", NEAR_MISSES, ids=lambda v: v[:30])
def test_near_misses_and_placeholders_are_left_alone(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [f.rule_id for f in check(text) if f.category in ("secret", "personal")] == []


def test_rule_ids_by_kind(check) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Key AKIA2E0A8F3B244C9986 here.\n"
        'api_key = "q8Zt2LkW9xVbR4mN7pYc"\n'
        "postgres://app:Xu7!bq2Lr@db.acme.de/shop\n"
        "Hier der Zugang fürs Event-WLAN: Passwort: Sommerfest2027!\n"
    )
    assert [f.rule_id for f in check(text)] == ["PG601", "PG602", "PG603", "PG604"]


def test_the_password_span_is_the_value_only(check) -> None:  # type: ignore[no-untyped-def]
    text = "Hier der Zugang fürs Event-WLAN: Passwort: Sommerfest2027!"
    [f] = check(text)
    assert text[f.start : f.end] == "Sommerfest2027!"
    assert f.match == "So…7!"
    assert "Passwort" in f.message and "Sommerfest" not in f.message


@pytest.mark.parametrize(
    "text",
    [
        "Das PW ist Kaffee#42",
        "Zugangsdaten: max / Sommer2027",
        "WLAN-Passwort: gast-4711",
        "Das WLAN-Passwort lautet Nordkap2027",
        "the password is hunter2x9",
        "login: admin pass: Tr0ub4dor",
        "Guest Wi-Fi password: coffee-123",
    ],
)
def test_prose_passwords_in_both_languages(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [f.rule_id for f in check(text)] == ["PG604"]


@pytest.mark.parametrize(
    "text",
    [
        "Das Passwort ist sicher.",
        "the password is strong",
        "Passwort: ********",
        "Passwort: <dein Passwort>",
        "password = changeme",
        "boarding pass: LH1234",
        "Token: unser Dankeschön",
        "OPENAI_API_KEY=sk-your-key-here",
    ],
)
def test_words_and_placeholders_after_a_label_are_not_passwords(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert check(text) == []


def test_the_documented_example_keys_are_never_reported(check) -> None:  # type: ignore[no-untyped-def]
    assert check("AKIAIOSFODNN7EXAMPLE and sk_test_4eC39HqLyjWDarjtT1zdp7dc from the docs") == []


def test_inline_suppression_works_for_secret_rules(check) -> None:  # type: ignore[no-untyped-def]
    text = "Key AKIA2E0A8F3B244C9986 here. <!-- postguard-disable-line secret-token -->"
    assert check(text, fmt="markdown") == []
    assert [f.rule_id for f in check("Key AKIA2E0A8F3B244C9986 here.", fmt="markdown")] == ["PG601"]


def test_a_pack_adds_its_own_token_shape(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "acme.toml"
    pack.write_text(
        "[pack]\nname = 'acme'\n[secrets]\n[[secrets.token]]\nname = 'ACME key'\n"
        "pattern = '\\bacme_(?P<secret>[a-z0-9]{24})\\b'\n",
        encoding="utf-8",
    )
    engine = Engine(Config(packs=(pack,)))
    [f] = lint(engine, "Try acme_k3j9x0q2m8v7b6n5c4z1a2s3 now").findings
    assert (f.rule_id, f.match) == ("PG601", "k3j9…a2s3")
    assert "ACME key" in f.message


def test_a_broken_token_pattern_names_the_key(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.errors import ConfigError

    pack = tmp_path / "acme.toml"
    pack.write_text("[secrets]\n[[secrets.token]]\nname = 'x'\npattern = '(['\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"secrets\.token\[0\]\.pattern"):
        Engine(Config(packs=(pack,)))


POST_WITH_SNIPPET = """# Unser neues Deployment

So haben wir es eingerichtet:

```bash
export GITHUB_TOKEN=ghp_R8kLm2Qx9ZtVb4Nw7Yc1Hd5Fj3Gs6Pa0Ue2K
export API_KEY=q8Zt2LkW9xVbR4mN7pYc
```

Mit dem Beispielschlüssel `AKIAIOSFODNN7EXAMPLE` geht es auch, mit `AKIA2E0A8F3B244C9986` nicht.
"""


def test_a_provider_token_in_a_markdown_code_block_is_found_where_it_stands(check) -> None:  # type: ignore[no-untyped-def]
    found = [f for f in check(POST_WITH_SNIPPET, fmt="markdown") if f.category == "secret"]
    token = POST_WITH_SNIPPET.index("ghp_")
    inline = POST_WITH_SNIPPET.index("AKIA2E0A")
    # the two real-looking provider tokens (block and inline code) at their source offsets; the
    # documented example key is a placeholder; the generic assignment in code is the prose rules' business
    assert [(f.rule_id, f.start) for f in found] == [("PG601", token), ("PG601", inline)]


def test_code_is_still_blank_for_the_prose_checks(check) -> None:  # type: ignore[no-untyped-def]
    text = "Unser Motto:\n\n```\nSturmvogel\n```\n"
    assert [f.rule_id for f in check(text, fmt="markdown")] == []
    assert [f.rule_id for f in check("Unser Motto: Sturmvogel\n", fmt="markdown")] == ["PG101"]
