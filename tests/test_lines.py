"""The one line table: lines as editors count them, and as html.parser and markdown-it count them."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from postguard.lines import LineIndex, newline_starts


def test_only_a_line_feed_ends_a_parser_line() -> None:
    text = "a\r\nb\rc\nd"
    assert newline_starts(text) == [0, 3, 7]
    assert LineIndex(text).starts == [0, 3, 5, 7]  # an editor also breaks at the lone \r


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, int]] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.found.append(self.getpos())


@given(st.lists(st.sampled_from(["<b>", "x", "\n", "\r", "\r\n", "é", "😀"]), max_size=30))
def test_html_parser_positions_map_back_to_the_tag(parts: list[str]) -> None:
    text = "".join(parts)
    parser = _Tags()
    parser.feed(text)
    parser.close()
    starts = newline_starts(text)
    offsets = [starts[line - 1] + col for line, col in parser.found]
    assert offsets == [i for i in range(len(text)) if text.startswith("<b>", i)]
