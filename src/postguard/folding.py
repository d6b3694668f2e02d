"""How the term matcher folds a word: case, umlauts, accents, look-alike letters, invisible characters.

Every fold keeps one piece one piece: the matcher reports spans of the text's
own pieces, so a fold changes what is compared, never where a match lies.

Look-alike letters (Cyrillic "о" in "Sturmvоgel", Greek "Τ") are mapped with
the Unicode Consortium's confusables data (UTS #39), as shipped by the
maintained ``confusable-homoglyphs`` package (its ``confusables.json`` is
generated from ``confusables.txt``). That package was chosen over
``confusables`` (last release 2021, builds regexes of every variant, far
slower) and over shipping ``confusables.txt`` (a file to keep current by
hand): it gives a plain character table, read once, in about 20 ms.
"""

from __future__ import annotations

import unicodedata
from functools import cache

#: Characters people (or their tools) leave inside a word: soft hyphen, zero-width space,
#: non-joiner and joiner, word joiner, byte order mark.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_STRIP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "å": "a"})
#: The German transliteration a keyboard without umlauts gives: "Söhne" -> "Soehne".
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
UMLAUTS = frozenset("äöüÄÖÜ")

_NORM_CACHE: dict[str, str] = {}


def normalise_piece(piece: str) -> str:
    """Case-fold and fold umlauts, accents and look-alike letters: ``"Vögel"`` -> ``"vogel"``."""
    if piece.isascii():  # folds to its lower case: no cache (a base64 blob would flush it)
        return piece.lower()
    cached = _NORM_CACHE.get(piece)
    if cached is not None:
        return cached
    # look-alikes first, in their own case: Greek "Τ" is "T", its "τ" is no "t"
    s = piece.translate(_STRIP_INVISIBLE).translate(skeleton_table()).casefold().translate(FOLD)
    if not s.isascii():
        # NFKD also folds "fancy" letters (math bold 𝐒𝐭𝐮𝐫𝐦, full-width) to plain ones: fold case after it
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()
        s = s.translate(FOLD)
        if not s.isascii():
            s = s.translate(skeleton_table())
    if len(_NORM_CACHE) > 50_000:
        _NORM_CACHE.clear()
    _NORM_CACHE[piece] = s
    return s


@cache
def skeleton_table() -> dict[int, str]:
    """Non-ASCII letters and digits that look like one ASCII letter or digit, mapped to it.

    Built from UTS #39 data. Only characters outside ASCII are mapped, so "l",
    "1" and "I" (confusable with each other) stay what they are, and only to a
    single ASCII letter or digit, so "m" never becomes "rn".
    """
    from confusable_homoglyphs import confusables

    table: dict[int, str] = {}
    for char, targets in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or not char.isalnum():
            continue
        plain = [t["c"].strip("\u200e") for t in targets]
        ascii_ = [c for c in plain if len(c) == 1 and c.isascii() and c.isalnum()]
        if not ascii_:
            continue
        # a look-alike of the same case first: "о" -> "o", "Τ" -> "T"
        same = [c for c in ascii_ if c.isupper() == char.isupper() and c.isalpha()]
        table[ord(char)] = (same or ascii_)[0]
    return table


def translit_forms(term: str) -> set[str]:
    """Other spellings of ``term`` under German transliteration, both ways.

    "Kessler & Söhne" -> {"Kessler & Soehne"}; "Hofbraeu" -> {"Hofbräu"}.
    Only for terms with an umlaut or with "ae", "oe", "ue" after a consonant.
    """
    low = term.casefold()
    out: set[str] = set()
    if any(c in UMLAUTS or c == "ß" for c in low):
        out.add(low.translate(_TRANSLIT))
    back = _collapse(low)
    if back != low:
        out.add(back)
    out.discard(low)
    return out


def _collapse(low: str) -> str:
    out = []
    i = 0
    while i < len(low):
        pair = low[i : i + 2]
        if pair in ("ae", "oe", "ue") and i > 0 and low[i - 1].isalpha() and low[i - 1] not in "aeiouq":
            out.append({"ae": "ä", "oe": "ö", "ue": "ü"}[pair])
            i += 2
            continue
        out.append(low[i])
        i += 1
    return "".join(out)


def umlaut_count(text: str) -> int:
    """How many umlauts ``text`` has (also as a letter plus a combining diaeresis)."""
    return sum(c in UMLAUTS for c in text) + text.count("\u0308")


def everyday_word(word: str) -> bool:
    """Whether ``word`` is common German or English (wordfreq Zipf frequency 2.5 or more, about
    one in 3 million words): such a word alone never stands for a multi-word name."""
    import wordfreq

    return max(wordfreq.zipf_frequency(word, "de"), wordfreq.zipf_frequency(word, "en")) >= 2.5
