"""Web addresses in prose (postguard.urls): where they are, at the right offsets."""

from __future__ import annotations

import re
import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.urls import URL_CHARS, find_urls

# every code point but the surrogates, which no decoded text holds
_ALL = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def test_the_stdlib_class_of_address_characters_is_the_same_as_urls_own() -> None:
    """find_urls matches its addresses with the stdlib ``re`` on the lowered text: the class must hold
    the same code points as URL_CHARS (``regex``), and lowering must keep a character in or out."""
    from postguard.urls import _URL_CHARS_RE

    kept = regex.sub(URL_CHARS, "", _ALL)
    assert re.sub(_URL_CHARS_RE, "", _ALL) == kept
    single = "".join(c for c in _ALL if len(c.lower()) == 1)
    lowered = "".join(c.lower() for c in single)
    assert [m.start() for m in regex.finditer(URL_CHARS, single)] == [
        m.start() for m in regex.finditer(URL_CHARS, lowered)
    ]


def test_the_top_level_domain_class_is_what_the_host_pattern_folds_to_a_to_z() -> None:
    from postguard.urls import _TLD_SLASH

    letters = "".join(regex.findall(r"(?i)[a-z]", _ALL))
    assert "".join(re.findall(r"[A-Za-z\u0130\u017f\u212a]", _ALL)) == letters
    assert _TLD_SLASH.pattern == r"\.[A-Za-z\u0130\u017f\u212a]{2,24}/"


def test_addresses_in_prose() -> None:
    text = (
        "Mehr unter https://nordkap.example/shop, (siehe www.nordkap.example/faq) und "
        "nordkap.example/impressum. HTTP://X.EXAMPLE/A hTtPs://y.example/b"
    )
    assert [text[a:b] for a, b in find_urls(text)] == [
        "https://nordkap.example/shop",
        "www.nordkap.example/faq",
        "nordkap.example/impressum",
        "HTTP://X.EXAMPLE/A",
        "hTtPs://y.example/b",
    ]


def test_a_text_starting_with_a_slash_still_has_its_bare_addresses() -> None:
    text = "/ nordkap.example/impressum"
    assert [text[a:b] for a, b in find_urls(text)] == ["nordkap.example/impressum"]


def test_a_letter_that_lowers_to_two_characters_moves_no_address() -> None:
    """ "İ".lower() is two characters: the addresses after it stay where they are in the text."""
    text = "İstanbul: https://example.com/a und www.example.org/b"
    assert [text[a:b] for a, b in find_urls(text)] == ["https://example.com/a", "www.example.org/b"]


_PIECES = st.sampled_from(
    [
        "http://", "https://", "HTTP://", "hTtPſ://", "www.", "WwW.", "nordkap.example/", "a.de/", ".com/",
        "x", "K", "İ", "ä", "0", "-", "_", "@", ".", "/", ":", "(", ")", "[", "]", "<", ">", '"', "'",
        ",", ";", "!", "?", "„", "“", "»", " ", "\n", "\t", "\x1c", "\xa0",
    ]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=14).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT)
def test_addresses_are_found_at_the_same_offsets_in_a_longer_text(before: str, after: str) -> None:
    """A space ends every address: what is found in two texts is found, shifted, in the two joined
    by a space, whatever the first one holds."""
    shift = len(before) + 1
    expected = find_urls(before) + [(a + shift, b + shift) for a, b in find_urls(after)]
    assert find_urls(f"{before} {after}") == expected


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_each_address_is_one_trimmed_run_of_address_characters(text: str) -> None:
    spans = find_urls(text)
    assert spans == sorted(spans)
    for a, b in spans:
        found = text[a:b]
        assert regex.fullmatch(rf"{URL_CHARS}+", found)
        assert regex.match(r"(?i)https?://|www\.|[a-z0-9]", found)
        assert found[-1] not in ".,;:!?'\"”“’»«*_"  # trimmed, also before an unpaired ")"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("(see https://example.com/docs.)", "https://example.com/docs"),
        ("(http://example.com/a_)", "http://example.com/a"),
        ("https://en.wikipedia.org/wiki/Foo_(bar).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ],
)
def test_punctuation_before_an_unpaired_parenthesis_is_trimmed(text: str, address: str) -> None:
    assert [text[a:b] for a, b in find_urls(text)] == [address]
