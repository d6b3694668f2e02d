"""Lines, columns and UTF-16 offsets: one index for everyone who renders positions.

Offsets everywhere in postguard are code point offsets into the source text. Lines and columns,
and the UTF-16 code units that JavaScript, Java, SARIF, GitHub annotations and LanguageTool count,
are derived here, only when something is rendered (formatters, the server, suppressions).
Imports nothing of postguard, so every layer may use it.
"""

from __future__ import annotations

import bisect
import re

_LINE_END = re.compile(r"\r\n|\r|\n")
_NEWLINE = re.compile(r"\n")


def utf16_len(text: str) -> int:
    """How many UTF-16 code units ``text`` has (characters beyond U+FFFF count twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_offset(text: str, offset: int) -> int:
    """The UTF-16 code unit offset for a code point offset (what JavaScript and Java count)."""
    return utf16_len(text[:offset])


def newline_starts(text: str) -> list[int]:
    """The offset each line of ``text`` starts at when only ``\\n`` ends a line: the lines that
    html.parser's positions and markdown-it's block maps count (:class:`LineIndex` also ends a
    line at a lone ``\\r``, as editors do)."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


class LineIndex:
    """Line and column (both 1-based, columns in code points) for offsets in a text.

    ``\\r\\n``, ``\\n`` and ``\\r`` all end a line. ``starts`` holds the offset each line starts at.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def utf16_position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``, the column counted in UTF-16 code units."""
        line, _ = self.position(offset)
        return line, 1 + utf16_len(self.text[self.starts[line - 1] : offset])

    def line_range(self, line: int) -> tuple[int, int]:
        """Offsets from the start of ``line`` to the start of the next one (past the end: empty)."""
        if line > len(self.starts):
            end = len(self.text)
            return end, end
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return start, end

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line break."""
        start, end = self.line_range(line)
        return self.text[start:end].rstrip("\r\n")
