"""Promotion cues: offers, prices, calls to buy, shops, codes; strong and weak."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from postguard.plugin import (
    find_urls,
)

from .settings import Compiled

# The promotion cues are data: the default pack's `buy_phrases`, `weak_cues`, `pointer_phrases`,
# `shop_paths` and `[[disclosure.cue_patterns]]` (amounts, prices, discount codes), compiled once in
# settings.prepare. *Strong* cues make an offer or ask to buy; *weak* ones are words that everyday
# posts use too: on their own they make PG501 a hint (info), not an error.


@dataclass(frozen=True, slots=True)
class Cues:
    """The promotion cues of a draft: where the first one starts, and the one to name in a message."""

    first: int
    shown: tuple[int, int]
    strong: bool
    pointer: tuple[int, int] | None = None  # a weak pointer to buy ("Link in Bio"), if any


def _anywhere(start: int, end: int) -> bool:
    return True


def find_cues(text: str, comp: Compiled, near: Callable[[int, int], bool] = _anywhere) -> Cues | None:
    """The promotion cues in ``text`` that are ``near`` a brand: the first of any, and the first
    strong one (else the first weak)."""
    low = text.lower()
    strong: list[tuple[int, int]] = []
    weak: list[tuple[int, int]] = []
    pointers: list[tuple[int, int]] = []

    def first(pattern: Any) -> tuple[int, int] | None:
        return next((m.span() for m in pattern.finditer(text) if near(*m.span())), None)

    for keys, pattern, is_strong, is_pointer in comp.cue_table:
        if (not keys or any(k in low for k in keys)) and (span := first(pattern)):
            (strong if is_strong else weak).append(span)
            if is_pointer:
                pointers.append(span)
    if "/" in text and comp.shop_paths:
        shop = next(
            (
                (a, b)
                for a, b in find_urls(text)
                if any(p in low[a:b] for p in comp.shop_paths) and near(a, b)
            ),
            None,
        )
        if shop:
            strong.append(shop)
    if comp.shop is not None and any(h in low for h in comp.shop_keys) and (span := first(comp.shop)):
        strong.append(span)
    if comp.cues is not None and any(k in low for k in comp.cue_keys) and (span := first(comp.cues)):
        strong.append(span)  # the company's own cues: its compliance team chose them
    if not strong and not weak:
        return None
    shown = min(strong) if strong else min(weak)
    pointer = min(pointers) if pointers else None
    return Cues(first=min(strong + weak)[0], shown=shown, strong=bool(strong), pointer=pointer)
