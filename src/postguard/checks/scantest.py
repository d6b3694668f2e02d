"""Cheap tests that prove a regular-expression scan cannot match, so a check can skip it.

A full scan of a 2 KB draft with one pattern costs 30-100 µs here; most of the
secret check's patterns never match ordinary prose. Two exact tests, both done
in C (``bytes`` searches), decide whether a scan is needed at all:

- :class:`Words`: does one of these words occur in ``text.casefold()``? For ASCII
  words this is answered on ``text`` lowered as UTF-8 bytes, which gives the same
  answer as ``casefold`` unless the text holds one of the 18 characters whose
  case folding yields ASCII letters besides ``ß`` (``ſ``, ``K``, ``ﬁ``...; then
  ``casefold`` itself is used);
- :func:`required`: strings one of which every match of a pattern contains,
  read from the pattern's syntax tree (the standard library's parser: ``regex``
  has no public one); ``None`` when they cannot be told safely.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

#: Characters other than ß whose case folding contains an ASCII letter (``ſ`` -> ``s``, ``K`` -> ``k``):
#: written out, as finding them among all of Unicode took 0.7 s at every start of the CLI (a test
#: recomputes them for this Python's Unicode version, :func:`odd_folds`).
ODD_FOLDS = (
    "\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
    "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
)


def odd_folds() -> str:
    """:data:`ODD_FOLDS` computed from this Python's Unicode database (slow: for the tests)."""
    return "".join(
        c
        for c in map(chr, range(0x80, sys.maxunicode + 1))
        if c != "ß" and any(f.isascii() for f in c.casefold())
    )


_ODD = re.compile(f"[{re.escape(ODD_FOLDS)}]")
_SHARP_S = "ß".encode()
_ASCII_PART = re.compile(r"[\x00-\x7f]+")


def ascii_fold(text: str) -> bytes | None:
    """``text.casefold()`` as far as ASCII words can tell (UTF-8 bytes); ``None`` when it cannot be told."""
    if text.isascii():
        return text.encode("ascii").lower()
    try:  # a text of Latin-1 characters is copied as it is (none of them folds oddly but ß)
        folded = text.encode("latin-1").lower()
    except UnicodeEncodeError:
        pass
    else:
        return folded.replace(b"\xdf", b"ss") if b"\xdf" in folded else folded
    if _ODD.search(text) is not None:  # a stdlib character-set scan: 7 µs per KB
        return None
    folded = text.encode("utf-8", "surrogatepass").lower()  # lowers ASCII bytes only
    return folded.replace(_SHARP_S, b"ss") if _SHARP_S in folded else folded


def _minimal(words: Iterable[str]) -> tuple[str, ...]:
    """The words without those that contain another one (which cannot change the answer of "any")."""
    unique = sorted(set(words), key=len)
    out: list[str] = []
    for w in unique:
        if not any(v in w for v in out):
            out.append(w)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Words:
    """Words looked for in a case-folded text; ``squeeze`` drops ``_`` and ``-`` from the text first."""

    words: tuple[str, ...]
    ascii: tuple[bytes, ...]  # the ASCII words
    fragments: tuple[bytes, ...]  # of each other word its longest ASCII part (b"" when it has none)
    squeeze: bool = False

    @classmethod
    def of(cls, words: Iterable[str], *, squeeze: bool = False) -> Words:
        folded = _minimal(w.casefold() for w in words)
        ascii_words = tuple(w.encode("ascii") for w in folded if w.isascii())
        fragments = tuple(
            max(_ASCII_PART.findall(w), key=len, default="").encode("ascii")
            for w in folded
            if not w.isascii()
        )
        return cls(folded, ascii_words, fragments, squeeze)

    def any_in(self, text: str, fold: bytes | None) -> bool:
        """``any(w in text.casefold() for w in words)`` (squeezed), ``fold`` being ``ascii_fold(text)``."""
        if fold is not None:
            if self.squeeze:
                fold = fold.replace(b"_", b"").replace(b"-", b"")
            if any(w in fold for w in self.ascii):
                return True
            # a word beyond ASCII can occur only where its ASCII part does: casefold only then
            if not any(f in fold for f in self.fragments):
                return False
        folded = text.casefold()
        if self.squeeze:
            folded = folded.replace("_", "").replace("-", "")
        return any(w in folded for w in self.words)


# -- the strings every match of a pattern contains ---------------------------------------

_LIMIT = 32  # strings in one finite set
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", sre_c.MAX_REPEAT))
#: ``{`` that is no counted repeat (``regex``'s fuzzy matching, ``{e<=1}``) is read differently by the
#: standard library's parser: such patterns get no test.
_ODD_BRACE = re.compile(r"\{(?!\d*(?:,\d*)?\})")


def _cross(a: set[str], b: set[str]) -> set[str] | None:
    out = {x + y for x in a for y in b}
    return out if len(out) <= _LIMIT else None


def _exact_seq(items: Sequence[Any]) -> set[str] | None:
    out: set[str] | None = {""}
    for op, av in items:
        lang = _exact(op, av)
        if lang is None or out is None:
            return None
        out = _cross(out, lang)
    return out


def _exact(op: Any, av: Any) -> set[str] | None:
    """The finite set of strings a node matches (zero-width nodes: the empty string), or ``None``."""
    if op is sre_c.LITERAL:
        return {chr(av)}
    if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
        return {""}
    if op is sre_c.SUBPATTERN:
        return _exact_seq(av[3])
    if op is getattr(sre_c, "ATOMIC_GROUP", None):
        return _exact_seq(av)
    if op is sre_c.BRANCH:
        return _union(av[1], _exact_seq)
    if op is sre_c.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is sre_c.LITERAL:
                chars.add(chr(iav))
            elif iop is sre_c.RANGE and iav[1] - iav[0] < 8:
                chars.update(map(chr, range(iav[0], iav[1] + 1)))
            else:
                return None  # NEGATE, CATEGORY, a wide range
        return chars if len(chars) <= 8 else None
    if op in _REPEATS:
        low, high, item = av
        if low != high or low > 4:
            return None
        one = _exact_seq(item)
        out2: set[str] | None = {""}
        for _ in range(low):
            if one is None or out2 is None:
                return None
            out2 = _cross(out2, one)
        return out2
    return None


def _union(branches: Sequence[Any], of: Callable[[Any], set[str] | None]) -> set[str] | None:
    """The union of ``of(branch)`` over an alternation's branches; ``None`` when one branch gives
    none or the union has more than ``_LIMIT`` strings."""
    out: set[str] = set()
    for branch in branches:
        part = of(branch)
        if part is None:
            return None
        out |= part
    return out if len(out) <= _LIMIT else None


def _required_seq(items: Sequence[Any]) -> set[str] | None:
    """Strings one of which every match of the sequence contains (each non-empty), or ``None``."""
    candidates: list[set[str]] = []
    run: set[str] = {""}
    for op, av in items:
        lang = _exact(op, av)
        if lang is not None:
            joined = _cross(run, lang)
            if joined is None:
                candidates.append(run)
                run = lang
            else:
                run = joined
            continue
        candidates.append(run)
        run = {""}
        req = _required(op, av)
        if req is not None:
            candidates.append(req)
    candidates.append(run)
    useful = [c for c in candidates if c and "" not in c]
    if not useful:
        return None
    return max(useful, key=lambda c: (min(map(len, c)), -len(c)))


def _required(op: Any, av: Any) -> set[str] | None:
    if op is sre_c.SUBPATTERN:
        return _required_seq(av[3])
    if op is getattr(sre_c, "ATOMIC_GROUP", None):
        return _required_seq(av)
    if op is sre_c.BRANCH:
        return _union(av[1], _required_seq)
    if op in _REPEATS and av[0] >= 1:
        return _required_seq(av[2])
    return None


#: An inline flag group that names ``i`` (``(?i)``, ``(?i:...)``, ``(?-i:...)``): read as ignoring case.
_CASE_FLAG = re.compile(r"\(\?[a-zA-Z-]*i[a-zA-Z-]*[:)]")


@dataclass(frozen=True, slots=True)
class Required:
    """Strings one of which every match contains; looked for case-folded when the pattern ignores case."""

    strings: tuple[str, ...]
    words: Words | None  # the case-insensitive test, else None

    def maybe_in(self, text: str, fold: bytes | None) -> bool:
        if self.words is not None:
            return self.words.any_in(text, fold)
        return any(s in text for s in self.strings)


def required(pattern: Any) -> Required | None:
    """The :class:`Required` test of a compiled ``regex`` (or ``re``) pattern, or ``None``."""
    source = pattern.pattern
    if not isinstance(source, str) or _ODD_BRACE.search(source):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set": regex's set operations, read otherwise
            tree = sre_parse.parse(source)
    except Exception:  # regex-only syntax (\p{L}, (?|...)): no test, the scan runs
        return None
    strings = _required_seq(tree)
    if strings is None:
        return None
    ignore = bool((tree.state.flags | pattern.flags) & re.IGNORECASE) or _CASE_FLAG.search(source) is not None
    ordered = tuple(sorted(strings))
    return Required(ordered, Words.of(ordered) if ignore else None)
