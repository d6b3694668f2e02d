"""The structure of a draft (links, images, quotes, callouts, code, headings, credits).

Extractors note what their parser saw with a :class:`Collector`, at *source*
offsets, while they build the checked text. :meth:`Collector.build` turns those
into a :class:`~postguard.model.Structure` at offsets of the checked text and adds
what a light pass over the checked text finds in every format (:func:`light_pass`):
bare web addresses, credit lines ("Foto: Name", "© Name") and inline quotations
(„…“). For plain text, the light pass also reads the Markdown and HTML that
pasted drafts carry (``[label](url)``, ``![alt](src)``, ``> `` lines, ``<a href>``),
skipping what sits in ``<!-- -->`` comments and in backticks.

The checks read only this and the checked text, never the source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import regex

from postguard.model import Block, Code, Credit, Field, Heading, Image, Link, Structure
from postguard.urls import find_urls, overlaps

#: How a ``>`` block announces a note rather than a quotation, by its syntax alone: a GitHub alert
#: (``> [!NOTE]``) or an emphasised lead that ends in ".", "!", "?" or ":" (``> **Note:**``,
#: ``> **Hooks are opt-in, not the lifecycle.** …``, as docs sites write their callouts). A bold
#: dateline (``> **5 mai 2026** – Francfort``) opens a press release, not a note. Which *words* and
#: *symbols* open a callout (``> Hinweis: …``, ``> **Note** …``, ``> ℹ️ …``; not ``> 🎉 …``, a
#: quoted post) is the pack's ``[copyright] callout_labels``/``callout_symbols``: the extraction
#: records the opening word or symbol as the block's ``label``.
_ALERT = regex.compile(r"\s*\[!(?P<label>[A-Za-z]+)\]")
_EMOJI_OPEN = regex.compile(r"\s*(?P<label>\p{Extended_Pictographic})")
_BOLD_LEAD = regex.compile(
    r"\s*(?P<d>\*\*|__)\s*(?P<label>(?:(?!(?P=d))[^\n]){1,200}?)\s*[.!?:][\"”“'’»)]*\s*(?P=d)"
)
_BOLD_WORD = regex.compile(r"\s*(?P<d>\*\*|__)\s*(?P<label>\p{L}+)\s*(?P=d)(?![\p{L}\p{N}])")
_LABEL_OPEN = regex.compile(r"(?i)\s*[*_]{0,2}\s*(?P<label>[\p{L};]+(?:\s[\p{L}]+)?)\s*[*_]{0,2}\s*:")
_ATTRIBUTION = regex.compile(r"^\s*(?:[—–―~]|--?\s)\s*(?P<cite>\S.*)$")

_CREDIT_LINE = regex.compile(
    r"""(?imx)
    (?P<label>©|\(c\)(?=\s*\p{L})|\bcopyright\b(?=\s*(?:\d{4}\s*)?[\p{L}@])
      |\b(?:foto|fotos|photo|photos|bild|bilder|bildquelle|bildquellen|bildnachweis|bildnachweise|bildrechte
        |quelle|source|image|images|picture|credit|credits|fotograf|fotografin|photographer|illustration
        |grafik|abbildung|titelbild|headerbild|beitragsbild|aufmacherbild|cover)(?=\s*(?:\(s\)\s*)?[:|]\s*[\p{L}@©])
      |\b(?:photo|foto|bild|image|picture|aufnahme|illustration)\s+(?:by|von)(?=\s+@?(?-i:\p{Lu})))
    [^\n]{0,200}
    """
)
#: Where a credit line can start: its label's first letters (lower case), "©" and "(c)". Finding
#: them with str.find and trying the pattern only there is several times faster than scanning
#: every position with it (a fifth of a 300-word check went into that scan).
_CREDIT_STARTS = (
    "©", "(c)", "copyright", "foto", "photo", "bild", "quelle", "source", "image", "picture", "credit",
    "illustration", "grafik", "abbildung", "titelbild", "headerbild", "beitragsbild", "aufmacherbild",
    "cover", "aufnahme",
)  # fmt: skip


def _credit_lines(text: str) -> list[regex.Match[str]]:
    """The matches of :data:`_CREDIT_LINE` in ``text``, as its ``finditer`` gives them."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: offsets would shift
        return list(_CREDIT_LINE.finditer(text))
    starts: set[int] = set()
    for label in _CREDIT_STARTS:
        at = low.find(label)
        while at >= 0:
            starts.add(at)
            at = low.find(label, at + 1)
    out: list[regex.Match[str]] = []
    end = -1
    for at in sorted(starts):
        if at >= end and (m := _CREDIT_LINE.match(text, at)) is not None:
            out.append(m)
            end = m.end()
    return out


#: Inline quotation marks: opening mark, closing marks.
QUOTE_MARKS: tuple[str, ...] = ("„", "“", '"', "»", "«")
_QUOTATION = regex.compile(
    r"„(?P<a>[^“”\"„]{20,4000}?)[“”\"]"
    r"|(?<![\p{L}\p{N}])“(?P<b>[^”“„]{20,4000}?)”"
    r"|(?<![^\s(\[:])\"(?=\S)(?P<c>[^\"]{20,4000}?)(?<=\S)\"(?![\p{L}\p{N}])"
    r"|»(?P<d>[^«»]{20,4000}?)«"
    r"|«(?P<e>[^«»]{20,4000}?)»"
)

# Markup in plain text (pasted drafts).
_PLAIN_IMAGE = regex.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\(\s*<?(?P<src>[^\s)>]+)>?(?:\s+[\"'(](?P<title>[^\n)]*)[\"')])?\s*\)"
)
_PLAIN_LINK = regex.compile(r"(?<!!)\[(?P<label>[^\]\n]{1,200})\]\(\s*<?(?P<target>[^\s)>]+)>?[^)\n]*\)")
_PLAIN_REF_DEF = regex.compile(r"(?m)^[ \t]{0,3}\[(?P<label>[^\]\n]{1,200})\]:[ \t]*<?(?P<target>[^\s>]+)")
_PLAIN_REF_USE = regex.compile(r"(?<!!)\[(?P<label>[^\]\n]{1,200})\]\[(?P<ref>[^\]\n]{0,200})\]")
_PLAIN_ANCHOR = regex.compile(r"(?is)<a\b(?P<attrs>[^>]*)>(?P<label>.*?)</a\s*>")
_PLAIN_IMG = regex.compile(r"(?is)<img\b(?P<attrs>[^>]*)>")
_PLAIN_BLOCKQUOTE = regex.compile(r"(?is)<blockquote\b[^>]*>.*?</blockquote\s*>")
_PLAIN_QUOTE_LINES = regex.compile(r"(?m)(?:^[ \t]{0,3}>[^\n]*(?:\n|$))+")
#: Where a ``>`` line can start: the text's start or a line break (stdlib ``re`` finds the "\n" with a
#: fast search; the scan above tries every position and cost 17 ms per MB of minified HTML).
_QUOTE_LINE_AT_START = re.compile(r"[ \t]{0,3}>")
_QUOTE_LINE_AFTER_BREAK = re.compile(r"\n[ \t]{0,3}>")
_PLAIN_HIDDEN = regex.compile(r"(?s)<!--.*?(?:-->|$)|(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
_BLANK_LINE = regex.compile(r"\r?\n[ \t]*\r?\n")
_ATTR_VALUE = regex.compile(
    r"""(?i)\b(?P<name>[a-z-]+)\s*=\s*(?:"(?P<a>[^"]*)"|'(?P<b>[^']*)'|(?P<c>[^\s>]+))"""
)


@dataclass(slots=True)
class Pending:
    """One element noted at source offsets: ``spans`` are named (start, end) pairs; ``span`` is required."""

    kind: str  # link, image, block, code, heading, field, credit
    spans: dict[str, tuple[int, int]]
    values: dict[str, Any] = field(default_factory=dict)


class Collector:
    """Notes elements at source offsets while an extractor walks its parser's output."""

    def __init__(self) -> None:
        self.items: list[Pending] = []

    def add(self, kind: str, start: int, end: int, **values: Any) -> Pending:
        item = Pending(kind, {"span": (start, end)}, values)
        self.items.append(item)
        return item

    def extend_mapped(self, other: Collector, cmap: Sequence[int]) -> None:
        """Add ``other``'s elements, noted at offsets of a fragment whose characters sit at ``cmap``."""

        def to(a: int, b: int) -> tuple[int, int] | None:
            if b <= a or a >= len(cmap):
                return None
            first = next((cmap[k] for k in range(a, min(b, len(cmap))) if cmap[k] >= 0), -1)
            last = next((cmap[k] for k in range(min(b, len(cmap)) - 1, a - 1, -1) if cmap[k] >= 0), -1)
            return (first, last + 1) if first >= 0 and last >= first else None

        for item in other.items:
            spans = {name: mapped for name, (a, b) in item.spans.items() if (mapped := to(a, b))}
            if "span" in spans:
                self.items.append(Pending(item.kind, spans, item.values))

    def build(
        self, chars: Sequence[str], text: str, *, body_start: int = 0, plain: bool = False
    ) -> Structure:
        """The structure at offsets of ``text`` (``"".join(chars)``); ``body_start`` is a source offset."""
        prefix = [0]
        total = 0
        for char in chars:
            total += len(char)
            prefix.append(total)

        def at(s: int) -> int:
            return prefix[max(0, min(s, len(prefix) - 1))]

        found: dict[str, list[Any]] = {}
        for item in self.items:
            spans = {name: (at(a), at(b)) for name, (a, b) in item.spans.items()}
            made = _make(item.kind, spans, item.values, text)
            if made is not None:
                found.setdefault(item.kind, []).append(made)
        return light_pass(text, found, body_start=at(body_start), plain=plain)


def _clean(s: str) -> str:
    return " ".join(s.split())


def _make(kind: str, spans: dict[str, tuple[int, int]], v: dict[str, Any], text: str) -> Any:
    start, end = spans["span"]
    if kind == "link":
        ls, le = spans.get("label", (-1, -1))
        ts, te = spans.get("target", (-1, -1))
        label = v.get("label") or (_clean(text[ls:le]) if le > ls >= 0 else "")
        return Link(
            start=start, end=end, label=label, target=v.get("target", ""), title=v.get("title", ""),
            kind=v.get("link_kind", "markdown"), label_start=ls, label_end=le, target_start=ts, target_end=te,
        )  # fmt: skip
    if kind == "image":
        ss, se = spans.get("src", (-1, -1))
        cs, ce = spans.get("caption", (-1, -1))
        caption = _clean(text[cs:ce]) if ce > cs >= 0 else v.get("caption", "")
        return Image(
            start=start, end=end, src=v.get("src", ""), alt=_clean(v.get("alt", "")),
            title=v.get("title", ""), caption=caption, src_start=ss, src_end=se,
        )  # fmt: skip
    if kind == "block":
        cs, ce = spans.get("cite", (-1, -1))
        cite = _clean(text[cs:ce]) if ce > cs >= 0 else v.get("cite", "")
        return Block(
            start=start, end=end, kind=v.get("block_kind", "quote"), label=v.get("label", ""), cite=cite
        )
    if kind == "code":
        raw = v.get("raw", "")
        return Code(
            start=start, end=end, block=bool(v.get("block")), text=raw if len(raw) == end - start else ""
        )
    if kind == "heading":
        return Heading(start=start, end=end, level=int(v.get("level", 1)), text=_clean(text[start:end]))
    if kind == "field":
        return Field(start=start, end=end, key=v.get("key", ""), value=text[start:end])
    return None


_START = attrgetter("start")  # a sort key read in C


def _spans(items: Sequence[Any], *names: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in names:  # attrgetter reads both offsets in C: a page of minified HTML has 10,000s of links
        out += [(a, b) for a, b in map(attrgetter(f"{n}start", f"{n}end"), items) if b > a >= 0]
    return sorted(out)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def light_pass(
    text: str, found: dict[str, list[Any]] | None = None, *, body_start: int = 0, plain: bool = True
) -> Structure:
    """Complete the structure with what the checked text itself shows (and, for plain text, its markup)."""
    found = found if found is not None else {}
    links: list[Link] = list(found.get("link", ()))
    images: list[Image] = list(found.get("image", ()))
    blocks: list[Block] = list(found.get("block", ()))
    if plain:
        hidden = [m.span() for m in _PLAIN_HIDDEN.finditer(text)] if ("<!--" in text or "`" in text) else []
        _plain_markup(text, links, images, blocks, hidden)
    else:
        hidden = []
    taken = _merge(_spans(links, "target_", "") + _spans(images, "src_", "") + hidden)
    urls = find_urls(text)
    k = 0  # both sorted: the first taken span that ends after the address starts
    for a, b in urls:
        while k < len(taken) and taken[k][1] <= a:
            k += 1
        if k == len(taken) or taken[k][0] >= b:  # the address is no link's target or an image's source
            links.append(
                Link(start=a, end=b, label="", target=text[a:b], kind="bare", target_start=a, target_end=b)
            )
    images = [_with_caption(text, img) for img in images]
    credits = [
        Credit(start=m.start(), end=m.end(), label=m.group("label"), text=m.group().strip())
        for m in _credit_lines(text)
        if not overlaps(hidden, m.start(), m.start() + 1)
    ]
    if any(q in text for q in QUOTE_MARKS):
        for m in _QUOTATION.finditer(text):
            inner = m.group(m.lastgroup or 0)
            if _BLANK_LINE.search(inner) or overlaps(hidden, m.start(), m.start() + 1):
                continue
            if "{{" in inner or "}}" in inner or "{%" in inner or "%}" in inner:
                continue  # quotes across template tags (Hugo shortcodes, Liquid) are attribute values
            blocks.append(Block(start=m.start(), end=m.end(), kind="quotation"))
    return Structure(
        links=tuple(sorted(links, key=_START)),
        images=tuple(sorted(images, key=_START)),
        blocks=tuple(sorted(blocks, key=_START)),
        code=tuple(sorted(found.get("code", ()), key=_START)),
        headings=tuple(sorted(found.get("heading", ()), key=_START)),
        fields=tuple(sorted(found.get("field", ()), key=_START)),
        credits=tuple(credits),
        body_start=body_start,
        urls=tuple(urls),  # the checks' ``ctx.urls``: found once per draft
    )


def _with_caption(text: str, img: Image) -> Image:
    """The text of the image's paragraph around it, when the extractor found no caption."""
    if img.caption:
        return img
    lo = max(0, img.start - 400)
    breaks = [m.end() for m in _BLANK_LINE.finditer(text, lo, img.start)]
    after_break = _BLANK_LINE.search(text, img.end, img.end + 400)
    before = text[breaks[-1] if breaks else lo : img.start]
    after = text[img.end : after_break.start() if after_break else min(len(text), img.end + 400)]
    caption = _clean(before[-200:] + " " + after[:200])
    if not caption:
        return img
    return Image(
        start=img.start, end=img.end, src=img.src, alt=img.alt, title=img.title, caption=caption,
        src_start=img.src_start, src_end=img.src_end,
    )  # fmt: skip


def attributes(raw: str) -> dict[str, str]:
    """The attribute values of a start tag, entities decoded (names lower-cased)."""
    out: dict[str, str] = {}
    for m in _ATTR_VALUE.finditer(raw):
        value = (
            m.group("a")
            if m.group("a") is not None
            else m.group("b")
            if m.group("b") is not None
            else m.group("c")
        )
        out.setdefault(m.group("name").lower(), html.unescape(value or ""))
    return out


# compiled once: in the loops below, ``regex.sub(pattern, ...)`` looks its pattern up in regex's cache
# on every call, which on 1 MB of minified HTML was a fifth of the whole check
_TAG = regex.compile(r"<[^>]*>")
_CITE = regex.compile(r"(?is)<cite\b[^>]*>(.*?)</cite")
_QUOTE_MARKER = regex.compile(r"^[ \t]{0,3}>[ \t]?")


def _plain_markup(
    text: str, links: list[Link], images: list[Image], blocks: list[Block], hidden: list[tuple[int, int]]
) -> None:
    def visible(a: int) -> bool:
        return not overlaps(hidden, a, a + 1)

    if "![" in text:
        for m in _PLAIN_IMAGE.finditer(text):
            if visible(m.start()):
                images.append(
                    Image(
                        start=m.start(),
                        end=m.end(),
                        src=m.group("src"),
                        alt=m.group("alt"),
                        title=m.group("title") or "",
                        src_start=m.start("src"),
                        src_end=m.end("src"),
                    )
                )
    if "](" in text:
        for m in _PLAIN_LINK.finditer(text):
            if visible(m.start()):
                links.append(_plain_link(m, m.group("target"), m.start("target"), m.end("target")))
    if "]:" in text:
        defs = {
            m.group("label").strip().casefold(): m
            for m in _PLAIN_REF_DEF.finditer(text)
            if visible(m.start())
        }
        for m in _PLAIN_REF_USE.finditer(text):
            d = defs.get((m.group("ref").strip() or m.group("label").strip()).casefold())
            if d is not None and visible(m.start()):
                links.append(_plain_link(m, d.group("target"), d.start("target"), d.end("target")))
    if "<" in text:
        low = text.lower()
        parsed: dict[str, dict[str, str]] = {}  # a page repeats its tags: each attribute list read once

        def attributes_of(raw: str) -> dict[str, str]:
            if (attrs := parsed.get(raw)) is None:
                attrs = parsed[raw] = attributes(raw)
            return attrs

        if "<a" in low:
            # a page repeats its anchors: each distinct one is read once, as (label, href, title, label
            # span from the anchor's start), or () without an href (a name anchor)
            read: dict[str, tuple[str, str, str, int, int] | tuple[()]] = {}
            for m in _PLAIN_ANCHOR.finditer(text):
                raw = m[0]
                if (info := read.get(raw)) is None:
                    info = read[raw] = _anchor(m, attributes_of(m.group("attrs")))
                if info and (not hidden or visible(m.start())):
                    start, end = m.span()
                    label, href, title, ls, le = info
                    links.append(
                        Link(
                            start=start,
                            end=end,
                            label=label,
                            target=href,
                            title=title,
                            kind="html",
                            label_start=start + ls,
                            label_end=start + le,
                        )
                    )
        if "<img" in low:
            for m in _PLAIN_IMG.finditer(text):
                attrs = attributes_of(m.group("attrs"))
                src = attrs.get("src", "")
                pos = text.find(src, m.start(), m.end()) if src else -1
                if src and visible(m.start()):
                    images.append(
                        Image(
                            start=m.start(),
                            end=m.end(),
                            src=src,
                            alt=attrs.get("alt", ""),
                            title=attrs.get("title", ""),
                            src_start=pos,
                            src_end=pos + len(src) if pos >= 0 else -1,
                        )
                    )
        if "<blockquote" in low:
            for m in _PLAIN_BLOCKQUOTE.finditer(text):
                cite = _CITE.search(m.group())
                blocks.append(
                    Block(
                        start=m.start(), end=m.end(), kind="quote", cite=_clean(cite.group(1)) if cite else ""
                    )
                )
    if ">" in text and (_QUOTE_LINE_AT_START.match(text) or _QUOTE_LINE_AFTER_BREAK.search(text)):
        for m in _PLAIN_QUOTE_LINES.finditer(text):
            if visible(m.start()):
                lines = [_QUOTE_MARKER.sub("", ln) for ln in m.group().splitlines()]
                blocks.append(quote_block(m.start(), m.end(), lines))


def _anchor(m: Any, attrs: dict[str, str]) -> tuple[str, str, str, int, int] | tuple[()]:
    """What an ``<a>`` match says of its link, its label span counted from the anchor's start."""
    if "href" not in attrs:
        return ()
    ls, le = m.span("label")
    label = _clean(_TAG.sub(" ", m.group("label")))
    return label, attrs["href"], attrs.get("title", ""), ls - m.start(), le - m.start()


def _plain_link(m: Any, target: str, ts: int, te: int) -> Link:
    ls, le = m.span("label")
    return Link(
        start=m.start(), end=m.end(), label=_clean(m.group("label")), target=target, kind="markdown",
        label_start=ls, label_end=le, target_start=ts, target_end=te,
    )  # fmt: skip


def quote_block(start: int, end: int, lines: Sequence[str]) -> Block:
    """A ``>`` block from its lines (markers removed): a callout when its syntax announces a note (see
    :data:`_ALERT`), else a quote whose ``label`` is the word that opens it (``Hinweis`` for
    ``> Hinweis: …``, ``Note`` for ``> **Note** …``), for the pack's callout labels to judge."""
    first = lines[0] if lines else ""
    kind, label = callout_opening(first)
    if kind:
        return Block(start=start, end=end, kind="callout", label=label)
    cite = ""
    rest = [ln for ln in lines if ln.strip()]
    if len(rest) > 1 and (m := _ATTRIBUTION.match(rest[-1])):
        cite = _clean(m.group("cite"))
    return Block(start=start, end=end, kind="quote", label=label, cite=cite)


def callout_opening(first_line: str) -> tuple[bool, str]:
    """``(True, label)`` when the line opens a callout by its syntax (``NOTE`` for ``[!NOTE]``, ``Note``
    for ``**Note:**``); else ``(False, word)`` with the word or symbol that opens it as a label
    (``Hinweis`` for ``Hinweis: …``, ``Note`` for ``**Note** …``, ``ℹ`` for ``ℹ️ …``; empty when none)."""
    if m := _ALERT.match(first_line):
        return True, m.group("label").upper()
    if m := _EMOJI_OPEN.match(first_line):
        return False, m.group("label")  # "ℹ️ …" marks a note, "🎉 …" may open a quoted post: the pack says
    if m := _BOLD_LEAD.match(first_line):
        return True, m.group("label")
    if m := _BOLD_WORD.match(first_line):
        return False, m.group("label")
    if m := _LABEL_OPEN.match(first_line):
        return False, m.group("label")
    return False, ""
