"""The personal-data check (PG701-PG707): persons' addresses and numbers, validated; roles and examples left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.checks.personal import is_card, is_rvnr


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Fragen gern an anna.schmidt@gmail.com", "PG701"),
        ("Ruft mich an: 0151 23456789", "PG702"),
        ("Tel. +49 30 12345678", "PG702"),
        ("Call me: +43 664 1234567", "PG702"),
        ("Telefon +41 44 668 18 00", "PG702"),
        ("Überweisung an DE44 5001 0517 5407 3249 31", "PG703"),
        ("Überweisung an DE44500105175407324931", "PG703"),
        ("Karte 4929 1234 5678 9015", "PG704"),
        ("Meine Steuer-ID: 86095742719", "PG705"),
        ("SV-Nummer 65 170839 J 003", "PG706"),
    ],
)
def test_personal_data_is_caught_and_masked(check, text: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    [f] = check(text)
    assert f.rule_id == rule and f.sensitive and "…" in f.match
    assert f.match != text[f.start : f.end]


@pytest.mark.parametrize(
    "text",
    [
        "Schreibt an presse@nordkap.de, jobs@nordkap.de oder support-de@nordkap.de",
        "Kontakt: max.mustermann@web.de",
        "Folgt uns: @nordkap@mastodon.social",
        "Überweisung an DE44 5001 0517 5407 3249 32",  # check digits wrong
        "Karte 4929 1234 5678 9012",  # Luhn wrong
        "Die Testkarte 4242 4242 4242 4242",
        "Steuer-ID 86095742718",  # check digit wrong
        "Am 01.02.2027 um 10 Uhr, 10115 Berlin",
        "Ruft die 112 an",
        "Bestellnummer 86095742719",  # valid IdNr shape, but no cue: confidence below the default minimum
    ],
)
def test_roles_examples_and_invalid_numbers_are_left_alone(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert check(text) == []


def test_checksums() -> None:
    assert is_card("4929123456789015") and not is_card("4929123456789012")
    assert not is_card("1234567812345670")  # Luhn-valid, but no card network
    assert is_rvnr("65170839J003") and not is_rvnr("65170839J004")


def test_pack_keys_public_numbers_company_domains_and_patterns(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "acme.toml"
    pack.write_text(
        "[pack]\nname = 'acme'\n[personal]\npublic_numbers = ['+49 30 12345678', 'DE44 5001 0517 5407 3249 31']\n"
        "public_addresses = ['kim.meyer@acme.de']\ncompany_domains = ['acme.de']\n"
        "[[personal.pattern]]\nname = 'Kundennummer'\npattern = '\\bKD-\\d{6}\\b'\n",
        encoding="utf-8",
    )
    engine = Engine(Config(packs=(pack,)))
    text = "Tel. 030 12345678, DE44500105175407324931, kim.meyer@acme.de, jonas.weber@acme.de, KD-123456"
    found = [(f.rule_id, f.severity.value) for f in lint(engine, text).findings]
    assert found == [("PG701", "info"), ("PG707", "warning")]


def test_a_bad_region_names_the_key(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.errors import ConfigError

    pack = tmp_path / "acme.toml"
    pack.write_text("[personal]\nregions = ['DE', 'XX']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"personal\.regions\[1\]"):
        Engine(Config(packs=(pack,)))


@pytest.mark.parametrize("text", ["Handy 0049 170 1234567", "WhatsApp: +49 176 12345678"])
def test_long_international_numbers_are_phones_not_card_candidates(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [f.rule_id for f in check(text)] == ["PG702"]


def test_a_single_word_mailbox_at_an_organisation_is_not_reported(check) -> None:  # type: ignore[no-untyped-def]
    assert check("Schreibt an berlin@correlaid.org oder ffhb@irc.hackint.org") == []
    assert [f.rule_id for f in check("Schreibt an garrx@gmail.com")] == ["PG701"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 -+()./ADEX\t", max_size=40))
def test_the_number_scans_skipped_without_a_digit_pair_could_not_have_matched(text: str) -> None:
    from postguard.checks import personal

    if personal._DIGIT_PAIR.search(text) is None:
        for pattern in (personal._IBAN, personal._CARD_CANDIDATE, personal._RVNR, personal._IDNR):
            assert pattern.search(text) is None
        if "+" not in text:
            assert personal._PHONE.search(text) is None
