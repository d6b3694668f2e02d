"""Looking up a pack's terms across its plain and hashed parts: one index, one host table.

See :mod:`postguard.rulepacks.hashed` for the hashed format and :mod:`postguard.rulepacks.indexing`
for how the parts are built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from postguard.matches import Entry, R, TermMatch, resolve_matches
from postguard.rulepacks.hashed import KeyedHash
from postguard.terms import Pieces, TermIndex


class HashedIndex(TermIndex[int]):
    """The index of one hashed pack (``key_transform`` its keyed hash).

    ``swaps_stored`` (format 4): a term's swaps ("Sturmvgoel") are among its deletion keys, so
    a word's typo lookups are its deletion keys and its deletions as terms, and a word that is
    a swap of a term is found by the keyed hash of the word itself, not by one keyed hash per
    swap of every word of 7 to 31 letters of a draft. The same lookups as the plain path find
    the same terms: nothing here is cheaper for whoever guesses names.
    """

    def __init__(self, key_transform: KeyedHash, *, swaps_stored: bool = False) -> None:
        super().__init__(key_transform)
        self.swaps_stored = swaps_stored

    def _typo_hits(self, norm: str) -> list[list[Entry[int]]]:
        if not self.swaps_stored:
            return super()._typo_hits(norm)
        memo = self._typo_memo
        hits = memo.get(norm)
        if hits is None:
            found = [self.entries.get(key) for key in {*self.typo_keys.candidates(norm, self.key_transform)}]
            found += [self._get(norm[:p] + norm[p + 1 :]) for p in range(len(norm))]
            hits = [h for h in found if h]
            if len(memo) >= 100_000:
                memo.clear()
            memo[norm] = hits
        return hits


class MultiIndex(TermIndex[R]):
    """Several indexes (the plain one, one per hashed pack and salt) answering as one."""

    def __init__(self, parts: Sequence[TermIndex[R]]) -> None:
        super().__init__()
        self.parts = [p for p in parts if len(p)]

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def find_all(self, pieces: Pieces) -> list[TermMatch[R]]:
        return [m for p in self.parts for m in p.find_all(pieces)]

    def find(self, pieces: Pieces) -> list[TermMatch[R]]:
        return resolve_matches(self.find_all(pieces))

    def find_around(self, pieces: Pieces, start: int, end: int) -> list[TermMatch[R]]:
        return resolve_matches([m for p in self.parts for m in p.find_around(pieces, start, end)])


class HostTable(Mapping[str, tuple[int, ...]]):
    """Host suffix -> entries, for plain hosts and hashed ones (looked up by their hash). Read-only.

    Iterating gives the plain hosts only: a hashed host is known by its digest, never by name.
    """

    __slots__ = ("_hashed", "_plain")

    def __init__(
        self,
        plain: Mapping[str, Sequence[int]] | None = None,
        hashed: Sequence[tuple[KeyedHash, Mapping[str, Sequence[int]]]] = (),
    ) -> None:
        self._plain = {k: tuple(v) for k, v in (plain or {}).items()}
        self._hashed = tuple((t, {k: tuple(v) for k, v in table.items()}) for t, table in hashed)

    def _hit(self, key: object) -> tuple[int, ...] | None:
        if not isinstance(key, str):
            return None
        plain = self._plain.get(key)
        if plain is not None:
            return plain
        for transform, table in self._hashed:
            found = table.get(transform(key))
            if found is not None:
                return found
        return None

    def __contains__(self, key: object) -> bool:
        return self._hit(key) is not None

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self._hit(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain) + sum(len(t) for _, t in self._hashed)

    def __reduce__(self) -> Any:
        return (HostTable, (self._plain, self._hashed))
