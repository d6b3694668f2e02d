"""Language detection and spaCy docs with lookup lemmas."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.errors import ConfigError
from postguard.nlp import LEMMAS_KEY, NLP, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wir freuen uns sehr über die neue Saison und danken allen.", "de"),
        ("We are thrilled to share what our team has been working on.", "en"),
        ("Grüße aus Köln", "de"),
        ("Proud of the team! #launch", "en"),
    ],
)
def test_detects_language(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_mixed_draft_is_flagged() -> None:
    guess = detect_language(
        "Wir sind so stolz auf das Team und die neue Saison. We are proud of the team and the launch."
    )
    assert guess.mixed


def test_doc_has_lookup_lemmas_in_both_languages(tmp_path: Path) -> None:
    nlp = NLP(directory=tmp_path)
    doc = nlp.make_doc("Die Kinder spielten mit den Häusern.", "de")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Kinder"] == "Kind" and lemmas["spielten"] == "spielen" and lemmas["Häusern"] == "Haus"
    assert doc.user_data[LEMMAS_KEY]["Kinder"] == "Kind"
    doc = nlp.make_doc("The mice were running.", "en")
    assert {t.text: t.lemma_ for t in doc}["mice"] == "mouse"
    assert list(tmp_path.glob("lemmas-de-*.sqlite"))  # built once, reused by later processes


def test_mixed_doc_fills_lemmas_from_the_other_language(tmp_path: Path) -> None:
    nlp = NLP(directory=tmp_path)
    doc = nlp.make_doc("Die Kinder and the mice.", "de", also=("en",))
    assert {t.text: t.lemma_ for t in doc}["mice"] == "mouse"


def test_trained_pipeline_must_be_installed(tmp_path: Path) -> None:
    nlp = NLP({"de": "de_core_news_nonexistent"}, directory=tmp_path)
    with pytest.raises(ConfigError, match="not installed"):
        nlp.make_doc("Hallo", "de")


_ALPHABET = "aäZ1_ !?.,;:()\"'-/@#+=\n\t😀🚀\u0301"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200))
def test_tokens_cover_the_text_exactly(text: str) -> None:
    """Whatever the text (costly runs cut by postguard, prose by spaCy), the Doc is the text."""
    doc = NLP().make_doc(text, "de")
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


@pytest.mark.parametrize(
    "text",
    ["!" * 40_000, "😀" * 40_000, "a" * 1_100_000, "Q2FmZQ+/" * 5_000, "Wir sind (s.o.) stolz!!!! " * 500],
)
def test_costly_runs_are_cut_and_long_texts_accepted(text: str) -> None:
    """Runs spaCy would strip affix by affix are cut linearly; spaCy's max_length is not applied."""
    doc = NLP().make_doc(text, "en")
    assert doc.text == text
    assert len(doc) <= len(text) // 2 + 1  # not one token per character: runs are grouped


def test_prose_keeps_spacys_tokens() -> None:
    text = "Wir freuen uns, z.B. auf das Treffen (heute) mit dem Team! https://example.com/a"
    import spacy

    assert [t.text for t in NLP().make_doc(text, "de")] == [t.text for t in spacy.blank("de")(text)]
