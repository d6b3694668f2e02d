"""The term matcher: what it must catch, what it must leave alone, and exact offsets."""

from __future__ import annotations

import itertools

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.terms import (
    COMPOUND,
    EXACT,
    INFLECTED,
    OBFUSCATED,
    SPACING,
    Pieces,
    TermIndex,
    blanked_blobs,
    build_index,
    split_pieces,
)

INDEX = build_index(
    [
        ("Sturmvogel", "SV", "word"),
        ("Projekt Eichhörnchen", "PE", "word"),
        ("Trekker T5", "T5", "word"),
        ("Nordkap Trekker T5", "NT5", "word"),
        ("TLP:RED", "TLP", "exact"),
        ("Intern", "INT", "label"),
        ("Polarfuchs", "PF", "word"),
    ]
)


def found(text: str, index: TermIndex = INDEX) -> list[tuple[str, str, str]]:
    out = []
    for m in index.find(Pieces(text)):
        out.append((text[m.start : m.end], m.variant, str(m.refs[0])))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sturmvogel startet", [("Sturmvogel", EXACT, "SV")]),
        ("STURMVOGEL startet", [("STURMVOGEL", EXACT, "SV")]),
        ("des Sturmvogels", [("Sturmvogels", INFLECTED, "SV")]),
        ("die Sturmvögel", [("Sturmvögel", EXACT, "SV")]),
        ("den Sturmvögeln", [("Sturmvögeln", INFLECTED, "SV")]),
        ("Stolz auf das #Sturmvogel-Team!", [("Sturmvogel", EXACT, "SV")]),
        ("Die Sturmvogeltests laufen", [("Sturmvogel", COMPOUND, "SV")]),
        ("Sturmv0gel kommt", [("Sturmv0gel", OBFUSCATED, "SV")]),
        ("the Sturmvogel's launch", [("Sturmvogel's", INFLECTED, "SV")]),
        ("two Polarfuchses", [("Polarfuchses", INFLECTED, "PF")]),
        ("#TrekkerT5", [("TrekkerT5", EXACT, "T5")]),
        ("der Trek-ker T5", [("Trek-ker T5", SPACING, "T5")]),
        ("trekker t5", [("trekker t5", EXACT, "T5")]),
        ("Der Nordkap Trekker T5 kommt", [("Nordkap Trekker T5", EXACT, "NT5")]),
        ("Projekt Eichhörnchen", [("Projekt Eichhörnchen", EXACT, "PE")]),
        ("#ProjektEichhörnchen", [("ProjektEichhörnchen", EXACT, "PE")]),
        ("TLP:RED", [("TLP:RED", EXACT, "TLP")]),
        # "fancy fonts" from LinkedIn post generators: mathematical bold/italic and full-width letters
        ("Unser 𝐒𝐭𝐮𝐫𝐦𝐯𝐨𝐠𝐞𝐥 startet", [("𝐒𝐭𝐮𝐫𝐦𝐯𝐨𝐠𝐞𝐥", EXACT, "SV")]),
        ("das 𝑺𝒕𝒖𝒓𝒎𝒗𝒐𝒈𝒆𝒍-Team", [("𝑺𝒕𝒖𝒓𝒎𝒗𝒐𝒈𝒆𝒍", EXACT, "SV")]),
        ("der Ｔｒｅｋｋｅｒ Ｔ５", [("Ｔｒｅｋｋｅｒ Ｔ５", EXACT, "T5")]),
    ],
)
def test_catches(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sturm über dem Meer",  # a prefix of the term is not the term
        "Sturmwarnung für morgen",  # an everyday word sharing the first letters
        "Sturmvogelei",  # a two-letter rest is an inflection of nothing we know
        "Trekker T4 und Trekker T50 und Trekker T5X",  # neighbouring model numbers
        "Eichhörnchen im Park",  # only the two-word term is indexed here
        "Trekker",  # half of a two-word term
        "Sturm. Vogel",  # a sentence boundary breaks the joining
        "TLP:REDS",  # exact mode: no inflection
        "Internet und interne Teams",  # label mode: no inflection or compounds
        "",
    ],
)
def test_leaves_alone(text: str) -> None:
    assert found(text) == []


def test_longest_match_wins_and_spans_do_not_overlap() -> None:
    text = "Nordkap Trekker T5, Trekker T5"
    assert [(s, r) for s, _, r in found(text)] == [("Nordkap Trekker T5", "NT5"), ("Trekker T5", "T5")]


def test_confidence_orders_the_variants() -> None:
    conf = {
        m.variant: m.confidence
        for t in ("Sturmvogel", "Sturmvogels", "Sturmvogeltests", "Sturmv0gel")
        for m in INDEX.find(Pieces(t))
    }
    assert conf[EXACT] > conf[INFLECTED] > conf[COMPOUND] > conf[OBFUSCATED]


def test_lemma_from_spacy_counts_as_inflection() -> None:
    index = build_index([("Mouse", "M", "word")])
    text = "Mice"
    assert [(m.variant, text[m.start : m.end]) for m in index.find(Pieces(text, {"Mice": "mouse"}))] == [
        (INFLECTED, "Mice")
    ]
    assert index.find(Pieces(text)) == []


def test_term_without_letters_is_refused() -> None:
    assert TermIndex().add("!!!", "x") is False


def test_hashed_keys_match_like_plain_ones() -> None:
    import hashlib

    def salted(key: str) -> str:
        return hashlib.sha256(b"salt:" + key.encode()).hexdigest()

    index = TermIndex(key_transform=salted)
    index.add("Sturmvogel", "SV")
    assert "sturmvogel" not in str(index.entries)
    assert [("Sturmvogel-Team"[m.start : m.end]) for m in index.find(Pieces("Sturmvogel-Team"))] == [
        "Sturmvogel"
    ]


WORDS = st.sampled_from(
    [
        "Sturmvogel",
        "Sturm",
        "#Sturmvogel-Team",
        "Trekker",
        "T5",
        "T4",
        "🚀",
        "Eichhörnchen",
        "Projekt",
        "und",
        "\n",
        "Sturmv0gel",
        "Trek-ker",
        "ümlaut",
        "é",
        "—",
        "TLP:RED",
        "  ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=12).map(" ".join))
def test_matches_are_well_formed(text: str) -> None:
    """Every match starts and ends on a letter or digit inside the text, and matches never overlap."""
    last = -1
    for m in INDEX.find(Pieces(text)):
        assert 0 <= m.start < m.end <= len(text)
        assert (text[m.start].isalnum() and text[m.end - 1].isalnum()) or text[m.end - 1] in "'’"
        assert m.start >= last
        last = m.end


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=12).map(" ".join), st.integers(2, 4))
def test_text_that_stands_again_is_matched_again(text: str, copies: int) -> None:
    """A scan that found nothing is not repeated where the same text stands again (repetitive
    markup): every copy of a text still gets the matches of the first, none lost or moved."""
    once = [(m.start, m.end, m.variant, m.refs) for m in INDEX.find(Pieces(text))]
    step = len(text) + 2  # copies apart by a blank line, which no term runs across
    again = [(m.start, m.end, m.variant, m.refs) for m in INDEX.find(Pieces("\n\n".join([text] * copies)))]
    assert again == [(a + k * step, b + k * step, v, r) for k in range(copies) for a, b, v, r in once]


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=16).map(" ".join), st.data())
def test_asking_around_a_span_finds_what_the_whole_pass_finds_there(text: str, data: st.DataObject) -> None:
    """find_around reads only the pieces near a span, yet misses no match of the whole pass over it."""
    pieces = Pieces(text)
    whole = INDEX.find(pieces)
    for m in whole:
        around = INDEX.find_around(pieces, m.start, m.end)
        assert (m.start, m.end) in [(a.start, a.end) for a in around]
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    around = {(a.start, a.end) for a in INDEX.find_around(pieces, start, end)}
    assert around == {(m.start, m.end) for m in whole if m.start < end and start < m.end and start < end}


def _pieces_by_definition(text: str) -> list[tuple[int, int]]:
    """Runs of letters, marks and digits, cut where a lower-case letter meets an upper-case one."""
    out = []
    for m in regex.finditer(r"[\p{L}\p{M}\p{N}]+", text):
        cuts = [
            m.start(),
            *(m.start() + b.start() for b in regex.finditer(r"(?<=\p{Ll})(?=\p{Lu})", m.group())),
            m.end(),
        ]
        out.extend(itertools.pairwise(cuts))
    return out


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "B", "ǅ", "5", "ä", "Ö", "o\u0308", "ß", "_", "-", " ", "#", "ǈ", "ℍ", "𝐒"]),
        max_size=16,
    ).map("".join)
)
def test_pieces_are_runs_of_letters_and_digits_cut_at_camel_case(text: str) -> None:
    assert split_pieces(text) == _pieces_by_definition(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=120), st.booleans(), st.booleans())
def test_an_ascii_text_is_cut_as_any_text_is(text: str, blob: bool, long: bool) -> None:
    # ASCII text is cut by translate and str.split, a text with "é" by the regex split: the same
    # pieces, gaps, joins and heads, whatever the characters (controls, "_", "+" and "/")
    if long:  # long words take the other way to the gaps
        text = regex.sub(r"([A-Za-z0-9])", r"\1" * 9, text)
    if blob:
        text += " " + "a/B+" * 11 + "9 "  # an encoded blob: no pieces on either path
    ascii_cut, regex_cut = Pieces(text), Pieces(text + "\n\u00e9")  # a line break joins nothing
    n = len(ascii_cut)
    assert len(regex_cut) == n + 1
    for name in ("starts", "ends", "norms", "deobs", "joined", "amps", "heads"):
        assert getattr(ascii_cut, name) == getattr(regex_cut, name)[:n], name
    assert list(zip(ascii_cut.starts, ascii_cut.ends, strict=True)) == _pieces_by_definition(
        blanked_blobs(text)
    )


def test_pieces_of_mixed_words() -> None:
    text = "#TrekkerT5, iPhone, ABCdef, Sturmv0gel-Team, Vo\u0308gel"
    assert [text[a:b] for a, b in split_pieces(text)] == [
        "Trekker",
        "T5",
        "i",
        "Phone",
        "ABCdef",
        "Sturmv0gel",
        "Team",
        "Vo\u0308gel",
    ]


def test_encoded_blobs_are_not_searched_but_the_words_around_them_are() -> None:
    blob = "QUJDREVGR0hTdHVybXZvZ2Vs" + "SturmvogelA1b2C3d4E5f6G7h8" + "J9k0L1m2N3o4P5q6R7s8T9u0v1W2x3Y4z5=="
    text = f"Sturmvogel: {blob}\nsee Sturmvogel"
    assert [(t, v) for t, v, _ in found(text)] == [("Sturmvogel", EXACT), ("Sturmvogel", EXACT)]
    # a run of 40 letters without a digit is a (long) word, not a blob
    assert [t for t, _, _ in found("SturmvogelSturmvogelSturmvogelSturmvogel")] != []
    assert [t for t, _, _ in found("SturmvogelSturmvogelSturmvogelSturmvoge1")] == []


@given(st.text(alphabet="aB3+/= \nSturmvogel", max_size=300))
@settings(max_examples=200, deadline=None)
def test_blanking_blobs_keeps_every_offset(text: str) -> None:
    out = blanked_blobs(text)
    assert len(out) == len(text)
    assert all(a == b or (b == " " and a in "aB3+/=Sturmvogel") for a, b in zip(text, out, strict=True))
    # every piece found in the blanked text is a piece of the text itself, at the same place
    pieces = Pieces(text)
    assert all(text[a:b].isalnum() for a, b in zip(pieces.starts, pieces.ends, strict=True))


@pytest.mark.parametrize("text", ["!" * 50, " " * 45, "-" * 40 + "/", "\u00ad" * 41])
def test_a_long_text_without_a_word_has_no_pieces(text: str) -> None:
    assert len(Pieces(text)) == 0
