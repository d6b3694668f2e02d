"""Image hashes as numbers and text: distances and the ``p:`` + 16 hex digits form packs store.

No imaging library is needed here; :mod:`postguard.images.phash` computes the hashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PREFIX = "p:"
#: Largest Hamming distance (of 64 bits) that still counts as the same picture.
THRESHOLD = 8


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def nearest(value: int, references: Iterable[int]) -> int:
    """The smallest distance from ``value`` to any reference (65 when there are none)."""
    return min((distance(value, r) for r in references), default=65)


def format_hash(value: int) -> str:
    return f"{PREFIX}{value:016x}"


def parse_hash(text: str) -> int:
    """Read ``p:`` + 16 hex digits; :class:`ValueError` for anything else."""
    s = text.strip().lower()
    if not s.startswith(PREFIX) or len(s) != len(PREFIX) + 16:
        raise ValueError(f"{text!r} is not an image hash (expected p: and 16 hex digits)")
    try:
        return int(s[len(PREFIX) :], 16)
    except ValueError:
        raise ValueError(f"{text!r} is not an image hash (expected p: and 16 hex digits)") from None


def format_hashes(values: Sequence[int]) -> list[str]:
    return [format_hash(v) for v in values]
