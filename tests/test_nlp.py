"""Language detection and spaCy docs with lookup lemmas."""

from __future__ import annotations

from pathlib import Path

import pytest

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
