"""What a term match is: its variants and their confidence, the stored entry, overlap resolution.

Shared by :mod:`postguard.terms` (the matcher) and the hashed packs (:mod:`postguard.rulepacks.hashed`),
which store the same entries under keyed hashes.

Variants and their confidence:

* ``exact``       the text's pieces are the term's pieces (case, hashtag,
                  CamelCase and separators aside)                          1.0
* ``inflected``   a German or English inflection suffix, or the token's
                  spaCy lookup lemma, leads to the term                    0.9
* ``spacing``     same letters, other piece boundaries ("Trek-ker T5")     0.85
* ``compound``    the term starts a closed compound ("Sturmvogeltests");
                  only for terms of 6+ letters with a remainder of 3+
                  letters or of digits ("Gipfelsturm2027"); a distinctive
                  term may also end one ("Projektgipfelsturm")             0.75
* ``transliterated`` "ae/oe/ue/ss" for "ä/ö/ü/ß" or back ("Soehne")   0.9
* ``obfuscated``  digits inside a word read as letters ("Sturmv0gel")      0.7
* ``typo``        one edit in a distinctive term of 8+ letters ("Sturmvgoel"),
                  see :mod:`postguard.typos`                               0.6
* ``part``        the distinctive last word of a multi-word name alone
                  ("#Bergfeuer" for "Kollektion Bergfeuer")                0.6
* ``model``       a model number near its product family ("Trailrunner-Fans:
                  der X9 kommt" for "Trailrunner X9")                      0.6
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from postguard.pieces import Pieces

EXACT = "exact"
INFLECTED = "inflected"
TRANSLIT = "transliterated"
SPACING = "spacing"
COMPOUND = "compound"
OBFUSCATED = "obfuscated"
TYPO = "typo"
PART = "part"
MODEL = "model"

CONFIDENCE: dict[str, float] = {
    EXACT: 1.0,
    INFLECTED: 0.9,
    TRANSLIT: 0.9,
    SPACING: 0.85,
    COMPOUND: 0.75,
    OBFUSCATED: 0.7,
    TYPO: 0.6,
    PART: 0.6,
    MODEL: 0.6,
}

#: Which variants each matching mode accepts.
MODES: dict[str, frozenset[str]] = {
    "word": frozenset(CONFIDENCE),
    "exact": frozenset({EXACT, TRANSLIT}),
    "label": frozenset({EXACT, TRANSLIT}),
}


#: What an index's entries refer to: an entry number of the pack (confidential, embargo, context and
#: allow indexes) or the phrase itself (idioms, history words).
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class TermMatch(Generic[R]):
    """A match of an indexed term: offsets into the text, the key and what it refers to."""

    start: int
    end: int
    key: str
    variant: str
    confidence: float
    refs: tuple[R, ...]


class Entry(NamedTuple, Generic[R]):
    """What one stored key stands for."""

    ref: R
    mode: str
    lengths: tuple[int, ...] | str  # a hashed pack: the hash of shape_key(key, lengths)
    form: str = EXACT  # EXACT, or the variant this key is (TRANSLIT, PART, MODEL)
    umlauts: int = 0  # umlauts in the term as written: more in the text with -er is a derivation
    typos: bool = False  # a distinctive term: typos and leading words count
    family: str | None = None  # MODEL: the stored key of the product family that must be near


#: A closed compound: a term of this many letters or more, then a rest of at least MIN_COMPOUND_REST.
MIN_COMPOUND_TERM = 6
MIN_COMPOUND_REST = 3
#: The German and English inflection suffixes a term may carry ("Sturmvogels", "Trekkern").
SUFFIXES = ("e", "s", "es", "n", "en", "er", "ern", "ens", "ns", "nen")
#: The suffixes by their last letter: a word is tested only against those it may end with.
SUFFIXES_BY_LAST = {c: tuple(x for x in SUFFIXES if x.endswith(c)) for c in {x[-1] for x in SUFFIXES}}
#: Suffixes that, with an umlaut the term does not have, make a new word: "Gipfelstürmer".
DERIVING = ("er", "ern")
#: Rests of a closed compound that derive a word rather than add one: "Gipfelsturmerin", "-isch".
DERIVATIONS = frozenset(
    "er erin erinnen ern ers ung ungen isch ische ischen ischer lich liche lichen heit keit".split()
)


def weakest_variant(*variants: str | None) -> str:
    """The least confident of the given variants (a match is as weak as its weakest step)."""
    return min((v for v in variants if v), key=CONFIDENCE.__getitem__)


def spaced_key(key: str, lengths: tuple[int, ...]) -> str:
    """A key cut into its pieces again, joined by spaces: ``("trekkert5", (7, 2))`` -> ``"trekker t5"``."""
    out, at = [], 0
    for n in lengths:
        out.append(key[at : at + n])
        at += n
    return " ".join(out)


def shape_key(key: str, lengths: tuple[int, ...]) -> str:
    """What a hashed index stores for a term's piece boundaries: ``"|trekker t5"``.

    The ``|`` (never part of a key) keeps it apart from the key's own hash, so that a one-piece
    term's two hashes do not give away that it is one word.
    """
    return "|" + spaced_key(key, lengths)


def resolve_matches(found: list[TermMatch[R]]) -> list[TermMatch[R]]:
    """Keep non-overlapping matches: leftmost first, then longest, then most confident."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start), -m.confidence))
    out: list[TermMatch[R]] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
    return out


MODEL_WINDOW = 8  # pieces between a model number and its product family
#: Indefinite articles and "no": a name's last word after one is a common noun ("ein Bergfeuer zur
#: Sonnenwende", "a storm"), not the product "Kollektion Bergfeuer". A closed class of grammar, like
#: the function words of language detection, so kept here rather than in a pack.
_INDEFINITE = frozenset(
    "ein eine einen einem einer eines kein keine keinen keinem keiner keines a an".split()
)


def after_indefinite(pieces: Pieces, i: int) -> bool:
    """Whether piece ``i`` follows an indefinite article ("ein Bergfeuer"), in the same phrase."""
    return i > 0 and pieces.joined[i] and pieces.norms[i - 1] in _INDEFINITE


def near_family(pieces: Pieces, i: int, family: str | None, stored: Callable[[str], str]) -> bool:
    """Whether the product family's key is among the pieces near piece ``i``."""
    norms = pieces.norms
    lo, hi = max(0, i - MODEL_WINDOW), min(len(norms), i + MODEL_WINDOW + 1)
    return any(k != i and stored(norms[k]) == family for k in range(lo, hi))
