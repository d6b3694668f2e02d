"""Shared data types: line/column and UTF-16 offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from postguard.model import LineIndex, utf16_offset

TEXT = st.lists(st.sampled_from(["a", "ä", "\n", "\r", "\r\n", "😀", " "]), max_size=30).map("".join)


def reference_position(text: str, offset: int) -> tuple[int, int]:
    """Line and column by walking the text one character at a time (CRLF is one line end)."""
    starts = [0]
    i = 0
    while i < len(text):
        if text[i] == "\r" and text[i + 1 : i + 2] == "\n":
            i += 1
        if text[i] in "\r\n":
            starts.append(i + 1)
        i += 1
    line = max(n for n, s in enumerate(starts) if s <= offset)
    return line + 1, offset - starts[line] + 1


@given(TEXT, st.data())
def test_line_index_agrees_with_a_character_walk(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert LineIndex(text).position(offset) == reference_position(text, offset)


def test_line_index_counts_every_line_ending() -> None:
    index = LineIndex("eins\r\nzwei\rdrei\nvier")
    assert [index.position(o) for o in (0, 6, 11, 16)] == [(1, 1), (2, 1), (3, 1), (4, 1)]
    assert [index.line_text(n) for n in (1, 2, 3, 4)] == ["eins", "zwei", "drei", "vier"]


def test_utf16_offsets_count_an_emoji_twice() -> None:
    text = "😀 Sturmvogel"
    assert utf16_offset(text, 2) == 3
    assert utf16_offset(text, len(text)) == len(text) + 1
