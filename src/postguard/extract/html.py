"""HTML: text nodes and a few attribute values are checked, markup is not.

The structure comes from the standard library's :class:`html.parser.HTMLParser`
(tolerant, no dependency, and it reports where each construct starts, which is
what the offset map needs). What stays in the checked text:

* text nodes, with character references decoded (``&auml;`` -> ``ä``), each
  decoded character mapped to the start of its reference;
* the values of the ``href``, ``src``, ``srcset``, ``alt``, ``title`` and
  ``poster`` attributes, and ``content`` of ``<meta>`` (descriptions, Open Graph
  titles and images).

Blanked: tags, comments, declarations, and the contents of ``script``,
``style``, ``pre`` and ``code`` (code is not prose, as in Markdown). Block-level
tags become a line break followed by spaces, so words in adjacent blocks stay
apart; inline tags without checked attributes (``<b>``, ``</a>``) are removed, so
``Sturm<b>vogel</b>`` is checked as ``Sturmvogel``.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
from collections.abc import Sequence
from html.parser import HTMLParser

from postguard.extract import charmap
from postguard.extract.frontmatter import parse_front_matter
from postguard.extract.structure import Collector, Pending, attributes
from postguard.lines import newline_starts
from postguard.model import Extracted, Structure

CHECKED_ATTRIBUTES: frozenset[str] = frozenset({"href", "src", "srcset", "alt", "title", "poster"})
SKIPPED_ELEMENTS: frozenset[str] = frozenset({"script", "style", "pre", "code"})
INLINE_ELEMENTS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font", "i", "img", "ins", "kbd",
        "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
        "var", "wbr",
    }
)  # fmt: skip

# The attribute syntax html.parser itself accepts (its ``attrfind_tolerant``), used only to locate values.
_ATTR = re.compile(
    r"((?<=[\'\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*(\'[^\']*\'|\"[^\"]*\"|(?![\'\"])[^>\s]*))?(?:\s|/(?!>))*"
)
#: Classes of the blockquotes that social networks' embed codes write (the post, its author, a link).
_EMBED = re.compile(
    r"(?i)\b(?:twitter-tweet|twitter-video|instagram-media|tiktok-embed|mastodon-embed|bluesky-embed"
    r"|threads-embed|fb-xfbml-parse-ignore|reddit-embed-bq)\b"
)
_NOTED = frozenset(
    {"a", "blockquote", "aside", "details", "cite", "figure", "figcaption", "pre", "code"}
    | {f"h{n}" for n in range(1, 7)}
)
_LISTS = frozenset({"ul", "ol", "menu"})
_TAG_NAME = re.compile(r"</?[a-zA-Z][^\t\n\r\f />\x00]*")


def extract_html(source: str) -> Extracted:
    """The checked text of an HTML file; a front matter (as Jekyll pages have) is read as in Markdown."""
    front = parse_front_matter(source)
    notes = Collector()
    if front is None:
        chars = fragment_chars(source, notes)
        if source.startswith("\ufeff"):  # a byte order mark is not text
            chars[0] = " "
        text, offsets = charmap.build(chars)
        return Extracted(
            text=text, offsets=offsets, structure=with_list_items(notes.build(chars, text), notes, chars)
        )
    # The parser sees blank lines where the front matter was, so its positions stay the source's.
    blanked = "".join(charmap.blank(c) for c in source[: front.end]) + source[front.end :]
    chars = fragment_chars(blanked, notes)
    for start, end in front.visible:
        chars[start:end] = list(source[start:end])
    for key, start, end in front.fields:
        notes.add("field", start, end, key=key)
    text, offsets = charmap.build(chars)
    structure = with_list_items(notes.build(chars, text, body_start=front.end), notes, chars)
    return Extracted(text=text, offsets=offsets, metadata=dict(front.metadata), structure=structure)


#: The kind of note an ``<li>``'s own span is collected as (:func:`with_list_items` reads them).
LIST_ITEM = "list_item"


def with_list_items(structure: Structure, notes: Collector, chars: Sequence[str]) -> Structure:
    """``structure`` with the ``<li>`` items ``notes`` collected (source offsets) added to its
    ``list_items`` (checked-text offsets, merged with any it has: a Markdown file's own lists)."""
    spans = [p.spans["span"] for p in notes.items if p.kind == LIST_ITEM]
    if not spans:
        return structure
    checked = list(itertools.accumulate(map(len, chars), initial=0))  # like Collector.build's offsets
    top = len(checked) - 1
    items = {(checked[min(a, top)], checked[min(b, top)]) for a, b in spans}
    items.update(structure.list_items)
    return dataclasses.replace(structure, list_items=tuple(sorted((a, b) for a, b in items if b > a)))


def fragment_chars(fragment: str, notes: Collector | None = None) -> list[str]:
    """The char map (see :mod:`postguard.extract.charmap`) of an HTML document or fragment.

    ``notes`` collects the links, images, quotes, code and headings seen, at offsets of ``fragment``.
    """
    parser = _Extractor(fragment, notes if notes is not None else Collector())
    try:
        parser.feed(fragment)
        parser.close()
    except AssertionError:
        # Python 3.11's parser gives up on some malformed declarations ("<![ "); what it has not
        # reached yet stays visible as written.
        pass
    parser.finish_items()
    return parser.chars


class _Extractor(HTMLParser):
    def __init__(self, source: str, notes: Collector) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.chars = charmap.initial(source)
        self.line_starts = newline_starts(source)
        self.skip_depth: dict[str, int] = {}
        self.notes = notes
        # open elements whose structure is noted at their end tag: tag -> [(start, end of start tag, attrs)]
        self.open: dict[str, list[tuple[int, int, dict[str, str]]]] = {}
        self.figure_images: list[list[Pending]] = []  # images inside each open <figure>
        self.quote_cites: list[list[tuple[int, int]]] = []  # <cite> spans inside each open <blockquote>
        # open lists (<ul>, <ol>, <menu>), each with its open <li> items: [start, own end or -1]
        self.lists: list[list[list[int]]] = []
        self.list_items: list[tuple[list[int], Pending]] = []

    def _item_start(self, start: int) -> None:
        """An ``<li>`` starts: an open item's own lines end here (a nested item or an unclosed sibling)."""
        for item, _ in self.list_items:
            if item[1] < 0:
                item[1] = start
        if not self.lists:
            self.lists.append([])
        item = [start, -1]
        self.lists[-1].append(item)
        # the note's span is set when the item's own lines end (finish_items)
        self.list_items.append((item, self.notes.add(LIST_ITEM, start, start)))

    def _item_end(self, end: int, *, every: bool = False) -> None:
        """An ``</li>`` (the innermost open item) or a list's end (``every`` item still open in it)."""
        if not self.lists or not self.lists[-1]:
            return
        closing = self.lists[-1] if every else self.lists[-1][-1:]
        for item in closing:
            if item[1] < 0:
                item[1] = end
        del self.lists[-1][-len(closing) :]

    def finish_items(self) -> None:
        """Every item still open ends with the document; the notes get their spans."""
        for item, pending in self.list_items:
            if item[1] < 0:
                item[1] = len(self.source)
            pending.spans["span"] = (item[0], item[1])

    def _note_start(self, tag: str, start: int, end: int) -> None:
        if tag == "a" and self._skipping():
            return  # a link inside <code> or <pre> is shown, not followed
        if tag in _NOTED:
            raw = self.source[start:end]
            self.open.setdefault(tag, []).append((start, end, attributes(raw[len(tag) + 1 :])))
        if tag == "figure":
            self.figure_images.append([])
        elif tag == "blockquote":
            self.quote_cites.append([])

    def _note_end(self, tag: str, start: int, end: int) -> None:
        stack = self.open.get(tag)
        if not stack:
            return
        open_start, open_end, attrs = stack.pop()
        add = self.notes.add
        if tag == "a" and "href" in attrs:
            href = attrs["href"]
            item = add("link", open_start, end, target=href, title=attrs.get("title", ""), link_kind="html")
            item.spans["label"] = (open_end, start)
            at = self.source.find(href, open_start, open_end) if href else -1
            if at >= 0:
                item.spans["target"] = (at, at + len(href))
        elif tag == "blockquote":
            cites = self.quote_cites.pop() if self.quote_cites else []
            cite = attrs.get("cite", "")
            if not cite and (embed := _EMBED.search(attrs.get("class", ""))):
                cite = embed.group()  # a social-media embed (a tweet): it shows its author and links the post
            item = add("block", open_start, end, block_kind="quote", cite=cite)
            if cites:
                item.spans["cite"] = cites[-1]
        elif tag in ("aside", "details"):
            add("block", open_start, end, block_kind="callout", label=tag)
        elif tag == "cite" and self.quote_cites:
            self.quote_cites[-1].append((open_end, start))
        elif tag == "figcaption" and self.figure_images:
            for image in self.figure_images[-1]:
                image.spans["caption"] = (open_end, start)
        elif tag == "figure" and self.figure_images:
            self.figure_images.pop()
        elif tag in ("pre", "code"):
            if not (tag == "code" and self.open.get("pre")):
                add("code", open_start, end, block=tag == "pre")
        elif tag[:1] == "h" and tag[1:].isdigit():
            add("heading", open_end, start, level=int(tag[1:]))

    def _note_image(self, start: int, end: int, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: html.unescape(value) for name, value in attrs if value}
        src = values.get("src", "")
        if not src or self._skipping():
            return
        item = self.notes.add(
            "image", start, end, src=src, alt=values.get("alt", ""), title=values.get("title", "")
        )
        raw_src = next((value for name, value in attrs if name == "src" and value), "")
        at = self.source.find(raw_src, start, end) if raw_src else -1
        if at < 0:
            at = self.source.find(src, start, end)
        if at >= 0:
            item.spans["src"] = (at, at + len(raw_src or src))
        if self.figure_images:
            self.figure_images[-1].append(item)

    # html.parser counts lines by "\n" only; columns are code points.
    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _skipping(self) -> bool:
        return any(self.skip_depth.values())

    def _blank_tag(self, start: int, end: int, tag: str) -> None:
        if tag in INLINE_ELEMENTS:
            charmap.delete_range(self.chars, self.source, start, end)
        else:
            charmap.blank_range(self.chars, self.source, start, end)
            if self.source[start] not in "\r\n":
                self.chars[start] = "\n"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        kept = self._kept_values(tag, attrs, start, end)
        if kept:
            charmap.blank_range(self.chars, self.source, start, end)
            if tag not in INLINE_ELEMENTS and self.source[start] not in "\r\n":
                self.chars[start] = "\n"
            for vstart, vend in kept:
                self.chars[vstart:vend] = list(self.source[vstart:vend])
                charmap.decode_entities_in(self.chars, self.source, vstart, vend)
        else:
            self._blank_tag(start, end, tag)
        if tag == "img":
            self._note_image(start, end, attrs)
        if tag in SKIPPED_ELEMENTS and not raw.endswith("/>"):
            self.skip_depth[tag] = self.skip_depth.get(tag, 0) + 1
        if not raw.endswith("/>"):
            self._note_start(tag, start, end)
        if not self._skipping():
            if tag == "li":
                self._item_start(start)
            elif tag in _LISTS and not raw.endswith("/>"):
                self.lists.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.skip_depth.pop(tag, None)

    def _kept_values(
        self, tag: str, attrs: list[tuple[str, str | None]], start: int, end: int
    ) -> list[tuple[int, int]]:
        names = {name for name, value in attrs if value}
        wanted = names & CHECKED_ATTRIBUTES
        if tag == "meta" and "content" in names:
            wanted.add("content")
        if not wanted:
            return []
        name_match = _TAG_NAME.match(self.source, start, end)
        pos = name_match.end() if name_match else start + 1
        kept: list[tuple[int, int]] = []
        while pos < end:
            m = _ATTR.search(self.source, pos, end)
            if not m or m.end() == m.start():
                break
            if m.group(1).lower() in wanted and m.group(3):
                vstart, vend = m.span(3)
                if self.source[vstart] in "'\"":
                    vstart, vend = vstart + 1, vend - 1
                if vend > vstart:
                    kept.append((vstart, vend))
            pos = m.end()
        return kept

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        close = self.source.find(">", start)
        end = len(self.source) if close < 0 else close + 1
        self._blank_tag(start, end, tag)
        if self.skip_depth.get(tag):
            self.skip_depth[tag] -= 1
        self._note_end(tag, start, end)
        if not self._skipping():
            if tag == "li":
                self._item_end(end)
            elif tag in _LISTS:
                self._item_end(start, every=True)
                if self.lists:
                    self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self._skipping():
            start = self._offset()
            charmap.blank_range(self.chars, self.source, start, start + len(data))

    def _reference(self, raw_prefix: str, name: str) -> None:
        start = self._offset()
        end = start + len(raw_prefix) + len(name)
        if end < len(self.source) and self.source[end] == ";":
            end += 1
        if self._skipping():
            charmap.blank_range(self.chars, self.source, start, end)
        else:
            charmap.decode_entity(self.chars, start, self.source[start:end])

    def handle_entityref(self, name: str) -> None:
        self._reference("&", name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#", name)

    def _blank_markup(self, data: str) -> None:
        """Blank a comment, declaration or processing instruction: from here to the ``>`` after its data."""
        start = self._offset()
        open_len = 4 if self.source.startswith("<!--", start) else 2
        found = self.source.find(">", start + open_len + len(data))
        end = len(self.source) if found < 0 else found + 1
        charmap.blank_range(self.chars, self.source, start, end)

    def handle_comment(self, data: str) -> None:
        self._blank_markup(data)

    def handle_decl(self, decl: str) -> None:
        self._blank_markup(decl)

    def handle_pi(self, data: str) -> None:
        self._blank_markup(data[:-1] if data.endswith("?") else data)

    def unknown_decl(self, data: str) -> None:
        self._blank_markup(data)
