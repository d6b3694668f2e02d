"""Build an extracted text from a char map: what each character of the source becomes.

A char map is a list with one string per source character: the character
itself, a blank, ``""`` (deleted) or the text an entity decodes to. Every
extractor works the same way: it starts with each source character as it is,
blanks what is not prose, deletes markup that sits inside words and replaces
entities by what they decode to. :func:`build` joins the map into the checked
text and the :class:`OffsetMap` back to the source.

(Not to be confused with :mod:`postguard.pieces`, the runs of letters the term
index matches on: a char map is per source character, and only the extraction uses it.)
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
    """The char map of ``source`` with every character visible, as written."""
    return list(source)


def blank_range(chars: list[str], source: str, start: int, end: int) -> None:
    start, end = max(start, 0), min(end, len(source))
    if end > start:
        chars[start:end] = _NOT_LINE_BREAK.sub(" ", source[start:end])


def show_range(chars: list[str], source: str, start: int, end: int) -> None:
    """Make ``source[start:end]`` visible again, as written."""
    start, end = max(start, 0), min(end, len(source))
    if end > start:
        chars[start:end] = source[start:end]


def delete_range(chars: list[str], source: str, start: int, end: int) -> None:
    """Remove characters from the checked text (markup inside a word, such as ``**``)."""
    for i in range(max(start, 0), min(end, len(source))):
        chars[i] = "" if source[i] not in "\r\n" else source[i]


def decode_entity(chars: list[str], start: int, raw: str) -> None:
    """Replace the entity ``raw`` at ``start`` by its decoded text; unknown entities stay as written."""
    decoded = html.unescape(raw)
    if decoded == raw:
        return
    chars[start] = decoded
    for i in range(start + 1, start + len(raw)):
        chars[i] = ""


def decode_entities_in(chars: list[str], source: str, start: int, end: int) -> None:
    """Decode every character reference in ``source[start:end]`` (an attribute value, say)."""
    for m in _ENTITY.finditer(source, start, end):
        decode_entity(chars, m.start(), m.group())


def build(chars: list[str]) -> tuple[str, OffsetMap]:
    """Join the char map; every checked character maps to the source character it came from.

    An entry longer than one character (a decoded entity) maps all its characters
    to the first character of the entity.
    """
    text = "".join(chars)
    irregular = [i for i, char in enumerate(chars) if len(char) != 1]
    if not irregular:
        return text, OffsetMap.identity()
    segments: list[tuple[int, int]] = [(0, 0)]
    checked = 0  # checked offset of source position `done`
    done = 0
    for i in irregular:
        checked += i - done  # the one-to-one run before this entry
        char = chars[i]
        segments.extend((checked + k, i) for k in range(len(char)))
        checked += len(char)
        done = i + 1
        segments.append((checked, done))
    # Later segments at the same checked offset replace earlier ones (a deleted character maps nowhere).
    merged: dict[int, int] = {}
    for c, s in segments:
        merged[c] = s
    return text, OffsetMap.from_segments(sorted(merged.items()))
