"""One-edit typing errors in distinctive terms, by exact key lookups only (a deletion neighbourhood).

For every eligible term ``t`` the index keeps the keys ``t`` minus one letter,
each with the position of the letter removed ("symmetric delete"). A word ``w``
of the text is then one edit from ``t`` when

* ``w`` is such a key (a letter is missing in the text),
* ``w`` minus its letter at ``p`` is ``t`` itself (a letter too many),
* ``w`` minus its letter at ``p`` is a key of ``t`` removed at the same ``p``
  (a letter substituted), or
* ``w`` with two neighbouring letters swapped is ``t`` (a swap).

Each test is a lookup of a whole key, so it still works when keys are salted
hashes (the index's ``key_transform``). The deletion keys are kept as sorted
64-bit digests in two arrays rather than a dict: a 100,000-term pack adds about
a million of them, which as Python strings would cost hundreds of megabytes
and a slow cache load.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator

#: Terms shorter than this get no typo tolerance: short words have too many one-edit neighbours.
MIN_TYPO_LEN = 8
MAX_TYPO_LEN = 30


#: A packed deletion key of a hashed pack: int64 digest, uint8 position (``struct`` format ``<qB``).
PACKED_SIZE = 9
_PACKED = [("digest", "<i8"), ("position", "u1")]


def digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


class DeletionKeys:
    """The deletion neighbourhood of the eligible terms of one index."""

    def __init__(self) -> None:
        self.terms: list[str] = []  # stored (possibly transformed) key of each eligible term
        self._pending: list[tuple[int, int]] = []
        #: Hashed terms' deletion keys as packed ``<qB`` records (digest, position), by term number.
        self._packed: list[tuple[int, bytes]] = []
        self.hashes = array("q")
        self.codes = array("q")
        self.heads: set[tuple[str, int]] = set()
        self.tails: set[tuple[str, int]] = set()
        self.lengths: set[int] = set()

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, key: str, stored: str, transform: Callable[[str], str] | None, filters: bool) -> None:
        n = len(self.terms)
        self.terms.append(stored)
        for p in range(len(key)):
            deleted = key[:p] + key[p + 1 :]
            self._pending.append((digest(transform(deleted) if transform else deleted), n << 5 | p))
        self.lengths.update((len(key) - 1, len(key), len(key) + 1))
        if filters:  # first four / last three letters: an edit leaves one of them intact (8+ letters)
            self.heads.add((key[:4], len(key)))
            self.tails.add((key[-3:], len(key)))

    def add_hashed(self, stored: str, deletions: Iterable[tuple[int, int]] | bytes) -> None:
        """A term of a hashed pack: its stored key and its deletion keys as (digest, position).

        ``deletions`` may also be the pack's packed records (little-endian int64 digest, uint8
        position), decoded in bulk by :meth:`freeze`. The term's length is not known (a hashed
        pack does not give it away): any word of an eligible length may be one edit from it.
        """
        n = len(self.terms)
        self.terms.append(stored)
        if isinstance(deletions, bytes):
            if len(deletions) % PACKED_SIZE:
                raise ValueError("deletion keys are 9-byte records")
            self._packed.append((n, deletions))
        else:
            self._pending.extend((h, n << 5 | p) for h, p in deletions)
        self.lengths.update(range(MIN_TYPO_LEN - 1, MAX_TYPO_LEN + 2))

    def pending(self) -> list[tuple[int, int]]:
        """The deletion keys added since the last :meth:`freeze`, as (digest, position)."""
        return [(h, code & 31) for h, code in self._pending]

    def freeze(self) -> None:
        if self._packed or len(self._pending) + len(self.hashes) > 50_000:
            self._freeze_bulk()
            return
        if not self._pending:
            return
        merged = sorted([*zip(self.hashes, self.codes, strict=True), *self._pending])
        self.hashes = array("q", (h for h, _ in merged))
        self.codes = array("q", (c for _, c in merged))
        self._pending = []

    def _freeze_bulk(self) -> None:
        """:meth:`freeze` with numpy: a large pack's million keys are sorted in C, not as tuples.

        Same order as the tuple sort (by digest, then code). numpy comes with spaCy.
        """
        import numpy as np

        hashes = [
            np.frombuffer(self.hashes, dtype=np.int64),
            np.fromiter((h for h, _ in self._pending), np.int64),
        ]
        codes = [
            np.frombuffer(self.codes, dtype=np.int64),
            np.fromiter((c for _, c in self._pending), np.int64),
        ]
        if self._packed:
            records = np.frombuffer(b"".join(b for _, b in self._packed), dtype=_PACKED)
            counts = [len(b) // PACKED_SIZE for _, b in self._packed]
            terms = np.repeat(np.array([n for n, _ in self._packed], dtype=np.int64), counts)
            hashes.append(records["digest"].astype(np.int64))
            codes.append(terms << 5 | records["position"].astype(np.int64))
        h, c = np.concatenate(hashes), np.concatenate(codes)
        order = np.lexsort((c, h))
        self.hashes = array("q", h[order].astype("<i8").tobytes())
        self.codes = array("q", c[order].astype("<i8").tobytes())
        self._pending, self._packed = [], []

    def may_match(self, word: str) -> bool:
        """A cheap filter: could ``word`` be one edit from an eligible term?"""
        n = len(word)
        if n not in self.lengths:
            return False
        if not self.heads:  # hashed pack: no filter that would reveal letters
            return True
        head, tail = word[:4], word[-3:]
        heads, tails = self.heads, self.tails
        return any((head, n + d) in heads or (tail, n + d) in tails for d in (-1, 0, 1))

    def _codes(self, key: str, transform: Callable[[str], str] | None) -> Iterator[int]:
        h = digest(transform(key) if transform else key)
        hashes = self.hashes
        k = bisect_left(hashes, h)
        while k < len(hashes) and hashes[k] == h:
            yield self.codes[k]
            k += 1

    def candidates(self, word: str, transform: Callable[[str], str] | None) -> Iterator[str]:
        """Stored keys of the terms one edit from ``word``, found through the deletion keys.

        The ``word minus one letter is a term`` and ``swap`` cases are lookups
        in the main index; :meth:`edits` yields those keys.
        """
        for code in self._codes(word, transform):
            yield self.terms[code >> 5]
        for p in range(len(word)):
            for code in self._codes(word[:p] + word[p + 1 :], transform):
                if code & 31 == p:
                    yield self.terms[code >> 5]


def edits(word: str) -> Iterator[str]:
    """``word`` minus one letter, and ``word`` with two neighbours swapped: keys to look up as terms."""
    for p in range(len(word)):
        yield word[:p] + word[p + 1 :]
    for p in range(len(word) - 1):
        if word[p] != word[p + 1]:
            yield word[:p] + word[p + 1] + word[p] + word[p + 2 :]
