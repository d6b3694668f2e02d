"""Front matter: YAML between ``---`` lines or TOML between ``+++`` lines at the top of a file.

Two things come out of it:

* metadata for the draft (:data:`METADATA_KEYS`), as the strings written in the
  file (YAML values are not converted, so ``lang: no`` stays ``"no"``), except
  that a publish time in the ``2027-05-04 09:00:00 +0200`` style of Jekyll and
  YAML timestamps is rewritten as ISO 8601 (``2027-05-04T09:00:00+02:00``);
* the source ranges of values that hold text, image references or credits
  (:func:`is_text_key`), which stay visible in the checked text at their source
  positions. Everything else in the front matter is blanked.

A front matter that does not parse raises :class:`~postguard.errors.InputError`
naming the line and column (the caller adds the file name). An opening ``---``
without a closing line is not front matter (CommonMark reads it as a thematic break).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from postguard.errors import InputError

#: Metadata keys and the front matter keys that set them, highest priority first.
#: ``date`` counts as the publish time because static site generators (Hugo, Jekyll,
#: Eleventy) do not publish a page before its ``date`` unless told otherwise.
METADATA_KEYS: Mapping[str, tuple[str, ...]] = {
    "channel": ("channel",),
    "kind": ("kind",),
    "lang": ("lang", "language"),
    "publish_at": ("publish_at", "publishAt", "publishDate", "publish_date", "date"),
}

#: Keys (compared case-insensitively, ignoring ``_`` and ``-``) whose values are checked as text.
TEXT_KEYS: frozenset[str] = frozenset(
    {
        "title", "subtitle", "description", "summary", "excerpt", "lead", "teaser", "abstract", "tags",
        "keywords", "categories", "image", "images", "cover", "thumbnail", "banner", "credit", "credits",
        "caption", "alt", "author", "authors", "authorname", "authornames", "copyright", "source", "sources",
        "quote",
    }
)  # fmt: skip
#: A key that ends with one of these is a text key too (``og_image``, ``imageCredit``, ``seoTitle``).
TEXT_KEY_SUFFIXES: tuple[str, ...] = ("title", "description", "image", "caption", "credit", "alt", "summary")

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def is_text_key(key: str) -> bool:
    norm = key.replace("_", "").replace("-", "").casefold()
    return norm in TEXT_KEYS or norm.endswith(TEXT_KEY_SUFFIXES)


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontMatter:
    """Where the front matter is (``end`` is after its closing line) and what it says."""

    syntax: str  # "yaml" or "toml"
    end: int
    metadata: Mapping[str, str]
    visible: tuple[tuple[int, int], ...]
    #: The visible values with the (innermost text) key each belongs to: ``(key, start, end)``.
    fields: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  # without the line break
    next: int  # start of the following line

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def _lines(source: str) -> Iterator[_Line]:
    pos = 0
    n = len(source)
    while pos < n:
        m = _LINE.match(source, pos)
        assert m is not None
        body = m.group().rstrip("\r\n")
        yield _Line(pos, pos + len(body), m.end())
        pos = m.end()


def parse_front_matter(source: str) -> FrontMatter | None:
    """Find and parse the front matter; ``None`` when the source has none."""
    lines = _lines(source)
    first = next(lines, None)
    if first is None:
        return None
    opening = first.text(source).lstrip("\ufeff").rstrip(" \t")
    if opening not in ("---", "+++"):
        return None
    closers = ("---", "...") if opening == "---" else ("+++",)
    for line in lines:
        if line.text(source).rstrip(" \t") in closers:
            close = line
            break
    else:
        return None
    # The parsers see the source up to the closing line with the opening line blanked,
    # so their line numbers and offsets are the source's.
    body = " " * first.end + source[first.end : close.start]
    if opening == "---":
        metadata, fields = _parse_yaml(body)
        syntax = "yaml"
    else:
        metadata, fields = _parse_toml(body, first.next)
        syntax = "toml"
    visible = tuple((start, end) for _, start, end in fields)
    return FrontMatter(
        syntax=syntax, end=close.next, metadata=metadata, visible=visible, fields=tuple(fields)
    )


def _choose_metadata(found: Mapping[str, str]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for name, keys in METADATA_KEYS.items():
        for key in keys:
            if found.get(key, "").strip():
                metadata[name] = found[key].strip()
                break
    if "publish_at" in metadata:
        metadata["publish_at"] = iso_moment(metadata["publish_at"])
    return metadata


_SSG_MOMENT = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T]+(\d{1,2}):(\d{2})(:\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
)


def iso_moment(value: str) -> str:
    """``2027-05-04 09:00:00 +0200`` (Jekyll, YAML timestamps) as ISO 8601; anything else unchanged."""
    m = _SSG_MOMENT.fullmatch(value.strip())
    if not m:
        return value
    date, hour, minute, seconds, zone = m.groups()
    iso = f"{date}T{int(hour):02d}:{minute}{seconds or ''}"
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        zone = f"{zone[0]}{digits[:2]}:{digits[2:] or '00'}"
    return iso + (zone or "")


def _error(line: int | None, column: int | None, message: str) -> InputError:
    """``line L, column C: message`` (the caller names the file)."""
    if line and column:
        return InputError(f"line {line}, column {column}: {message}")
    if line:
        return InputError(f"line {line}: {message}")
    return InputError(message)


# --- YAML -------------------------------------------------------------------------------------------


def _parse_yaml(body: str) -> tuple[dict[str, str], list[tuple[str, int, int]]]:
    try:
        root = yaml.compose(body, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise _error(line, column, f"invalid YAML front matter: {problem}") from None
    except yaml.YAMLError as exc:
        raise _error(None, None, f"invalid YAML front matter: {exc}") from None
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1
        raise _error(line, 1, "front matter must be a mapping of keys to values")
    found: dict[str, str] = {}
    visible: list[tuple[str, int, int]] = []
    for key_node, value_node in root.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        if any(key in keys for keys in METADATA_KEYS.values()):
            if not isinstance(value_node, yaml.ScalarNode):
                mark = value_node.start_mark
                message = f"front matter key {key!r} must be one value"
                raise _error(mark.line + 1, mark.column + 1, message)
            found[key] = str(value_node.value)
        _visible_yaml(value_node, key if is_text_key(key) else "", visible, set())
    return _choose_metadata(found), visible


def _visible_yaml(node: yaml.Node, text: str, out: list[tuple[str, int, int]], seen: set[int]) -> None:
    """Note the scalars under a text key (``text`` is that key, empty outside one)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if text:
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ("'", '"'):
                start, end = start + 1, end - 1
            if end > start:
                out.append((text, start, end))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _visible_yaml(item, text, out, seen)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            _visible_yaml(value_node, key if is_text_key(key) else text, out, seen)


# --- TOML -------------------------------------------------------------------------------------------


def _parse_toml(body: str, body_start: int) -> tuple[dict[str, str], list[tuple[str, int, int]]]:
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        if at:
            line, column = int(at.group(1)), int(at.group(2))
            raise _error(line, column, f"invalid TOML front matter: {message[: at.start()]}") from None
        raise _error(None, None, f"invalid TOML front matter: {message}") from None
    found: dict[str, str] = {}
    for keys in METADATA_KEYS.values():
        for key in keys:
            if key not in data:
                continue
            value = data[key]
            if isinstance(value, dt.datetime | dt.date | dt.time):
                found[key] = value.isoformat()
            elif isinstance(value, str):
                found[key] = value
            else:
                raise _error(None, None, f"front matter key {key!r} must be a string or a date")
    return _choose_metadata(found), _visible_toml(body, body_start)


_TOML_HEADER = re.compile(r"\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_TOML_KEY = re.compile(rf"\s*({_TOML_KEY_PART}(?:\s*\.\s*{_TOML_KEY_PART})*)\s*=\s*")


def _toml_key_parts(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def _visible_toml(body: str, body_start: int) -> list[tuple[str, int, int]]:
    """String contents of text keys, found line by line (tomllib validated them but gives no positions)."""
    spans: list[tuple[int, int]] = []
    visible: list[tuple[str, int, int]] = []
    key_name = ""
    table: list[str] = []
    open_string: str | None = None  # the delimiter of a multi-line string still open
    depth = 0  # open brackets/braces of a value continued on the next line
    wanted = False
    for line in _lines(body):
        if line.start < body_start:
            continue
        text = line.text(body)
        if open_string or depth:
            open_string, depth = _scan_toml_value(
                text, line.start, open_string, depth, spans if wanted else None
            )
            visible.extend((key_name, a, b) for a, b in spans)
            spans.clear()
            continue
        header = _TOML_HEADER.match(text)
        if header:
            table = _toml_key_parts(header.group(1))
            continue
        key = _TOML_KEY.match(text)
        if not key:
            continue
        parts = [*table, *_toml_key_parts(key.group(1))]
        wanted = any(is_text_key(part) for part in parts)
        key_name = next((part for part in reversed(parts) if is_text_key(part)), "")
        open_string, depth = _scan_toml_value(
            text[key.end() :], line.start + key.end(), None, 0, spans if wanted else None
        )
        visible.extend((key_name, a, b) for a, b in spans)
        spans.clear()
    return visible


def _scan_toml_value(
    text: str, base: int, open_string: str | None, depth: int, out: list[tuple[int, int]] | None
) -> tuple[str | None, int]:
    """Record the contents of the strings in ``text`` (at offset ``base``) in ``out``.

    Returns the delimiter of a multi-line string still open at the end of the line
    and how many brackets/braces are still open.
    """

    def keep(start: int, end: int) -> None:
        if out is not None and end > start:
            out.append((base + start, base + end))

    i, n = 0, len(text)
    if open_string:
        close = text.find(open_string)
        if close < 0:
            keep(0, n)
            return open_string, depth
        keep(0, close)
        i = close + 3
    while i < n:
        c = text[i]
        if text.startswith(('"""', "'''"), i):
            delimiter = text[i : i + 3]
            close = text.find(delimiter, i + 3)
            if close < 0:
                keep(i + 3, n)
                return delimiter, depth
            keep(i + 3, close)
            i = close + 3
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if c == '"' and text[j] == "\\" else 1
            keep(i + 1, min(j, n))
            i = j + 1
            continue
        if c == "#":
            break
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None, depth
