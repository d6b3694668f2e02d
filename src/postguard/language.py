"""Which language a draft is in: German or English, and whether it mixes both.

The language comes from lingua (lingua-language-detector), a maintained identifier built for short
texts, with only German and English loaded. A text too short (one word) or too ambiguous to tell
("OK", "Hallo.") gets the caller's default: the channel's language, else the config's, else English.
Function words ("und", "the") decide first when they are unambiguous, since a German codename
can tip lingua on a short English post; they also judge whether a draft mixes both languages,
which lingua's per-word multi-language mode would do at several times the cost.

Measured on 500 short real posts per language (docs/quality.md, "Language detection";
``python bench/bench_language.py`` reruns it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postguard.folding import normalise_piece
from postguard.pieces import Pieces

if TYPE_CHECKING:
    from lingua import LanguageDetector

SUPPORTED: tuple[str, ...] = ("de", "en")
#: Below this confidence (lingua's, 0.5-1 between two languages) the text is too short to tell.
MIN_CONFIDENCE = 0.75
#: A text of fewer words is too short to tell ("Hallo." is German and English alike).
MIN_WORDS = 2
#: lingua reads this many characters at most: the start of a long draft decides, at a bounded cost.
SAMPLE = 2000
#: Function words also decide a text where one language has at least this many of them and
#: DOMINANT_RATIO times as many as the other ("Das Team zeigt auf der Messe neue Jacken" is
#: German although "team" is an English function word). On the 1,000 posts of
#: docs/quality.md they decided 874 texts, none wrongly; lingua decides the rest, at 1-3 s to load
#: its models in a fresh process and about 2 ms per 300-word draft.
DOMINANT_WORDS = 3
DOMINANT_RATIO = 3

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters (stdlib re: faster than regex here)
_STOP = {
    "de": frozenset(
        "der die das und ist nicht ein eine einen einem mit auf für wir ich sie es zu den dem des "
        "im von sich auch bei noch nach wie aus unsere unser unseren unserem heute wird werden "
        "sind war hat haben kann können über dass oder aber nur jetzt schon mehr neue neuen neues "
        "bis vom zum zur am um als so was wer euch ihr mein meine dieser diese dieses gibt freuen "
        "endlich ".split()
    ),
    "en": frozenset(
        "the and is are to of in for with on we our you this that it be at from will have has new "
        "an as by not but or can was were been my your their they he she his her its just now more "
        "today so what who all about into out up proud excited team very get got here there ".split()
    ),
}

_ONLY = {
    lang: _STOP[lang] - frozenset().union(*(_STOP[o] for o in SUPPORTED if o != lang)) for lang in SUPPORTED
}
#: The same words normalised as :class:`postguard.pieces.Pieces` normalises a text's words ("für" is
#: "fur"), for counting over the pieces the engine cut already.
_ONLY_FOLDED = {lang: frozenset(map(normalise_piece, words)) for lang, words in _ONLY.items()}
assert all(not (_ONLY_FOLDED[a] & _ONLY_FOLDED[b]) for a in SUPPORTED for b in SUPPORTED if a != b)
#: Function words are counted over the first this many characters of a draft.
COUNTED = 20000


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The draft's language, whether it mixes German and English, and how sure the guess is.

    ``scores`` are lingua's confidence per language (summing to 1, or all 0 for a text without
    letters); ``decided`` is false when the text was too short to tell and ``lang`` is the default.
    """

    lang: str
    mixed: bool
    scores: Mapping[str, float]
    decided: bool = True


@functools.cache
def detector() -> LanguageDetector:
    """lingua with German and English only, built once per process (models load on first use)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()


def identify(text: str, default: str = "en", counts: Mapping[str, int] | None = None) -> LanguageGuess:
    """German or English; ``default`` when the text is too short or too ambiguous to tell.

    Function words decide first when they are unambiguous (at least two of one language and none of
    the other, or many of one and few of the other): a German codename must not make "Proud of the
    Sturmvogel team!" German. Otherwise lingua decides. ``counts``: the text's
    :func:`function_words` when the caller has them.
    """
    counts = _function_words(text) if counts is None else counts
    de, en = counts["de"], counts["en"]
    minor, major = min(de, en), max(de, en)
    mixed = minor >= 2 and minor >= 0.3 * major
    if major >= 2 and (minor == 0 or (major >= DOMINANT_WORDS and minor * DOMINANT_RATIO <= major)):
        lang = "de" if de > en else "en"
        return LanguageGuess(lang, mixed, {x: float(x == lang) for x in SUPPORTED})
    sample = text[:SAMPLE]
    scores = {lang: 0.0 for lang in SUPPORTED}
    if any(ch.isalpha() for ch in sample):
        for value in detector().compute_language_confidence_values(sample):
            code = value.language.iso_code_639_1.name.lower()
            if code in scores:
                scores[code] = value.value
    best = max(SUPPORTED, key=scores.__getitem__)
    decided = scores[best] >= MIN_CONFIDENCE and len(_WORD.findall(sample, 0, 200)) >= MIN_WORDS
    return LanguageGuess(best if decided else default, mixed, scores, decided)


def is_mixed(text: str, counts: Mapping[str, int] | None = None) -> bool:
    """Whether a draft mixes German and English: both languages' function words, the minor one at
    least twice and at least 30 % as often as the major one. ``counts`` as for :func:`identify`."""
    counts = _function_words(text) if counts is None else counts
    minor, major = min(counts.values()), max(counts.values())
    return minor >= 2 and minor >= 0.3 * major


def _function_words(text: str) -> dict[str, int]:
    """How many function words of each language the text has; a word of both ("was", "so") counts
    for neither. The same count as the engine's, which has the text's pieces already."""
    return function_words(Pieces(text).whole_words(COUNTED))


def function_words(words: Sequence[str]) -> dict[str, int]:
    """How many function words of each language a text's normalised words have (``Pieces.whole_words``
    of its first :data:`COUNTED` characters): the engine cuts a draft into pieces once, for this and
    the matchers."""
    return {lang: sum(map(_ONLY_FOLDED[lang].__contains__, words)) for lang in SUPPORTED}
