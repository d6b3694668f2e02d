"""Build an extracted text from per-character replacements of the source.

Every extractor works the same way: it starts with one piece per source
character (the character itself), blanks what is not prose, deletes markup
that sits inside words and replaces entities by what they decode to. :func:`build`
turns the pieces into the checked text and the :class:`OffsetMap` back to the source.
"""

from __future__ import annotations

import html
import re

from postguard.model import OffsetMap

_NOT_LINE_BREAK = re.compile(r"[^\r\n]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")


def blank(ch: str) -> str:
    """The blank for one source character: line breaks stay, everything else becomes a space."""
    return ch if ch in "\r\n" else " "


def initial(source: str) -> list[str]:
    """One piece per source character, all visible."""
    return list(source)


def blank_range(pieces: list[str], source: str, start: int, end: int) -> None:
    start, end = max(start, 0), min(end, len(source))
    if end > start:
        pieces[start:end] = _NOT_LINE_BREAK.sub(" ", source[start:end])


def show_range(pieces: list[str], source: str, start: int, end: int) -> None:
    """Make ``source[start:end]`` visible again, as written."""
    start, end = max(start, 0), min(end, len(source))
    if end > start:
        pieces[start:end] = source[start:end]


def delete_range(pieces: list[str], source: str, start: int, end: int) -> None:
    """Remove characters from the checked text (markup inside a word, such as ``**``)."""
    for i in range(max(start, 0), min(end, len(source))):
        pieces[i] = "" if source[i] not in "\r\n" else source[i]


def decode_entity(pieces: list[str], start: int, raw: str) -> None:
    """Replace the entity ``raw`` at ``start`` by its decoded text; unknown entities stay as written."""
    decoded = html.unescape(raw)
    if decoded == raw:
        return
    pieces[start] = decoded
    for i in range(start + 1, start + len(raw)):
        pieces[i] = ""


def decode_entities_in(pieces: list[str], source: str, start: int, end: int) -> None:
    """Decode every character reference in ``source[start:end]`` (an attribute value, say)."""
    for m in _ENTITY.finditer(source, start, end):
        decode_entity(pieces, m.start(), m.group())


def build(pieces: list[str]) -> tuple[str, OffsetMap]:
    """Join the pieces; every checked character maps to the source character it came from.

    A piece longer than one character (a decoded entity) maps all its characters
    to the first character of the entity.
    """
    text = "".join(pieces)
    irregular = [i for i, piece in enumerate(pieces) if len(piece) != 1]
    if not irregular:
        return text, OffsetMap.identity()
    segments: list[tuple[int, int]] = [(0, 0)]
    checked = 0  # checked offset of source position `done`
    done = 0
    for i in irregular:
        checked += i - done  # the one-to-one run before this piece
        piece = pieces[i]
        segments.extend((checked + k, i) for k in range(len(piece)))
        checked += len(piece)
        done = i + 1
        segments.append((checked, done))
    # Later segments at the same checked offset replace earlier ones (a deleted character maps nowhere).
    merged: dict[int, int] = {}
    for c, s in segments:
        merged[c] = s
    return text, OffsetMap.from_segments(sorted(merged.items()))
