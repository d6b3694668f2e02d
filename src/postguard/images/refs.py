"""Local images a Markdown or HTML post shows: where they are referenced, and which file they name.

Markdown is parsed with markdown-it (the extractor's parser), so ``![alt](src)``,
reference-style images and inline ``<img src>`` are all found; HTML with the
standard library's parser. Each reference keeps its span in the source, so a
finding in the image points at the reference in the post. Remote images
(``http:``, ``https:``, ``//``) are never followed: nothing leaves the machine.
``data:image/`` URLs (the picture inside the text) are checked too; the server
checks only those and never opens a file a draft names (see docs/images.md).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from postguard.images.limits import is_image_name
from postguard.lines import newline_starts


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRef:
    start: int
    end: int
    src: str


Accept = Callable[[str], bool]


def find_refs(source: str, fmt: str, accept: Accept | None = None) -> list[ImageRef]:
    """The image references of a ``markdown`` or ``html`` source that ``accept``, in order.

    By default local files and embedded (``data:``) pictures: what ``postguard check`` follows.
    """
    accept = accept or is_local_or_embedded
    if fmt == "markdown":
        return _markdown(source, accept)
    if fmt == "html":
        return _html(source, 0, accept)
    return []


def is_local(src: str) -> bool:
    s = src.strip()
    if not s or s.startswith(("//", "data:", "#")):
        return False
    parts = urlsplit(s)
    return not parts.scheme and not parts.netloc and is_image_name(unquote(parts.path))


_DATA_PREFIX = "data:image/"


def is_embedded(src: str) -> bool:
    """A ``data:image/...`` URL: the picture itself, inside the text."""
    return src.strip()[: len(_DATA_PREFIX)].lower() == _DATA_PREFIX


def embedded_bytes(src: str, max_bytes: int) -> bytes:
    """The bytes of a ``data:image/...;base64,...`` URL; :class:`ValueError` says what is wrong."""
    head, comma, body = src.strip().partition(",")
    if not comma or not is_embedded(head):
        raise ValueError("not a data: URL of an image")
    if not head.lower().endswith(";base64"):
        raise ValueError("a data: URL of an image must be base64")
    if len(body) > max_bytes * 4 // 3 + 8:
        raise ValueError(f"image too large (over {max_bytes // 1_048_576} MB)")
    try:
        return base64.b64decode(unquote(body), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the data: URL is not valid base64") from None


def is_local_or_embedded(src: str) -> bool:
    return is_local(src) or is_embedded(src)


def head_end(source: str, ref: ImageRef) -> int:
    """Where the reference stops being worth showing: after a ``data:`` URL's ``,``, else its end.

    A finding on an embedded image points at ``![alt](data:image/png;base64,`` rather than
    repeating the image's base64 in every finding.
    """
    if not is_embedded(ref.src):
        return ref.end
    at = source.find(ref.src[:16], ref.start, ref.end)
    comma = source.find(",", at, ref.end) if at >= 0 else -1
    return comma + 1 if comma >= 0 else ref.end


def resolve(src: str, post: Path, root: Path | None) -> Path:
    """The file a reference names: relative to the post, or (``/img/x.png``) to ``root``."""
    path = unquote(urlsplit(src.strip()).path)
    if path.startswith("/"):
        return (root or post.parent) / path.lstrip("/")
    return post.parent / path


def _markdown(source: str, accept: Accept) -> list[ImageRef]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    starts = newline_starts(source)
    out: list[ImageRef] = []
    for block in md.parse(source):
        if not block.map:
            continue
        lo = starts[block.map[0]]
        hi = starts[block.map[1]] if block.map[1] < len(starts) else len(source)
        if block.type == "html_block":
            out.extend(_html(source[lo:hi], lo, accept))
            continue
        cursor = lo
        for tok in block.children or ():
            if tok.type == "image":
                src = str(tok.attrs.get("src", ""))
                begin = source.find("![", cursor, hi)
                if begin < 0:
                    continue
                end = _ref_end(source, begin, hi, src)
                cursor = end
                if accept(src):
                    out.append(ImageRef(start=begin, end=end, src=src))
            elif tok.type == "html_inline":
                p = source.find(tok.content, cursor, hi)
                if p >= 0:
                    out.extend(_html(tok.content, p, accept))
                    cursor = p + len(tok.content)
    return out


def _ref_end(source: str, begin: int, hi: int, src: str) -> int:
    """The end of ``![alt](src "title")`` (or of ``![alt][ref]``) starting at ``begin``."""
    p = source.find(src, begin, hi) if src else -1
    if p >= 0:
        close = source.find(")", p + len(src), hi)
        return close + 1 if close >= 0 else p + len(src)
    close = source.find("]", begin, hi)
    return close + 1 if close >= 0 else begin + 2


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            src = next((v for k, v in attrs if k == "src" and v), None)
            if src:
                self.found.append((self.getpos(), src, self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def _html(text: str, offset: int, accept: Accept) -> list[ImageRef]:
    parser = _Images()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):
        return []
    starts = newline_starts(text)
    out = []
    for (line, col), src, tag in parser.found:
        start = starts[line - 1] + col
        if accept(src):
            out.append(ImageRef(start=offset + start, end=offset + start + max(1, len(tag)), src=src))
    return out
