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

The variants a match can be and their confidence are listed in :mod:`postguard.matches`.

Also exact: joiners between the parts of a multi-word term ("Kessler und
Söhne", "Kessler&Söhne", "#KesslerUndSöhne" for "Kessler & Söhne"), quotes
around or inside a name, invisible characters inside a word (soft hyphen,
zero-width characters, word joiner, BOM) and look-alike letters from other
scripts (see :mod:`postguard.folding`).

A match never ends inside a word except for a compound, and never starts
inside one, so "Sturm" does not match "Sturmvogel", "Sturmwarnung" matches
neither, and "Trekker T4" is not "Trekker T5".
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from itertools import compress
from typing import Generic

from postguard.folding import everyday_word, translit_forms, umlaut_count
from postguard.folding import normalise_piece as normalise_piece
from postguard.matches import (
    COMPOUND,
    CONFIDENCE,
    DERIVATIONS,
    DERIVING,
    EXACT,
    INFLECTED,
    MIN_COMPOUND_REST,
    MIN_COMPOUND_TERM,
    MODEL,
    MODES,
    OBFUSCATED,
    PART,
    SPACING,
    SUFFIXES,
    SUFFIXES_BY_LAST,
    TRANSLIT,
    TYPO,
    Entry,
    R,
    TermMatch,
    after_indefinite,
    near_family,
    resolve_matches,
    shape_key,
    weakest_variant,
)
from postguard.pieces import AMP, JOINERS, _term_parts
from postguard.pieces import Piece as Piece  # the matcher's input, re-exported for its callers
from postguard.pieces import Pieces as Pieces
from postguard.pieces import blanked_blobs as blanked_blobs
from postguard.pieces import split_pieces as split_pieces
from postguard.pieces import term_key as term_key
from postguard.pieces import term_pieces as term_pieces
from postguard.typos import MAX_TYPO_LEN, MIN_TYPO_LEN, DeletionKeys, edits

MAX_PIECES = 8


def _where(values: list[str], wanted: set[str]) -> list[int]:
    """The positions of ``values`` that are in ``wanted``, found in C (no Python step per piece)."""
    return list(compress(range(len(values)), map(wanted.__contains__, values)))


class TermIndex(Generic[R]):
    """An index of terms, each with a payload (what the term belongs to) and a mode.

    ``key_transform`` turns a normalised key into what is stored and looked
    up; the identity by default. A salted hash here lets a pack ship hashes
    instead of names (see :mod:`postguard.rulepacks.hashed`): the prefix
    filters are then switched off, since they would leak letters, and a hashed
    term's piece lengths are stored as the hash of :func:`shape_key`.
    """

    #: The most pieces of a draft one scan runs over. A hashed index cannot stop a scan after eight
    #: letters (it has no prefix set), so its pack gives a bound of its own (rulepacks.hashed).
    max_pieces: int = MAX_PIECES

    def __init__(self, key_transform: Callable[[str], str] | None = None) -> None:
        self.key_transform = key_transform
        self.entries: dict[str, list[Entry[R]]] = {}
        self.prefixes: set[str] | None = None if key_transform else set()
        #: With a ``key_transform``: an optional coarse test of where a term may start (given a
        #: head of up to four letters), standing in for ``prefixes``; see rulepacks.hashed.HeadFilter.
        self.head_filter: Callable[[str], bool] | None = None
        self.max_len = 0
        self.modes: set[str] = set()
        self.short_lengths: set[int] = set()
        self.long_prefixes: set[str] = set()
        #: The lengths of the keys (a plain index): a closed compound is cut only where a key can end.
        self.key_lengths: list[int] = []  # in order, each once: a piece's cuts are a slice of it
        self.typo_keys = DeletionKeys()
        self.end_lengths: set[int] = set()  # distinctive terms that may end a closed compound
        self.end_tails: set[str] = set()
        #: A hashed index (which does not know the lengths): the stored keys that may end a compound.
        self.end_keys: set[str] | None = None
        #: A hashed index's typo lookups per word of the drafts: in memory only, never pickled.
        self._typo_memo: dict[str, list[list[Entry[R]]]] = {}

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state["_typo_memo"] = {}  # words of drafts never go into the pack cache
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, term: str, ref: R, mode: str = "word", *, typos: bool = False, parts: bool = False) -> bool:
        """Index ``term``; returns False when it has no letters or digits.

        ``typos``: the term is distinctive (no everyday word): one-edit typos of
        it (8+ letters) count, and it may end a closed compound. ``parts``: the
        distinctive last word of a multi-word term counts alone, and a model
        number counts near its product family.
        """
        parts_ = _term_parts(term)
        norms = [n for n in parts_ if n != AMP]
        key = "".join(norms)
        if not key:
            return False
        typos = typos and mode == "word"
        for form, variant in ((term, EXACT), *((f, TRANSLIT) for f in sorted(translit_forms(term)))):
            fparts = parts_ if form is term else _term_parts(form)
            fnorms = [n for n in fparts if n != AMP]
            fkey = "".join(fnorms)
            if not fkey or (variant == TRANSLIT and fkey == key):
                continue
            shape = self._shape(fkey, tuple(len(n) for n in fnorms))
            entry = Entry(ref, mode, shape, variant, umlaut_count(form), typos)
            self._store(fkey, entry)  # also without the joiner: "Kessler Söhne"
            if AMP in fparts:
                self._store("".join(fparts), entry)
        if typos and len(norms) == 1 and key.isalpha() and MIN_TYPO_LEN <= len(key) <= MAX_TYPO_LEN:
            self.typo_keys.add(key, self._stored(key), self.key_transform, self.prefixes is not None)
            self.end_lengths.add(len(key))
            if self.prefixes is not None:
                self.end_tails.add(key[-4:])
        if parts and mode == "word" and len(norms) >= 2:
            self._add_parts(term, norms, ref)
        return True

    def _add_parts(self, term: str, norms: list[str], ref: R) -> None:
        last, before = norms[-1], norms[-2]
        if not last.isalpha() and not last.isdigit() and before.isalpha() and len(before) >= 3:
            # "Trailrunner X9": "X9" near "Trailrunner"
            self._store(
                last, Entry(ref, "word", self._shape(last, (len(last),)), MODEL, family=self._stored(before))
            )
        elif last.isalpha() and len(last) >= 6 and any(n.isalpha() for n in norms[:-1]):
            word = term[split_pieces(term)[-1][0] :]
            if not everyday_word(word.casefold()):
                self._store(
                    last, Entry(ref, "word", self._shape(last, (len(last),)), PART, umlaut_count(word))
                )

    def _shape(self, key: str, lengths: tuple[int, ...]) -> tuple[int, ...] | str:
        """A key's piece lengths as stored: hashed (:func:`shape_key`) with a ``key_transform``."""
        return self.key_transform(shape_key(key, lengths)) if self.key_transform else lengths

    def _stored(self, key: str) -> str:
        return self.key_transform(key) if self.key_transform else key

    def _store(self, key: str, entry: Entry[R]) -> None:
        self.max_len = max(self.max_len, len(key))
        if self.prefixes is not None:
            self.prefixes.add(key[:4])
            self.long_prefixes.add(key[:8])
            lengths, at = self.key_lengths, bisect.bisect_left(self.key_lengths, len(key))
            if at == len(lengths) or lengths[at] != len(key):
                lengths.insert(at, len(key))
            if len(key) < 4:
                self.short_lengths.add(len(key))
        self.entries.setdefault(self._stored(key), []).append(entry)
        self.modes.add(entry.mode)

    def add_hashed(self, stored: str, shape: str, ref: R, mode: str = "word", *, typos: bool = False) -> None:
        """Index a term already transformed: ``stored`` its key, ``shape`` the hash of its :func:`shape_key`.

        ``max_len`` must be set by the caller (the longest key it may match), as no key is seen
        here. Only the exact, spacing, inflected and compound forms can be found this way: the
        transliterated, typo, part and model forms need the term's letters.
        """
        entry = Entry(ref, mode, shape, EXACT, 0, typos and mode == "word")
        self.entries.setdefault(stored, []).append(entry)
        self.modes.add(mode)

    def add_entry(self, stored: str, entry: Entry[R]) -> None:
        """Index an entry under a key already transformed (a hashed pack's record, see rulepacks.hashed).

        ``max_len`` must be set by the caller, as no key is seen here.
        """
        self.entries.setdefault(stored, []).append(entry)
        self.modes.add(entry.mode)

    def add_typo_keys(self, stored: str, deletions: Iterable[tuple[int, int]] | bytes) -> None:
        """A hashed term's deletion keys (digest, position): see :meth:`DeletionKeys.add_hashed`.

        Any length of term may end a closed compound: the index does not know the lengths.
        """
        self.typo_keys.add_hashed(stored, deletions)
        self.end_lengths.update(range(MIN_TYPO_LEN, MAX_TYPO_LEN + 1))
        if self.end_keys is None:
            self.end_keys = set()
        self.end_keys.add(stored)

    def freeze(self) -> None:
        """Sort what :meth:`add` collected (done once, before the first search or caching)."""
        self.typo_keys.freeze()

    def _get(self, key: str) -> list[Entry[R]] | None:
        if self.key_transform:
            key = self.key_transform(key)
        return self.entries.get(key)

    def find(self, pieces: Pieces) -> list[TermMatch[R]]:
        """All matches in the text, overlaps resolved (leftmost, then longest, then most confident)."""
        return resolve_matches(self.find_all(pieces))

    def find_around(self, pieces: Pieces, start: int, end: int) -> list[TermMatch[R]]:
        """The matches (overlaps resolved) that overlap ``text[start:end]``: only the pieces around it
        are read, so asking about one match costs a few lookups, not a pass over the whole text."""
        if not self.entries or start >= end:
            return []
        first = max(0, bisect.bisect_right(pieces.starts, start) - 1)
        last = bisect.bisect_left(pieces.starts, end)  # the pieces that start before ``end``
        positions = range(max(0, first - self.max_pieces + 1), min(len(pieces), max(last, first + 1)))
        found = self._scan_from(pieces, lambda deob: self._starts_in(pieces, deob, positions))
        return [m for m in resolve_matches(found) if m.start < end and start < m.end]

    def _starts_in(self, pieces: Pieces, deob: bool, positions: range) -> list[int]:
        """:meth:`_starts` for a few pieces only."""
        heads = (pieces.deob_heads or pieces.heads) if deob else pieces.heads
        lemmas: list[str | None] = [None] * len(pieces) if deob else pieces.lemmas
        prefixes = self.prefixes
        if prefixes is None:
            test = self.head_filter
            if test is None:
                return list(positions)
            return [
                i
                for i in positions
                if test(heads[i]) or ((lemma := lemmas[i]) is not None and test(lemma[:4]))
            ]
        shorts = [pieces.short_heads(deob, k) for k in self.short_lengths]
        return [
            i
            for i in positions
            if heads[i] in prefixes
            or ((lemma := lemmas[i]) is not None and lemma[:4] in prefixes)
            or any(short[i] in prefixes for short in shorts)
        ]

    def find_all(self, pieces: Pieces) -> list[TermMatch[R]]:
        """Every match in the text, overlapping ones too (:func:`resolve_matches` picks)."""
        if not self.entries:
            return []
        return self._scan_from(pieces, lambda deob: self._starts(pieces, deob))

    def _scan_from(self, pieces: Pieces, starts: Callable[[bool], list[int]]) -> list[TermMatch[R]]:
        """The matches starting where ``starts`` says (for the plain heads, then the digits-as-letters
        ones), and the typos and compound ends of distinctive terms."""
        found: list[TermMatch[R]] = []
        text, at, n, m = pieces.text, pieces.starts, len(pieces), self.max_pieces
        for heads, deob in ((pieces.heads, False), (pieces.deob_heads, True)):
            if heads is None:
                continue
            # The text from a start to the piece after the most a scan reads (gaps and the
            # text's end included) decides what the scan looks up: a scan that found no key there
            # finds none where the same text stands again (a page's markup repeats it thousands of times).
            empty: set[tuple[str, bool]] = set()
            for i in self._live(pieces, starts(deob), deob):
                if deob and heads[i] == pieces.heads[i] and not any(pieces.deobs[i : i + m]):
                    continue
                reads = (text[at[i] : at[i + m]], False) if i + m < n else (text[at[i] :], True)
                if reads not in empty and not self._scan(pieces, i, deob, found):
                    empty.add(reads)
        if len(self.typo_keys) or self.end_lengths:
            self._distinctive(pieces, found)
        return found

    def _live(self, pieces: Pieces, starts: list[int], deob: bool) -> list[int]:
        """``starts`` without those where :meth:`_scan` stops at its first piece: a piece of eight
        letters or more whose first eight are no key's and in which no shorter key ends
        ("Kolleginnen" for a term "Kollektion ..."). Judged once per distinct word, not once per
        place it stands; a hashed index (no prefixes) keeps every start."""
        if self.prefixes is None or not starts:
            return starts
        norms, deobs = pieces.norms, pieces.deobs
        # the word each start's scan reads first (only the starts': find_around asks for a few)
        first = [deobs[i] or norms[i] for i in starts] if deob else [norms[i] for i in starts]
        long_words = {w for w in first if len(w) >= 8}
        dead = {w for w in long_words if w[:8] not in self.long_prefixes and not self._inside_short("", w)}
        return [i for i, w in zip(starts, first, strict=True) if w not in dead] if dead else starts

    def _starts(self, pieces: Pieces, deob: bool) -> list[int]:
        """The pieces (in order) where a term may start, by their heads (or their lemmas' heads).

        A set intersection (in C) finds the heads that matter, one comprehension where they stand:
        no Python loop with branches per piece, which cost seconds on a 1 MB blob of base64.
        """
        heads = (pieces.deob_heads or pieces.heads) if deob else pieces.heads
        lemma_hits = set() if deob else pieces.lemma_head_set
        prefixes = self.prefixes
        if prefixes is None:
            test = self.head_filter
            if test is None:
                return list(range(len(heads)))
            hits = {head for head in set(heads) if test(head)}
            found = _where(heads, hits) if hits else []
            if lemma_hits := {head for head in lemma_hits if test(head)}:
                found += [i for i, lemma in pieces.lemma_heads.items() if lemma in lemma_hits]
            return sorted(set(found))
        hits = prefixes.intersection(heads)
        found = _where(heads, hits) if hits else []
        if not prefixes.isdisjoint(lemma_hits):
            found += [i for i, lemma in pieces.lemma_heads.items() if lemma in prefixes]
        for k in self.short_lengths:  # a key shorter than four letters starts a longer head
            short = pieces.short_heads(deob, k)
            hits = prefixes.intersection(short)
            found += _where(short, hits) if hits else []
        return sorted(set(found))

    def _scan(self, pieces: Pieces, i: int, deob: bool, found: list[TermMatch[R]]) -> bool:
        """The matches starting at piece ``i``, added to ``found``; whether any key was looked up
        with success (``False``: the text there holds no key, whatever stands around it)."""
        s = ""
        looked_up = False
        bounds: list[int] = []
        limit = self.max_len + 4
        starts, ends, norms, deobs = pieces.starts, pieces.ends, pieces.norms, pieces.deobs
        joined, lemmas, amps = pieces.joined, pieces.lemmas, pieces.amps
        start = starts[i]
        n = len(norms)
        for j in range(i, min(n, i + self.max_pieces)):
            if j > i and not joined[j]:
                break
            plain = norms[j]
            if j > i and plain in JOINERS and j + 1 < n and joined[j + 1]:
                if not s.endswith(AMP):
                    s += AMP  # "Kessler und Söhne" reads as "Kessler & Söhne"
                continue
            norm = (deobs[j] or plain) if deob else plain
            end = ends[j]
            if j > i and amps[j] and not s.endswith(AMP):
                s += AMP
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
            here = (pieces, i, start, end)
            if hit := self._get(s):
                looked_up = True
                self._record(hit, here, s, EXACT, tuple(bounds), base, found)
            for suf in SUFFIXES_BY_LAST.get(s[-1], ()):
                if len(s) > len(suf) + 2 and s.endswith(suf):
                    cand = s[: -len(suf)]
                    if hit := self._get(cand):
                        looked_up = True
                        if suf in DERIVING:
                            more = umlaut_count(pieces.text[start:end])
                            hit = [e for e in hit if e.umlauts >= more]
                        self._record(hit, here, cand, INFLECTED, None, base, found)
            if s.endswith("ies"):
                cand = s[:-3] + "y"
                if hit := self._get(cand):
                    looked_up = True
                    self._record(hit, here, cand, INFLECTED, None, base, found)
            lemma = lemmas[j]
            if lemma and not deob:
                cand = prev + lemma
                if hit := self._get(cand):
                    looked_up = True
                    self._record(hit, here, cand, INFLECTED, None, base, found)
            # closed compound: the term ends inside this piece, a word of 3+ letters (or a number) follows
            lo = max(1, MIN_COMPOUND_TERM - len(prev))
            # no key is longer than max_len: cutting further would only copy a long piece again and
            # again (a 100 KB "word" took a minute)
            hi = min(len(norm) - MIN_COMPOUND_REST, self.max_len - len(prev))
            if hi < lo:  # a piece too short to hold a term's end and a word after it
                cuts = []
            elif self.prefixes is None:  # a hashed index knows no lengths: every cut
                cuts = list(range(lo, hi + 1))
            else:  # only where a key ends: a long word is not cut at every letter
                lengths, done = self.key_lengths, len(prev)
                a, b = bisect.bisect_left(lengths, lo + done), bisect.bisect_right(lengths, hi + done)
                cuts = [k - done for k in lengths[a:b]]
            digits = len(norm) - len(norm.rstrip("0123456789"))
            if 0 < digits < len(norm) and norm[-digits - 1].isalpha() and len(norm) - digits >= lo:
                cuts.append(len(norm) - digits)  # "Gipfelsturm2027"
            for cut in cuts:
                rest = norm[cut:]
                if not rest.isdigit() and (not rest.isalpha() or rest in DERIVATIONS):
                    continue
                cand = prev + norm[:cut]
                hit = self._get(cand)
                looked_up = looked_up or bool(hit)
                if hit and len(plain) == len(norm) and rest not in SUFFIXES:
                    self._record(hit, (pieces, i, start, starts[j] + cut), cand, COMPOUND, None, base, found)
        return looked_up

    def _inside_short(self, prev: str, norm: str) -> bool:
        """Whether a key of 8 letters or fewer could end inside ``prev + norm`` (inflected or compound)."""
        return any(
            prev + norm[:k] in self.long_prefixes for k in range(max(1, 4 - len(prev)), 8 - len(prev) + 1)
        )

    def _distinctive(self, pieces: Pieces, found: list[TermMatch[R]]) -> None:
        """Typos of distinctive terms; distinctive terms ending a closed compound ("Projektgipfelsturm")."""
        typo_keys, tf = self.typo_keys, self.key_transform
        min_end = min(self.end_lengths, default=99) + MIN_COMPOUND_REST
        norms = pieces.norms
        # each word judged once, however often it stands: a typo candidate, a compound's end, or neither
        get = self.entries.get if tf is None else self._get
        words = {n for n in pieces.long_words(MIN_TYPO_LEN - 1) if not get(n)}
        typos = {n for n in words if typo_keys.may_match(n)}
        tails = self.end_tails if self.prefixes is not None else None
        compounds = {n for n in words if len(n) >= min_end and (tails is None or n[-4:] in tails)}
        if not typos and not compounds:
            return
        for i in _where(norms, typos | compounds):
            norm = norms[i]
            here = (pieces, i, pieces.starts[i], pieces.ends[i])
            if norm in typos and tf is not None:
                for hit in self._typo_hits(norm):
                    self._record_typo(hit, here, found)
            elif norm in typos:
                for key in {*typo_keys.candidates(norm, tf)}:
                    self._record_typo(self.entries.get(key), here, found)
                for cand in edits(norm):
                    self._record_typo(self._get(cand), here, found)
            if norm not in compounds or pieces.ends[i] - pieces.starts[i] != len(norm):
                continue
            for length in self.end_lengths:
                if len(norm) - length >= MIN_COMPOUND_REST:
                    cand = norm[-length:]
                    if self.end_keys is not None and self._stored(cand) not in self.end_keys:
                        continue  # a hashed index tries every length: only a distinctive term's own key
                    hit = [e for e in self._get(cand) or () if e.typos]
                    start = pieces.ends[i] - length
                    self._record(hit, (pieces, i, start, pieces.ends[i]), cand, COMPOUND, None, None, found)

    def _typo_hits(self, norm: str) -> list[list[Entry[R]]]:
        """A hashed index's typo lookups of one word (each costs keyed hashes), memoised.

        The same lookups, in the same order, as the plain path in :meth:`_distinctive`.
        """
        memo = self._typo_memo
        hits = memo.get(norm)
        if hits is None:
            found = [self.entries.get(key) for key in {*self.typo_keys.candidates(norm, self.key_transform)}]
            found += [self._get(cand) for cand in edits(norm)]
            hits = [h for h in found if h]
            if len(memo) >= 100_000:
                memo.clear()
            memo[norm] = hits
        return hits

    def _record_typo(
        self, hit: list[Entry[R]] | None, here: tuple[Pieces, int, int, int], found: list[TermMatch[R]]
    ) -> None:
        if hit:
            self._record([e for e in hit if e.typos], here, "", TYPO, None, None, found)

    def _record(
        self,
        hit: list[Entry[R]] | None,
        here: tuple[Pieces, int, int, int],
        key: str,
        variant: str,
        bounds: tuple[int, ...] | None,
        base: str | None,
        found: list[TermMatch[R]],
    ) -> None:
        if not hit:
            return
        refs: list[R] = []
        worst = variant
        for entry in hit:
            v = variant
            if v == EXACT and bounds is not None and not self._same_shape(key, bounds, entry.lengths):
                v = SPACING
            v = weakest_variant(v, base, entry.form)
            if v not in MODES[entry.mode]:
                continue
            if entry.form == MODEL and not near_family(here[0], here[1], entry.family, self._stored):
                continue
            if entry.form == PART and after_indefinite(here[0], here[1]):
                continue
            refs.append(entry.ref)
            worst = weakest_variant(worst, v)
        if refs:
            found.append(TermMatch(here[2], here[3], key, worst, CONFIDENCE[worst], tuple(refs)))

    def _same_shape(self, key: str, bounds: tuple[int, ...], stored: tuple[int, ...] | str) -> bool:
        if isinstance(stored, tuple):
            return bounds == stored
        # the shape is of the pieces alone: a joiner ("Kessler & Söhne") stands in the key, not in them
        plain = key.replace(AMP, "")
        return self.key_transform is not None and self.key_transform(shape_key(plain, bounds)) == stored


def build_index(terms: Iterable[tuple[str, R, str]]) -> TermIndex[R]:
    """An index of ``(term, ref, mode)`` triples."""
    index: TermIndex[R] = TermIndex()
    for term, ref, mode in terms:
        index.add(term, ref, mode)
    index.freeze()
    return index
