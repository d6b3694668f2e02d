"""Looking up a pack's terms across its plain and hashed parts: one index, one host table.

See :mod:`postguard.rulepacks.hashed` for the hashed format and :mod:`postguard.rulepacks.indexing`
for how the parts are built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from postguard.matches import TermMatch, resolve_matches
from postguard.rulepacks.hashed import KeyedHash
from postguard.terms import Pieces, TermIndex


class MultiIndex(TermIndex):
    """Several indexes (the plain one, one per hashed pack and salt) answering as one."""

    def __init__(self, parts: Sequence[TermIndex]) -> None:
        super().__init__()
        self.parts = [p for p in parts if len(p)]

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def find_all(self, pieces: Pieces) -> list[TermMatch]:
        return [m for p in self.parts for m in p.find_all(pieces)]

    def find(self, pieces: Pieces) -> list[TermMatch]:
        return resolve_matches(self.find_all(pieces))

    def find_around(self, pieces: Pieces, start: int, end: int) -> list[TermMatch]:
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
