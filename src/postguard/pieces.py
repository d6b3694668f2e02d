"""A text cut into pieces: the runs of letters and digits every term matcher reads.

:class:`Pieces` computes, once per draft, each piece's offsets, its normalised form (case, umlauts,
accents and look-alikes folded: :mod:`postguard.folding`), whether it is joined to the one before
("Sturm-Vogel", "Sturm Vogel"), its digits read as letters ("5turmv0gel") and its lemma; and the
first four letters of every run of joined pieces, which :class:`postguard.terms.TermIndex` uses to
skip every place no term can start. Encoded blobs (base64, hex) are not cut into pieces.

Built for cost: a 300-word draft is cut in one ``split`` and a few comprehensions, no Python loop
with branches per word (see docs/benchmarks.md, "Engine").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate, compress, repeat
from operator import is_not, itemgetter
from typing import NamedTuple, cast

import regex

from postguard.folding import INVISIBLE
from postguard.folding import normalise_piece as normalise_piece

#: Words joining the parts of a name: read as "&" between parts, in terms and in text alike, so
#: "Kessler und Söhne" is "Kessler & Söhne" but "Hofbräu und Logistik" is not "Hofbräu Logistik".
JOINERS = frozenset({"und", "and", "n"})
AMP = "&"

_MARK_RE = regex.compile(r"\p{M}")
_HAS_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_CAMEL_RE = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
_CAMEL_ASCII = re.compile(r"(?<=[a-z])(?=[A-Z])")  # the same for an ASCII word, with the faster stdlib
#: Whether an ASCII text has a camel-case place at all (a small letter before a capital is always inside
#: a word; for other text the ``regex`` search for one cost more than the loop over the words it spares).
_CAMEL_IN_ASCII = re.compile(r"[a-z][A-Z]")
_JOINABLE_GAP = regex.compile(
    rf"[ \t\u00a0\u202f\-\u2010\u2011\u2012\u2013#_/:+&＆＋.'’\"„“”‚‘«»‹›{INVISIBLE}]{{0,4}}"
)
_DEOBFUSCATE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_INNER_DIGIT = regex.compile(r"\p{L}\d+\p{L}")


def _deobfuscate(norm: str) -> str | None:
    if norm.isalpha() or norm.isdigit() or not _INNER_DIGIT.search(norm):
        return None
    return norm.translate(_DEOBFUSCATE)


# A piece: a run of letters and digits (with combining marks; across invisible characters), as
# the one group of a split pattern, so that the split gives the pieces and the gaps between them.
_PIECE_FAST_SPLIT = re.compile(r"([^\W_]+)")
_WORD_SPLIT = re.compile(r"(\w+)")
_PIECE_RE_SPLIT = regex.compile(r"([\p{L}\p{M}\p{N}]+)")
_PIECE_INVISIBLE_SPLIT = regex.compile(
    rf"([\p{{L}}\p{{M}}\p{{N}}]+(?:[{INVISIBLE}]+[\p{{L}}\p{{M}}\p{{N}}]+)*)"
)


def split_pieces(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the pieces of ``text``.

    Invisible characters inside a word (soft hyphen, zero-width space) do not cut it.
    """
    starts, ends, _, _ = _cut(text)
    return list(zip(starts, ends, strict=True))


def blanked_blobs(text: str) -> str:
    """``text`` with encoded blobs (base64, hex digests, keys: a run of 40 or more letters, digits,
    "+" and "/" with a digit in it) turned into spaces, offsets unchanged.

    No one writes a codename inside base64; such a blob is hundreds of camel-case "words" that
    cost the matchers seconds per MB. The secret check reads the text itself, blobs included.
    """
    if len(text) < BLOB_MIN or not _may_hold_blob(text):
        return text
    spans = [m.span() for m in _BLOB.finditer(text) if _DIGIT.search(text, *m.span())]
    if not spans:
        return text
    parts: list[str] = []
    at = 0
    for a, b in spans:
        parts += (text[at:a], " " * (b - a))
        at = b
    parts.append(text[at:])
    return "".join(parts)


#: The shortest run :func:`blanked_blobs` reads as an encoded blob (a SHA-1 in hex is 40).
BLOB_MIN = 40
_BLOB = re.compile(rf"[A-Za-z0-9+/]{{{BLOB_MIN},}}=*")
_DIGIT = re.compile(r"[0-9]")


def _cut(text: str, *, blobs: bool = False) -> tuple[list[int], list[int], list[str], list[str]]:
    """The pieces of ``text``: their starts, ends and words, and the gaps between them.

    One ``split`` (in C; for ASCII text, ``translate`` and ``str.split``) gives words and gaps
    alike, their offsets are the running sum of their lengths: a Python loop per word costs more
    than the whole split of a 300-word draft.
    ``blobs``: cut the text as :func:`blanked_blobs` would leave it.
    """
    if text.isascii():
        if blobs and len(text) >= BLOB_MIN and (blanked := blanked_blobs(text)) is not text:
            return _cut(blanked)  # (looked for before the cut: a text with a blob is cut once)
        return _camel_cut(text, *_ascii_cut(text))
    # Python's own ``re`` finds runs of letters and digits faster than ``regex``; its ``[^\W_]`` is
    # \p{L} and \p{N} (Unicode as of this Python), without the combining marks of decomposed text.
    # Without an underscore, ``\w`` is the same and cheaper to match.
    parts: list[str] = (_PIECE_FAST_SPLIT if "_" in text else _WORD_SPLIT).split(text)
    # invisible characters and combining marks are never part of a ``\w`` run: they stand in
    # the gaps, so only the gaps beyond ASCII (few and short) are searched for them
    odd = "".join(g for g in set(parts[0::2]) if not g.isascii())
    if odd and _HAS_INVISIBLE.search(odd):
        parts = _PIECE_INVISIBLE_SPLIT.split(text)
    elif odd and _MARK_RE.search(odd):
        parts = _PIECE_RE_SPLIT.split(text)
    # a blob's run of 40 or more "[A-Za-z0-9+/]" is one word unless a "+" or "/" stands in it
    if (
        blobs
        and len(text) >= BLOB_MIN
        and ("/" in text or "+" in text or max(map(len, parts[1::2]), default=0) >= BLOB_MIN)
    ):
        blanked = blanked_blobs(text)
        if blanked is not text:
            return _cut(blanked)
    return _camel_cut(text, *_split_parts(parts))


def _split_parts(parts: list[str]) -> tuple[list[int], list[int], list[str], list[str]]:
    """The starts, ends, words and gaps of a split's parts (gap, word, gap, ..., word, gap)."""
    offsets = list(accumulate(map(len, parts)))
    return offsets[0:-1:2], offsets[1::2], parts[1::2], parts[2:-1:2]


def _ascii_cut(text: str) -> tuple[list[int], list[int], list[str], list[str]]:
    """The starts, ends, words and gaps of an ASCII text, as ``_cut``'s split gives them.

    Two ``translate`` calls and two ``split`` calls, all in C: a regex split costs about five times
    as much (400 instructions per character of minified HTML, most of it trying the pattern at
    each character). The words are the runs of ASCII letters and digits (``\\w`` without "_"), the
    gaps the runs between them.
    """
    words = text.translate(_ASCII_NON_WORD_TO_SPACE).split()
    if not words:
        return [], [], [], []
    if len(text) >= 8 * len(words):
        # long words (a 1 MB "word"): few parts, which the regex split finds at little cost per
        # letter, where the split below makes an empty string per letter
        return _split_parts(_ASCII_SPLIT.split(text))
    lengths = [0] * (2 * len(words) - 1)  # word, gap, word, ..., word
    lengths[0::2] = map(len, words)
    # every word character read as "a": the rest of the text falls apart into the gaps (and empty
    # strings where two word characters meet, dropped in C)
    runs = list(filter(None, text.translate(_ASCII_WORD_TO_A).split("a")))
    lead = 0 if text[0].isalnum() else len(runs[0])
    first = 1 if lead else 0
    gaps = runs[first : first + len(words) - 1]
    lengths[1::2] = map(len, gaps)
    offsets = list(accumulate(lengths, initial=lead))
    return offsets[0::2], offsets[1::2], words, gaps


_ASCII_NON_WORD_TO_SPACE = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
_ASCII_SPLIT = re.compile(r"([A-Za-z0-9]+)")
_ASCII_WORD_TO_A = str.maketrans({c: "a" for c in map(chr, range(128)) if c.isalnum()})
_BLOB_CHAR_TO_A = str.maketrans({c: "a" for c in map(chr, range(128)) if c.isalnum() or c in "+/"})


def _may_hold_blob(text: str) -> bool:
    """Whether ``text`` has a run of :data:`BLOB_MIN` characters of ``[A-Za-z0-9+/]``: one
    ``translate`` and a substring search in C, where ``_BLOB`` tried its pattern at every character."""
    return "a" * BLOB_MIN in text.translate(_BLOB_CHAR_TO_A)


def _camel_cut(
    text: str, starts: list[int], ends: list[int], words: list[str], gaps: list[str]
) -> tuple[list[int], list[int], list[str], list[str]]:
    """The pieces, with each camel-case word ("iPhone", "TrekkerT5") cut at its capitals."""
    # a word is one piece unless a small letter is followed by a capital ("iPhone", "McKinsey"):
    # lower-case, title-case, upper-case and digit-only words have no such place, and a text
    # without one anywhere (one search in C) spares the loop over its words
    camel: list[int] = []
    if not text.isascii() or _CAMEL_IN_ASCII.search(text):
        # the distinct words that are not all lower case, judged in Python once each
        mixed = {w for w in set(words) if not (w.islower() or w.istitle() or w.isupper() or w.isdigit())}
        camel = list(compress(range(len(words)), map(mixed.__contains__, words))) if mixed else []
    if not camel:
        return starts, ends, words, gaps
    s2: list[int] = []
    e2: list[int] = []
    w2: list[str] = []
    g2: list[str] = []
    at = 0
    for k in camel:
        s2 += starts[at:k]
        e2 += ends[at:k]
        w2 += words[at:k]
        g2 += gaps[at:k]
        word, start = words[k], starts[k]
        camel_re = _CAMEL_ASCII if word.isascii() else _CAMEL_RE
        cuts = [0, *(m.start() for m in camel_re.finditer(word)), len(word)]
        for x, y in itertools.pairwise(cuts):
            s2.append(start + x)
            e2.append(start + y)
            w2.append(word[x:y])
            g2.append("")
        g2[-1:] = gaps[k : k + 1]  # the gap after the word (none after the last one)
        at = k + 1
    s2 += starts[at:]
    e2 += ends[at:]
    w2 += words[at:]
    g2 += gaps[at:]
    return s2, e2, w2, g2


def term_pieces(term: str) -> list[str]:
    """The normalised pieces of a term, without joiners between its parts ("Kessler und Söhne")."""
    return [n for n in _term_parts(term) if n != AMP]


def _term_parts(term: str) -> list[str]:
    """The normalised pieces of a term, with :data:`AMP` where a joiner ("&", "+", "und") stood."""
    spans = split_pieces(term)
    out: list[str] = []
    for k, (a, b) in enumerate(spans):
        norm = normalise_piece(term[a:b])
        if 0 < k < len(spans) - 1 and norm in JOINERS:
            out.append(AMP)
            continue
        if k and _has_amp(term[spans[k - 1][1] : a]) and out[-1:] != [AMP]:
            out.append(AMP)
        out.append(norm)
    return out


def _has_amp(gap: str) -> bool:
    return "&" in gap or "+" in gap or "＆" in gap or "＋" in gap


def term_key(term: str) -> tuple[str, tuple[int, ...]]:
    """The lookup key of a term and the lengths of its normalised pieces.

    Returns ``("", ())`` for a term without letters or digits.
    """
    norms = term_pieces(term)
    return "".join(norms), tuple(len(n) for n in norms)


class Piece(NamedTuple):
    """One run of letters and digits (a NamedTuple: cheap to build, one per word)."""

    start: int
    end: int
    norm: str
    deob: str | None
    joined: bool  # joined to the previous piece by a joinable gap
    lemma: str | None = None


class Pieces:
    """The pieces of one text, computed once and shared by every matcher.

    Kept as parallel lists (``starts``, ``ends``, ``norms``, ``deobs``,
    ``joined``, ``lemmas``): a draft has hundreds of pieces and only a few
    places where a term can start, so no object is built per piece.
    ``heads[i]`` holds the first four letters of the run of joined pieces
    starting at piece ``i`` (``deob_heads`` the same with digits read as
    letters, or ``None`` when the text has no such digits): indexes use them
    to skip, with one set lookup, every place no term can start.
    """

    def __init__(
        self, text: str, lemmas: Mapping[str, str] | Callable[[set[str]], Mapping[str, str]] | None = None
    ) -> None:
        """``lemmas``: the lemma of each word that has one, or a function giving them for a set of words."""
        self.text = text
        self.starts, self.ends, words, gaps = _cut(text, blobs=True)
        n = len(words)
        # an ASCII word folds to its lower case: no Python call per word for most of a text
        self.norms = norms = list(map(str.lower, words))
        if not text.isascii():  # only the words with a letter beyond ASCII need the folding, once each
            folded = {w: normalise_piece(w) for w in set(words) if not w.isascii()}
            if folded:
                self.norms = norms = list(map(folded.get, words, norms))
        # what lies between two pieces: joined (a term may run across it) and whether it holds a "&"
        known = list(map(_GAP_JOINED.get, gaps))
        if None in known:  # each new gap judged once, not once per place it stands
            fresh = {g: _gap_joined(g) for g in {g for g, j in zip(gaps, known, strict=True) if j is None}}
            known = [fresh[g] if j is None else j for j, g in zip(known, gaps, strict=True)]
        self.joined = cast(list[bool], [False, *known] if n else [])
        self.amps = [False, *map(_has_amp, gaps)] if n and _has_amp(text) else [False] * n
        # the per-word lists below are built in C (map, compress); Python runs only for the
        # distinct words (with digits, with a lemma, short ones)
        self._distinct = distinct = set(norms)
        read = {w: d for w in distinct if not w.isalpha() and (d := _deobfuscate(w)) is not None}
        self.deobs = deobs = cast(list[str | None], list(map(read.get, norms)) if read else [None] * n)
        self._words, self._gaps = words, gaps
        self.lemmas: list[str | None] = [None] * n
        #: The first four letters of the distinct lemmas (an index asks :attr:`lemma_heads` only
        #: when one of them can start a term).
        self.lemma_head_set: set[str] = set()
        self._lemma_heads: dict[int, str] | None = {}
        if lemmas is not None:
            self.add_lemmas(lemmas)
        self.heads = _heads(norms, self.joined, distinct)
        self.deob_heads = (
            _heads([d or w for d, w in zip(deobs, norms, strict=True)], self.joined) if read else None
        )
        self._items: list[Piece] | None = None
        self._short_heads: dict[tuple[bool, int], list[str]] = {}
        self._long_words: dict[int, set[str]] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def add_lemmas(self, lemmas: Mapping[str, str] | Callable[[set[str]], Mapping[str, str]]) -> None:
        """Give the pieces their words' lemmas: ``lemmas`` as in the constructor, for pieces cut
        before the text's language was known (the engine cuts a draft once, to guess its language)."""
        words = self._words
        if callable(lemmas):
            lemmas = lemmas({w for w in set(words) if w.isalpha()})
        if not lemmas:
            return
        # each word's lemma folded once, however often the word stands; kept if it differs
        folded = {
            w: ln
            for w, raw in lemmas.items()
            if (ln := raw.lower() if raw.isascii() else normalise_piece(raw))
            != (w.lower() if w.isascii() else normalise_piece(w))
        }  # (an ASCII word folds to its lower case: no Python call for most words)
        self.lemmas = list(map(folded.get, words))
        self.lemma_head_set = {lemma[:4] for lemma in folded.values()}
        self._lemma_heads = None  # built on first use: most texts' lemmas start no term

    @property
    def lemma_heads(self) -> dict[int, str]:
        """The first four letters of each piece's lemma, by piece, for the pieces that have one."""
        if self._lemma_heads is None:
            lemmas = self.lemmas
            have = compress(range(len(lemmas)), map(is_not, lemmas, repeat(None)))
            self._lemma_heads = {i: lemma[:4] for i in have if (lemma := lemmas[i]) is not None}
        return self._lemma_heads

    def short_heads(self, deob: bool, k: int) -> list[str]:
        """Each head's first ``k`` letters (a head of ``k`` letters or fewer as it is, which the
        head itself finds already); remembered, as every index with keys of ``k`` letters asks."""
        key = (deob, k)
        out = self._short_heads.get(key)
        if out is None:
            heads = (self.deob_heads or self.heads) if deob else self.heads
            out = self._short_heads[key] = list(map(itemgetter(slice(k)), heads))
        return out

    def whole_words(self, end: int) -> list[str]:
        """The normalised words of the pieces that start before offset ``end``, without the parts of
        camel-case words: "getUserSettings" has no word "get" (the language guess counts these)."""
        norms = self.norms[: bisect.bisect_left(self.starts, end)]
        gaps = self._gaps
        if "" not in gaps:  # only a camel-case cut leaves no gap between two pieces
            return norms
        last = len(gaps)
        return [n for i, n in enumerate(norms) if (i == 0 or gaps[i - 1]) and (i == last or gaps[i])]

    def long_words(self, min_len: int) -> set[str]:
        """The distinct normalised words of letters only, of ``min_len`` letters or more; remembered,
        as every index looking for typos and compound ends asks for the same."""
        out = self._long_words.get(min_len)
        if out is None:
            out = self._long_words[min_len] = {n for n in self._distinct if len(n) >= min_len and n.isalpha()}
        return out

    @property
    def items(self) -> list[Piece]:
        """The pieces as :class:`Piece` tuples (built on first use)."""
        if self._items is None:
            self._items = list(
                map(Piece, self.starts, self.ends, self.norms, self.deobs, self.joined, self.lemmas)
            )
        return self._items


_GAP_JOINED: dict[str, bool] = {"": True, " ": True, ". ": False, ": ": False, ", ": False, "\n": False}


def _gap_joined(gap: str) -> bool:
    """Whether a gap between two pieces joins them (remembered for the next drafts)."""
    joined = _JOINABLE_GAP.fullmatch(gap) is not None and not gap.startswith((". ", ": "))
    if len(_GAP_JOINED) < 4096:
        _GAP_JOINED[gap] = joined
    return joined


def _heads(norms: Sequence[str], joined: Sequence[bool], distinct: set[str] | None = None) -> list[str]:
    """The first four letters of the run of joined pieces starting at each piece.

    ``distinct``: the set of ``norms``, when the caller has it (the short ones are found among them).
    """
    heads = list(map(_FIRST_FOUR, norms))
    short = {w for w in (set(norms) if distinct is None else distinct) if len(w) < 4}
    if not short:
        return heads
    # right to left: a short piece's head is its letters and the (final) head of the next piece
    last = len(norms) - 1
    for i in reversed(list(compress(range(last), map(short.__contains__, norms)))):
        if joined[i + 1]:
            heads[i] = (norms[i] + heads[i + 1])[:4]
    return heads


_FIRST_FOUR = itemgetter(slice(4))
