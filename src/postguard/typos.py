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


def digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


class DeletionKeys:
    """The deletion neighbourhood of the eligible terms of one index."""

    def __init__(self) -> None:
        self.terms: list[str] = []  # stored (possibly transformed) key of each eligible term
        self._pending: list[tuple[int, int]] = []
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

    def add_hashed(self, stored: str, deletions: Iterable[tuple[int, int]]) -> None:
        """A term of a hashed pack: its stored key and its deletion keys as (digest, position).

        The term's length is not known (a hashed pack does not give it away): any word of an
        eligible length may be one edit from it.
        """
        n = len(self.terms)
        self.terms.append(stored)
        self._pending.extend((h, n << 5 | p) for h, p in deletions)
        self.lengths.update(range(MIN_TYPO_LEN - 1, MAX_TYPO_LEN + 2))

    def pending(self) -> list[tuple[int, int]]:
        """The deletion keys added since the last :meth:`freeze`, as (digest, position)."""
        return [(h, code & 31) for h, code in self._pending]

    def freeze(self) -> None:
        if not self._pending:
            return
        merged = sorted([*zip(self.hashes, self.codes, strict=True), *self._pending])
        self.hashes = array("q", (h for h, _ in merged))
        self.codes = array("q", (c for _, c in merged))
        self._pending = []

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
