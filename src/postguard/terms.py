"""The term matcher shared by the confidential and embargo checks (and usable by plugins).

A text is cut into *pieces*: runs of letters and digits, split again at
CamelCase boundaries ("TrekkerT5" -> "Trekker" | "T5"). Each piece is
normalised (case-folded, umlauts and accents folded, so "Sturmvögel" and
"sturmvogel" meet). A term is normalised the same way and stored under its
*key*: its normalised pieces joined without separators ("Trek-ker T5" and
"#TrekkerT5" both give ``trekkert5``).

Matching tries, at every piece, the concatenations of the following pieces
that are joined by nothing but spaces, hyphens, ``#``, ``_``, ``/``, ``:``,
``+``, ``.`` or an apostrophe, and looks each candidate up in a dict. So every
lookup is an exact lookup of a normalised string: with 100,000 terms the cost
per draft stays the same, and an index can later be distributed as salted
hashes of those keys (see :attr:`TermIndex.key_transform`).

Variants and their confidence:

* ``exact``       the text's pieces are the term's pieces (case, hashtag,
                  CamelCase and separators aside)                          1.0
* ``inflected``   a German or English inflection suffix, or the token's
                  spaCy lookup lemma, leads to the term                    0.9
* ``spacing``     same letters, other piece boundaries ("Trek-ker T5")     0.85
* ``compound``    the term starts a closed compound ("Sturmvogeltests");
                  only for terms of 6+ letters with a remainder of 3+      0.75
* ``obfuscated``  digits inside a word read as letters ("Sturmv0gel")      0.7

A match never ends inside a word except for a compound, and never starts
inside one, so "Sturm" does not match "Sturmvogel", "Sturmwarnung" matches
neither, and "Trekker T4" is not "Trekker T5".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import regex

EXACT = "exact"
INFLECTED = "inflected"
SPACING = "spacing"
COMPOUND = "compound"
OBFUSCATED = "obfuscated"

CONFIDENCE: dict[str, float] = {
    EXACT: 1.0,
    INFLECTED: 0.9,
    SPACING: 0.85,
    COMPOUND: 0.75,
    OBFUSCATED: 0.7,
}

#: Which variants each matching mode accepts.
MODES: dict[str, frozenset[str]] = {
    "word": frozenset(CONFIDENCE),
    "exact": frozenset({EXACT}),
    "label": frozenset({EXACT}),
}

MAX_PIECES = 8
MIN_COMPOUND_TERM = 6
MIN_COMPOUND_REST = 3
_SUFFIXES = ("e", "s", "es", "n", "en", "er", "ern", "ens", "ns", "nen")

_PIECE_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_PIECE_FAST = re.compile(r"[^\W_]+")
_MARK_RE = regex.compile(r"\p{M}")
_CAMEL_RE = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
_JOINABLE_GAP = regex.compile(r"[ \t\u00a0\u202f\-\u2010\u2011\u2012\u2013#_/:+.'’]{0,3}")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "å": "a"})
_DEOBFUSCATE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_INNER_DIGIT = regex.compile(r"\p{L}\d+\p{L}")


def normalise_piece(piece: str) -> str:
    """Case-fold and fold umlauts and accents: ``"Vögel"`` -> ``"vogel"``."""
    cached = _NORM_CACHE.get(piece)
    if cached is not None:
        return cached
    s = piece.casefold().translate(_FOLD)
    if not s.isascii():
        # NFKD also folds "fancy" letters (math bold 𝐒𝐭𝐮𝐫𝐦, full-width) to plain ones: fold case after it
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()
        s = s.translate(_FOLD)
    if len(_NORM_CACHE) > 50_000:
        _NORM_CACHE.clear()
    _NORM_CACHE[piece] = s
    return s


_NORM_CACHE: dict[str, str] = {}


def _deobfuscate(norm: str) -> str | None:
    if norm.isalpha() or norm.isdigit() or not _INNER_DIGIT.search(norm):
        return None
    return norm.translate(_DEOBFUSCATE)


def split_pieces(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the pieces of ``text``."""
    out: list[tuple[int, int]] = []
    append = out.append
    # Python's own ``re`` finds runs of letters and digits faster than ``regex``; its ``[^\W_]`` is
    # \p{L} and \p{N} (Unicode as of this Python), without the combining marks of decomposed text.
    pattern = _PIECE_RE if _MARK_RE.search(text) else _PIECE_FAST
    for m in pattern.finditer(text):
        tail = m.group()[1:]
        if tail.islower() or not any(map(str.isupper, tail)):  # no capital after the first letter: one piece
            append(m.span())
            continue
        start, end = m.span()
        cut = 0
        for b in _CAMEL_RE.finditer(m.group()):
            append((start + cut, start + b.start()))
            cut = b.start()
        append((start + cut, end))
    return out


def term_key(term: str) -> tuple[str, tuple[int, ...]]:
    """The lookup key of a term and the lengths of its normalised pieces.

    Returns ``("", ())`` for a term without letters or digits.
    """
    norms = [normalise_piece(term[a:b]) for a, b in split_pieces(term)]
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

    def __init__(self, text: str, lemmas: Mapping[str, str] | None = None) -> None:
        self.text = text
        spans = split_pieces(text)
        self.starts = starts = [a for a, _ in spans]
        self.ends = ends = [b for _, b in spans]
        words = [text[a:b] for a, b in spans]
        self.norms = norms = [_NORM_CACHE.get(w) or normalise_piece(w) for w in words]
        gaps = _GAP_JOINED
        joined = [False]
        for gap in (text[e:s] for e, s in zip(ends, starts[1:], strict=False)):
            j = gaps.get(gap)
            if j is None:
                j = _JOINABLE_GAP.fullmatch(gap) is not None and not gap.startswith((". ", ": "))
                if len(gaps) < 4096:
                    gaps[gap] = j
            joined.append(j)
        self.joined = joined[: len(spans)]
        self.deobs = deobs = [None if n.isalpha() else _deobfuscate(n) for n in norms]
        self.lemmas: list[str | None] = [None] * len(spans)
        self.lemma_heads: dict[int, str] = {}
        if lemmas:
            for i, w in enumerate(words):
                raw = lemmas.get(w)
                if raw is not None:
                    ln = normalise_piece(raw)
                    if ln != norms[i]:
                        self.lemmas[i] = ln
                        self.lemma_heads[i] = ln[:4]
        self.heads = _heads(norms, self.joined)
        self.deob_heads = (
            _heads([d or n for d, n in zip(deobs, norms, strict=True)], self.joined)
            if any(d is not None for d in deobs)
            else None
        )
        self._items: list[Piece] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def items(self) -> list[Piece]:
        """The pieces as :class:`Piece` tuples (built on first use)."""
        if self._items is None:
            self._items = list(
                map(Piece, self.starts, self.ends, self.norms, self.deobs, self.joined, self.lemmas)
            )
        return self._items


_GAP_JOINED: dict[str, bool] = {"": True, " ": True, ". ": False, ": ": False, ", ": False, "\n": False}


def _heads(norms: Sequence[str], joined: Sequence[bool]) -> list[str]:
    heads = [n[:4] for n in norms]
    n = len(norms)
    for i, head in enumerate(heads):
        if len(head) < 4:
            s = head
            j = i + 1
            while len(s) < 4 and j < n and joined[j]:
                s += norms[j]
                j += 1
            heads[i] = s[:4]
    return heads


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A match of an indexed term: offsets into the text, the key and what it refers to."""

    start: int
    end: int
    key: str
    variant: str
    confidence: float
    refs: tuple[object, ...]


class TermIndex:
    """An index of terms, each with a payload (what the term belongs to) and a mode.

    ``key_transform`` turns a normalised key into what is stored and looked
    up; the identity by default. A salted hash here lets a pack ship hashes
    instead of names (see :mod:`postguard.rulepacks.hashed`): the prefix filter
    is then switched off, since it would leak the first letters, and a term's
    piece lengths are stored as the hash of :func:`shape_key`.
    """

    def __init__(self, key_transform: Callable[[str], str] | None = None) -> None:
        self.key_transform = key_transform
        self.entries: dict[str, list[tuple[object, str, tuple[int, ...] | str]]] = {}
        self.prefixes: set[str] | None = None if key_transform else set()
        #: With a ``key_transform``: an optional coarse test of where a term may start (given a
        #: head of up to four letters), standing in for ``prefixes``; see rulepacks.hashed.HeadFilter.
        self.head_filter: Callable[[str], bool] | None = None
        self.max_len = 0
        self.modes: set[str] = set()
        self.short_lengths: set[int] = set()
        self.long_prefixes: set[str] = set()

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, term: str, ref: object, mode: str = "word") -> bool:
        """Index ``term``; returns False when it has no letters or digits."""
        key, lengths = term_key(term)
        if not key:
            return False
        self.max_len = max(self.max_len, len(key))
        if self.prefixes is not None:
            self.prefixes.add(key[:4])
            self.long_prefixes.add(key[:8])
            if len(key) < 4:
                self.short_lengths.add(len(key))
        if self.key_transform:
            self.add_hashed(self.key_transform(key), self.key_transform(shape_key(key, lengths)), ref, mode)
        else:
            self.entries.setdefault(key, []).append((ref, mode, lengths))
            self.modes.add(mode)
        return True

    def add_hashed(self, stored: str, shape: str, ref: object, mode: str = "word") -> None:
        """Index a term already transformed: ``stored`` its key, ``shape`` its pieces joined by spaces.

        ``max_len`` must be set by the caller (the longest key it may match), as no key is seen here.
        """
        self.entries.setdefault(stored, []).append((ref, mode, shape))
        self.modes.add(mode)

    def _same_shape(self, key: str, bounds: tuple[int, ...], stored: tuple[int, ...] | str) -> bool:
        if self.key_transform is None:
            return bounds == stored
        return self.key_transform(shape_key(key, bounds)) == stored

    def _get(self, key: str) -> list[tuple[object, str, tuple[int, ...] | str]] | None:
        if self.key_transform:
            key = self.key_transform(key)
        return self.entries.get(key)

    def find(self, pieces: Pieces) -> list[TermMatch]:
        """All matches in the text, overlaps resolved (leftmost, then longest)."""
        return resolve_matches(self.find_all(pieces))

    def find_all(self, pieces: Pieces) -> list[TermMatch]:
        """Every match in the text, overlapping ones too (:func:`resolve_matches` picks)."""
        if not self.entries:
            return []
        found: list[TermMatch] = []
        prefixes = self.prefixes
        short = self.short_lengths
        for heads, deob in ((pieces.heads, False), (pieces.deob_heads, True)):
            if heads is None:
                continue
            for i, head in enumerate(heads):
                if prefixes is not None and head not in prefixes:
                    lemma_head = None if deob else pieces.lemma_heads.get(i)
                    if lemma_head is not None and lemma_head in prefixes:
                        self._scan(pieces, i, deob, found)
                        continue
                    if not short:
                        continue
                    for k in short:
                        if k < len(head) and head[:k] in prefixes:
                            break
                    else:
                        continue
                elif prefixes is None and self.head_filter is not None and not self.head_filter(head):
                    lemma_head = None if deob else pieces.lemma_heads.get(i)
                    if lemma_head is None or not self.head_filter(lemma_head):
                        continue
                if deob and head == pieces.heads[i] and not any(pieces.deobs[i : i + MAX_PIECES]):
                    continue
                self._scan(pieces, i, deob, found)
        return found

    def _scan(self, pieces: Pieces, i: int, deob: bool, found: list[TermMatch]) -> None:
        s = ""
        bounds: list[int] = []
        limit = self.max_len + 4
        starts, ends, norms, deobs = pieces.starts, pieces.ends, pieces.norms, pieces.deobs
        joined, lemmas = pieces.joined, pieces.lemmas
        start = starts[i]
        for j in range(i, min(len(norms), i + MAX_PIECES)):
            if j > i and not joined[j]:
                break
            plain = norms[j]
            norm = (deobs[j] or plain) if deob else plain
            end = ends[j]
            prev = s
            s += norm
            bounds.append(len(norm))
            if len(prev) > limit:
                break
            if (
                len(s) >= 8
                and self.prefixes is not None
                and s[:8] not in self.long_prefixes
                and (len(prev) >= 8 or not self._inside_short(prev, norm))
            ):
                break
            base = OBFUSCATED if deob and deobs[j] else None
            self._record(self._get(s), start, end, s, EXACT, tuple(bounds), base, found)
            for suf in _SUFFIXES:
                if len(s) > len(suf) + 2 and s.endswith(suf):
                    cand = s[: -len(suf)]
                    self._record(self._get(cand), start, end, cand, INFLECTED, None, base, found)
            if s.endswith("ies"):
                cand = s[:-3] + "y"
                self._record(self._get(cand), start, end, cand, INFLECTED, None, base, found)
            lemma = lemmas[j]
            if lemma and not deob:
                cand = prev + lemma
                self._record(self._get(cand), start, end, cand, INFLECTED, None, base, found)
            # closed compound: the term ends inside this piece, a word of 3+ letters follows
            lo = max(1, MIN_COMPOUND_TERM - len(prev))
            for cut in range(lo, len(norm) - MIN_COMPOUND_REST + 1):
                rest = norm[cut:]
                if not rest.isalpha():
                    continue
                cand = prev + norm[:cut]
                hit = self._get(cand)
                if hit and len(plain) == len(norm) and _suffix_not_inflection(rest):
                    self._record(hit, start, starts[j] + cut, cand, COMPOUND, None, base, found)

    def _inside_short(self, prev: str, norm: str) -> bool:
        """Whether a key of 8 letters or fewer could end inside ``prev + norm`` (inflected or compound)."""
        return any(
            prev + norm[:k] in self.long_prefixes for k in range(max(1, 4 - len(prev)), 8 - len(prev) + 1)
        )

    def _record(
        self,
        hit: list[tuple[object, str, tuple[int, ...] | str]] | None,
        start: int,
        end: int,
        key: str,
        variant: str,
        bounds: tuple[int, ...] | None,
        base: str | None,
        found: list[TermMatch],
    ) -> None:
        if not hit:
            return
        refs: list[object] = []
        worst = variant
        for ref, mode, lengths in hit:
            v = variant
            if v == EXACT and bounds is not None and not self._same_shape(key, bounds, lengths):
                v = SPACING
            if base:
                v = base
            if v in MODES[mode]:
                refs.append(ref)
                if CONFIDENCE[v] < CONFIDENCE[worst]:
                    worst = v
        if refs:
            found.append(TermMatch(start, end, key, worst, CONFIDENCE[worst], tuple(refs)))


def _suffix_not_inflection(rest: str) -> bool:
    return rest not in _SUFFIXES


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


def resolve_matches(found: list[TermMatch]) -> list[TermMatch]:
    """Keep non-overlapping matches: leftmost first, then longest, then most confident."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start), -m.confidence))
    out: list[TermMatch] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
    return out


def build_index(terms: Iterable[tuple[str, object, str]]) -> TermIndex:
    """An index of ``(term, ref, mode)`` triples."""
    index = TermIndex()
    for term, ref, mode in terms:
        index.add(term, ref, mode)
    return index
