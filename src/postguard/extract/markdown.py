"""Markdown (CommonMark with GFM tables and strikethrough), parsed with markdown-it-py.

What stays in the checked text, at its source position:

* paragraph, heading, list, quote and table text, with character references
  decoded and backslash escapes resolved (the backslash is removed);
* link text, link destinations and titles, image alt text and image sources
  (internal hosts and stock images are found there); the URL and title of
  reference definitions (``[label]: URL "title"``);
* raw HTML as :mod:`postguard.extract.html` treats it (text inside inline
  ``<code>``, ``<pre>``, ``<script>`` and ``<style>`` is not checked);
* front matter values that hold text (:mod:`postguard.extract.frontmatter`).

Blanked (spaces, line breaks kept): code blocks (fenced and indented), inline
code, HTML comments, thematic breaks and markup punctuation (``#``, ``>``, list
markers, link brackets, table pipes). Emphasis and strikethrough delimiters are
removed instead, so ``Sturm**vogel**`` is checked as one word.

markdown-it-py gives block tokens their source lines but inline tokens no
positions, so each inline token is located in its block's content in order,
and the content lines in the source lines. A line that cannot be aligned (rare:
tabs inside containers) is kept as written, so nothing goes unchecked.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

from postguard.extract import charmap
from postguard.extract import html as html_extract
from postguard.extract.frontmatter import FrontMatter, parse_front_matter
from postguard.extract.structure import Collector, Pending, attributes, quote_block
from postguard.model import Extracted

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BLANKED_BLOCKS = frozenset(
    {"fence", "code_block", "hr", "html_block", "paragraph_open", "heading_open", "table_open"}
)
_REF_LABEL = re.compile(r"\[(?:\\.|[^\]\\])*\]:")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_BARE_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)])\s*$")


@functools.cache
def _parser() -> MarkdownIt:
    # text_join would merge escapes and entities into the text around them; keeping them
    # apart lets each be located in the source.
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    # Link targets are read from the source, never from the tokens: skip percent-encoding and
    # punycode (a third of the inline parsing time for link-heavy posts).
    md.normalizeLink = _same  # type: ignore[method-assign]
    md.normalizeLinkText = _same  # type: ignore[method-assign,assignment]
    return md


def _same(url: str) -> str:
    return url


def extract_markdown(source: str) -> Extracted:
    chars = charmap.initial(source)
    front = parse_front_matter(source)
    markdown_source = source
    if source.startswith("\ufeff"):  # a byte order mark is not text
        chars[0] = " "
        markdown_source = " " + source[1:]
    metadata: dict[str, str] = {}
    notes = Collector()
    if front is not None:
        apply_front_matter(chars, source, front, notes)
        metadata = dict(front.metadata)
        # Give the parser blank lines instead, so its line numbers stay the source's.
        markdown_source = "".join(charmap.blank(c) for c in source[: front.end]) + source[front.end :]
    walker = _Walker(source, chars, notes)
    walker.run(_parser().parse(markdown_source))
    text, offsets = charmap.build(chars)
    structure = notes.build(chars, text, body_start=front.end if front else 0)
    if walker.items:
        structure = dataclasses.replace(structure, list_items=walker.list_items(chars))
    structure = html_extract.with_list_items(structure, notes, chars)  # the <li> of HTML blocks
    return Extracted(text=text, offsets=offsets, metadata=metadata, structure=structure)


def apply_front_matter(chars: list[str], source: str, front: FrontMatter, notes: Collector) -> None:
    """Blank the front matter except its text values, and note those values as fields."""
    charmap.blank_range(chars, source, 0, front.end)
    for start, end in front.visible:
        charmap.show_range(chars, source, start, end)
    for key, start, end in front.fields:
        notes.add("field", start, end, key=key)


class _Walker:
    def __init__(self, source: str, chars: list[str], notes: Collector) -> None:
        self.source = source
        self.chars = chars
        self.notes = notes
        self.lines: list[tuple[int, int]] = []  # (start, end without line break)
        for m in _LINE.finditer(source):
            if m.start() == len(source) and self.lines:
                break
            self.lines.append((m.start(), m.start() + len(m.group().rstrip("\r\n"))))
        self.covered = [False] * len(self.lines)
        self.line_cursor = [0] * len(self.lines)
        self.items: list[list[int]] = []  # the source lines of each list item, as markdown-it maps them

    def run(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            if token.type in _BLANKED_BLOCKS and token.map:
                self._blank_lines(*token.map)
        previous = ""
        quotes: list[tuple[list[int], list[str]]] = []  # open block quotes: line map, content lines
        heading_level = 1
        for token in tokens:
            if token.type == "inline" and token.map:
                cmap = self._align(token.content, token.map[0], in_row=previous in ("th_open", "td_open"))
                _Inline(self, token.content, cmap).walk(token.children or [])
                if quotes:
                    quotes[-1][1].extend(token.content.split("\n"))
                if previous == "heading_open":
                    self._note_lines("heading", token.map, level=heading_level)
            elif token.type == "html_block" and token.map:
                cmap = self._align(token.content, token.map[0], in_row=False)
                fragment = Collector()
                self.write(html_extract.fragment_chars(token.content, fragment), cmap)
                self.notes.extend_mapped(fragment, cmap)
            elif token.type in ("fence", "code_block") and token.map:
                self._note_lines("code", token.map, block=True, raw=True)
            elif token.type == "heading_open":
                heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            elif token.type == "list_item_open" and token.map:
                self.items.append(token.map)
            elif token.type == "blockquote_open" and token.map:
                quotes.append((token.map, []))
            elif token.type == "blockquote_close" and quotes:
                (first, last), lines = quotes.pop()
                span = self._line_span(first, last)
                # ">}}" closing a Hugo shortcode at a line start parses as a quote; it is markup
                if span and lines and not lines[0].lstrip().startswith(("}}", "%}")):
                    block = quote_block(span[0], span[1], lines)
                    self.notes.add("block", *span, block_kind=block.kind, label=block.label, cite=block.cite)
                if quotes:
                    quotes[-1][1].extend(lines)
            previous = token.type
        for number, covered in enumerate(self.covered):
            if not covered:
                self._tidy_uncovered(number)

    def list_items(self, chars: Sequence[str]) -> tuple[tuple[int, int], ...]:
        """Each list item's own lines (up to the next item, nested or not) at offsets of the checked text."""
        checked = list(itertools.accumulate(map(len, chars), initial=0))  # like Collector.build's offsets
        out: list[tuple[int, int]] = []
        for k, (first, last) in enumerate(self.items):
            if k + 1 < len(self.items):
                last = min(last, max(first + 1, self.items[k + 1][0]))
            span = self._line_span(first, last)
            if span:
                out.append((checked[span[0]], checked[span[1]]))
        return tuple(out)

    def _line_span(self, first: int, last: int) -> tuple[int, int] | None:
        last = min(last, len(self.lines))
        if first >= last:
            return None
        return self.lines[first][0], self.lines[last - 1][1]

    def _note_lines(self, kind: str, lines: list[int], *, raw: bool = False, **values: Any) -> None:
        span = self._line_span(lines[0], lines[1])
        if span:
            if raw:  # the characters themselves (code): Structure.code carries them
                values["raw"] = self.source[span[0] : span[1]]
            self.notes.add(kind, *span, **values)

    def _blank_lines(self, first: int, last: int) -> None:
        for number in range(first, min(last, len(self.lines))):
            if not self.covered[number]:
                start, end = self.lines[number]
                charmap.blank_range(self.chars, self.source, start, end)
                self.covered[number] = True

    def write(self, fragment: list[str], cmap: list[int]) -> None:
        for k, char in enumerate(fragment):
            s = cmap[k]
            if s >= 0:
                self.chars[s] = char

    def show(self, s: int) -> None:
        self.chars[s] = self.source[s]

    def _align(self, content: str, first_line: int, *, in_row: bool) -> list[int]:
        """Source offset of every character of a token's content (-1 where unknown)."""
        cmap: list[int] = []
        for k, text in enumerate(content.split("\n")):
            number = first_line + k
            if k:
                # The line break between two content lines.
                previous_end = self.lines[number - 1][1] if number - 1 < len(self.lines) else -1
                cmap.append(previous_end if 0 <= previous_end < len(self.source) else -1)
            if number >= len(self.lines):
                cmap.extend([-1] * len(text))
                continue
            cmap.extend(self._align_line(text, number, in_row=in_row))
        return cmap

    def _align_line(self, text: str, number: int, *, in_row: bool) -> list[int]:
        if not text:
            return []
        start, end = self.lines[number]
        line = self.source[start:end]
        cursor = self.line_cursor[number]
        col = -1
        trimmed_line, trimmed_text = line.rstrip(" \t"), text.rstrip(" \t")
        if not in_row and trimmed_text and trimmed_line.endswith(trimmed_text):
            col = len(trimmed_line) - len(trimmed_text)
        if col < cursor:
            col = line.find(text, cursor)
        if col >= 0:
            self.line_cursor[number] = col + len(text)
            return list(range(start + col, start + col + len(text)))
        # Escaped table pipes (the cell says "|", the source "\|") and tabs the parser expanded.
        positions: list[int] = []
        j = cursor
        for ch in text:
            while j < len(line) and line[j] != ch and not (ch == " " and line[j] == "\t"):
                j += 1
            if j >= len(line):
                # Cannot align: keep the whole line as written.
                charmap.show_range(self.chars, self.source, start, end)
                return [-1] * len(text)
            positions.append(start + j)
            j += 1
        self.line_cursor[number] = j
        return positions

    def _tidy_uncovered(self, number: int) -> None:
        """Lines no leaf block covers: reference definitions, empty list items and quote lines."""
        start, end = self.lines[number]
        line = self.source[start:end]
        rest = len(line) - len(line.lstrip(" \t>"))
        charmap.blank_range(self.chars, self.source, start, start + rest)
        label = _REF_LABEL.match(line, rest)
        if label:
            charmap.blank_range(self.chars, self.source, start + label.start(), start + label.end())
            # The destination may sit in angle brackets.
            dest = line.find("<", label.end())
            if dest >= 0 and not line[label.end() : dest].strip():
                close = line.find(">", dest)
                self.chars[start + dest] = " "
                if close >= 0:
                    self.chars[start + close] = " "
        elif _BARE_MARKER.match(line, rest):
            charmap.blank_range(self.chars, self.source, start + rest, end)


class _Inline:
    """Locates the children of one inline token in its content, in order."""

    def __init__(self, walker: _Walker, content: str, cmap: list[int]) -> None:
        self.w = walker
        self.c = content
        self.cmap = cmap
        self.cursor = 0
        self.skipping = 0  # inside inline <code>, <script>... written as raw HTML
        self.open_links: list[tuple[int, dict[str, str]]] = []  # content offset after "[", attributes
        self.open_anchors: list[tuple[int, int, dict[str, str]]] = []  # <a>: its start, end, attributes

    def at(self, k: int) -> int:
        """The source offset of content offset ``k`` (-1 when unknown)."""
        return self.cmap[k] if 0 <= k < len(self.cmap) else -1

    def at_end(self, k: int) -> int:
        """The source offset just after content offset ``k - 1``."""
        s = self.at(k - 1)
        return s + 1 if s >= 0 else -1

    def note(
        self, kind: str, a: int, b: int, spans: dict[str, tuple[int, int]], **values: str
    ) -> Pending | None:
        start, end = self.at(a), self.at_end(b)
        if start < 0 or end <= start:
            return None
        item = self.w.notes.add(kind, start, end, **values)
        for name, (x, y) in spans.items():
            sx, sy = self.at(x), self.at_end(y)
            if 0 <= sx < sy:
                item.spans[name] = (sx, sy)
        return item

    def _track_skipped(self, tag: str) -> None:
        m = _TAG.match(tag)
        if m and m.group(2).lower() in html_extract.SKIPPED_ELEMENTS and not tag.endswith("/>"):
            self.skipping = max(self.skipping + (-1 if m.group(1) else 1), 0)

    def show(self, a: int, b: int) -> None:
        if b <= a or self.skipping:
            return
        first, last = self.cmap[a], self.cmap[b - 1]
        if first >= 0 and last - first == b - 1 - a:  # one run of source characters
            charmap.show_range(self.w.chars, self.w.source, first, last + 1)
            return
        for k in range(a, b):
            s = self.cmap[k]
            if s >= 0:
                self.w.show(s)

    def gap(self, a: int, b: int) -> None:
        """Markup between two located tokens: already blank; emphasis delimiters are removed."""
        for k in range(a, b):
            s = self.cmap[k]
            if s >= 0 and self.c[k] in "*_~":
                self.w.chars[s] = ""

    def seek(self, needle: str) -> int:
        """Move to the next occurrence of ``needle``; -1 (and stay) when it is not there."""
        p = self.c.find(needle, self.cursor)
        if p >= 0:
            self.gap(self.cursor, p)
        return p

    def walk(self, children: Sequence[Token]) -> None:
        skip_autolink = False
        for tok in children:
            if skip_autolink:
                skip_autolink = tok.type != "link_close"
                continue
            kind = tok.type
            if kind == "text":
                self._text(tok.content)
            elif kind == "text_special":
                self._special(tok)
            elif kind == "code_inline":
                start = self.cursor
                self._code(tok.markup)
                p = self.c.find(tok.markup, start)
                if 0 <= p < self.cursor:
                    item = self.note("code", p, self.cursor, {})
                    if item is not None:  # the source's characters: Structure.code carries them
                        start, end = item.spans["span"]
                        item.values["raw"] = self.w.source[start:end]
            elif kind in ("softbreak", "hardbreak"):
                p = self.seek("\n")
                if p >= 0:
                    self.cursor = p + 1
            elif kind == "html_inline":
                p = self.seek(tok.content)
                if p >= 0:
                    self.w.write(
                        html_extract.fragment_chars(tok.content), self.cmap[p : p + len(tok.content)]
                    )
                    self._track_skipped(tok.content)
                    self.cursor = p + len(tok.content)
                    self._html_inline(tok.content, p)
            elif kind == "image":
                p = self.seek("![")
                if p >= 0:
                    self.cursor = p + 2
                    self.walk(tok.children or [])
                    close, target = self._destination()
                    values = {"src": str(tok.attrGet("src") or ""), "alt": tok.content}
                    values["title"] = str(tok.attrGet("title") or "")
                    self.note("image", p, self.cursor, {"src": target} if target else {}, **values)
            elif kind == "link_open":
                if tok.markup == "autolink":
                    p = self.cursor
                    self._autolink()
                    skip_autolink = True
                    p = self.c.find("<", p)
                    if 0 <= p < self.cursor:
                        href = str(tok.attrGet("href") or "")
                        span = {"target": (p + 1, self.cursor - 1)}
                        self.note("link", p, self.cursor, span, target=href, link_kind="autolink")
                else:
                    p = self.seek("[")
                    if p >= 0:
                        self.cursor = p + 1
                        attrs = {
                            "target": str(tok.attrGet("href") or ""),
                            "title": str(tok.attrGet("title") or ""),
                        }
                        self.open_links.append((p, attrs))
            elif kind == "link_close":
                close, target = self._destination()
                if self.open_links:
                    p, attrs = self.open_links.pop()
                    spans = {"label": (p + 1, close)} if close > p + 1 else {}
                    if target:
                        spans["target"] = target
                    self.note("link", p, max(self.cursor, p + 1), spans, **attrs)
            # em/strong/s open and close: their delimiters are handled as gaps.

    def _html_inline(self, tag: str, p: int) -> None:
        """``<a href>…</a>`` and ``<img>`` written as raw HTML inside a paragraph."""
        m = _TAG.match(tag)
        if not m:
            return
        name = m.group(2).lower()
        if name == "a" and not m.group(1):
            self.open_anchors.append((p, p + len(tag), attributes(tag[m.end() :])))
        elif name == "a" and self.open_anchors:
            start, label_start, attrs = self.open_anchors.pop()
            if "href" in attrs:
                values = {"target": attrs["href"], "title": attrs.get("title", ""), "link_kind": "html"}
                self.note("link", start, p + len(tag), {"label": (label_start, p)}, **values)
        elif name == "img" and not m.group(1):
            attrs = attributes(tag[m.end() :])
            src = attrs.get("src", "")
            if src:
                at = tag.find(src)
                spans = {"src": (p + at, p + at + len(src))} if at >= 0 else {}
                values = {"src": src, "alt": attrs.get("alt", ""), "title": attrs.get("title", "")}
                self.note("image", p, p + len(tag), spans, **values)

    def _text(self, text: str) -> None:
        if not text:
            return
        p = self.seek(text)
        if p >= 0:
            self.show(p, p + len(text))
            self.cursor = p + len(text)

    def _special(self, tok: Token) -> None:
        p = self.seek(tok.markup)
        if p < 0:
            return
        end = p + len(tok.markup)
        if tok.info == "escape":
            if self.cmap[p] >= 0:
                self.w.chars[self.cmap[p]] = ""  # the backslash
            self.show(p + 1, end)
        elif not self.skipping:
            sources = [s for s in self.cmap[p:end] if s >= 0]
            if len(sources) == end - p:
                self.w.chars[sources[0]] = tok.content
                for s in sources[1:]:
                    self.w.chars[s] = ""
        self.cursor = end

    def _code(self, markup: str) -> None:
        p = self.seek(markup)
        if p < 0:
            return
        q = p + len(markup)
        while True:
            j = self.c.find(markup, q)
            if j < 0:
                self.cursor = p + len(markup)
                return
            run_end = j
            while run_end < len(self.c) and self.c[run_end] == "`":
                run_end += 1
            if run_end - j == len(markup):
                self.cursor = run_end
                return
            q = run_end

    def _autolink(self) -> None:
        p = self.seek("<")
        if p < 0:
            return
        q = self.c.find(">", p)
        if q < 0:
            return
        self.show(p + 1, q)
        self.cursor = q + 1

    def _skip_space(self, pos: int) -> int:
        while pos < len(self.c) and self.c[pos] in " \t\n":
            pos += 1
        return pos

    def _destination(self) -> tuple[int, tuple[int, int] | None]:
        """After link text or alt text: ``](url "title")`` keeps URL and title; ``][label]`` is blanked.

        Returns the content offset of the ``]`` (or the cursor) and the span of the URL, if any.
        """
        p = self.seek("]")
        if p < 0:
            return self.cursor, None
        self.cursor = p + 1
        pos = p + 1
        if pos >= len(self.c) or self.c[pos] != "(":
            return p, None
        start = self._skip_space(pos + 1)
        dest = parseLinkDestination(self.c, start, len(self.c))
        if not dest.ok:
            return p, None
        target = (start + 1, dest.pos - 1) if start < dest.pos and self.c[start] == "<" else (start, dest.pos)
        self.show(*target)
        pos = self._skip_space(dest.pos)
        if pos < len(self.c) and self.c[pos] in "\"'(":
            title = parseLinkTitle(self.c, pos, len(self.c))
            if title.ok:
                self.show(pos + 1, title.pos - 1)
                pos = self._skip_space(title.pos)
        if pos < len(self.c) and self.c[pos] == ")":
            self.cursor = pos + 1
        return p, target if target[1] > target[0] else None
