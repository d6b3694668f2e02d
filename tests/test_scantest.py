"""The cheap tests that let the secret check skip scans: they must never skip a scan that would match."""

from __future__ import annotations

import tomllib
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.checks.scantest import ODD_FOLDS, Words, ascii_fold, odd_folds, required

ROOT = Path(__file__).resolve().parents[1]
TOKENS = tomllib.loads((ROOT / "rules/default.toml").read_text(encoding="utf-8"))["secrets"]["token"]
WORDS = ["passwort", "PW", "Zugang", "user", "passwörter", "api_key", "secret", "ss", "Straße", "kelvin"]
# text made of what the folding cares about: ASCII, ß, umlauts, the odd folds, dashes and quotes
ALPHABET = "aAsSkKpPwWöÖüß_- „“" + ODD_FOLDS[:6] + "\u212a\u017f"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + "ortzugnie", max_size=40), st.sampled_from([*WORDS, "ſ", "k", "ssw"]))
def test_word_test_answers_as_casefold_does(text: str, word: str) -> None:
    for squeeze in (False, True):
        words = Words.of([word, "zzz"], squeeze=squeeze)
        folded = text.casefold()
        if squeeze:
            folded = folded.replace("_", "").replace("-", "")
        expected = any(w.casefold() in folded for w in (word, "zzz"))
        assert words.any_in(text, ascii_fold(text)) is expected


def test_a_word_that_contains_another_is_left_out() -> None:
    assert Words.of(["user", "username", "Benutzer", "nutzer"]).words == ("user", "nutzer")


def test_the_fold_is_told_only_when_exact() -> None:
    assert ascii_fold("Paßwort „X“") == "passwort „x“".encode()
    assert ascii_fold("ﬁle") is None  # the ligature folds to "fi": casefold itself is used


def test_default_token_shapes_have_a_test() -> None:
    assert all(required(regex.compile(t["pattern"], regex.VERSION1)) is not None for t in TOKENS)


def test_regex_only_syntax_gets_no_test() -> None:
    for source in (r"\p{Lu}{3}-\d+", r"(?:abc){e<=1}", r"[[a-z]--[aeiou]]x", r"(?|ab|cd)"):
        assert required(regex.compile(source, regex.VERSION1)) is None


def test_case_is_ignored_where_the_pattern_ignores_it() -> None:
    test = required(regex.compile(r"(?i:account)Key=\d+", regex.VERSION1))
    assert test is not None and test.maybe_in("ACCOUNTKEY=1", ascii_fold("ACCOUNTKEY=1"))
    test = required(regex.compile(r"AKIA[A-Z0-9]{16}", regex.VERSION1))
    assert test is not None and not test.maybe_in("akia", ascii_fold("akia"))


_SAMPLES = {
    "AWS access key": "AKIAZ7QK3MXW9PLR2TBV",
    "GitHub token": "ghp_" + "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4",
    "Azure connection string": "sharedaccesskey=" + "Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy2Za4Bc6De8",
    "private key": "-----BEGIN RSA PRIVATE KEY-----" + "MIIEow" * 10 + "-----END RSA PRIVATE KEY-----",
}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30), st.sampled_from(sorted(_SAMPLES)))
def test_a_text_a_token_shape_matches_is_never_skipped(before: str, after: str, name: str) -> None:
    for token in TOKENS:
        pattern = regex.compile(token["pattern"], regex.VERSION1)
        test = required(pattern)
        assert test is not None
        for text in (before + _SAMPLES[name] + after, before + after):
            if pattern.search(text):
                assert test.maybe_in(text, ascii_fold(text)), (token["name"], text)


def test_the_written_out_odd_folds_are_those_of_this_pythons_unicode() -> None:
    assert odd_folds() == ODD_FOLDS
