"""Turn a source file into the prose postguard checks, with a map back to the source.

Input formats live in one registry: :data:`BUILTIN_FORMATS` (Markdown, HTML, plain text) plus
what plugins add through the ``postguard_extractors`` hook (:func:`input_formats`). A format
names its file extensions and its extract function; :func:`extract` chooses by the file's
extension (anything unknown is plain text) unless ``fmt`` names one. Adding a format is one
:class:`InputFormat`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from postguard.errors import ConfigError, UsageError
from postguard.model import Extracted

if TYPE_CHECKING:
    import pluggy

MARKDOWN_EXTENSIONS: tuple[str, ...] = (".md", ".markdown", ".mdx")
HTML_EXTENSIONS: tuple[str, ...] = (".html", ".htm")


@dataclass(frozen=True, slots=True)
class InputFormat:
    """An input format: its name (``--format``-style, e.g. ``"markdown"``), the file extensions read
    as it (lower case, with the dot) and the function from source text to :class:`Extracted`."""

    name: str
    extensions: tuple[str, ...]
    extract: Callable[[str], Extracted]


def _markdown(source: str) -> Extracted:
    from postguard.extract.markdown import extract_markdown

    return extract_markdown(source)


def _html(source: str) -> Extracted:
    from postguard.extract.html import extract_html

    return extract_html(source)


def _plain(source: str) -> Extracted:
    from postguard.extract.plain import extract_plain

    return extract_plain(source)


BUILTIN_FORMATS: tuple[InputFormat, ...] = (
    InputFormat("markdown", MARKDOWN_EXTENSIONS, _markdown),
    InputFormat("html", HTML_EXTENSIONS, _html),
    InputFormat("plain", (), _plain),
)
_BUILTIN: Mapping[str, InputFormat] = {f.name: f for f in BUILTIN_FORMATS}
FORMATS: tuple[str, ...] = tuple(_BUILTIN)


def input_formats(pm: pluggy.PluginManager | None = None) -> dict[str, InputFormat]:
    """The built-in formats and those plugins register (``postguard_extractors``), by name."""
    formats = dict(_BUILTIN)
    if pm is None:
        return formats

    def register(fmt: InputFormat) -> None:
        if not isinstance(fmt, InputFormat):
            raise ConfigError(f"a plugin registered {fmt!r} as an input format, not an InputFormat")
        if fmt.name in formats:
            raise ConfigError(f"input format {fmt.name!r} is registered twice")
        taken = {ext for f in formats.values() for ext in f.extensions}
        clash = sorted(set(fmt.extensions) & taken)
        if clash:
            raise ConfigError(
                f"input format {fmt.name!r}: extension {clash[0]} is already read by another format"
            )
        formats[fmt.name] = fmt

    pm.hook.postguard_extractors(register=register)
    return formats


#: Plain-text files a directory walk picks up (plain text is also what any unknown extension is read as).
PLAIN_EXTENSIONS: tuple[str, ...] = (".txt",)


def read_extensions(formats: Mapping[str, InputFormat] = _BUILTIN) -> tuple[str, ...]:
    """The extensions of the files a directory walk checks: every format's, plugins' included, and
    :data:`PLAIN_EXTENSIONS`."""
    return tuple(dict.fromkeys([*(e for f in formats.values() for e in f.extensions), *PLAIN_EXTENSIONS]))


def format_for(path: str | None, formats: Mapping[str, InputFormat] = _BUILTIN) -> str:
    """The format a file is read as, from its extension (case-insensitive); plain text when unknown."""
    if not path:
        return "plain"
    suffix = PurePath(path).suffix.lower()
    return next((f.name for f in formats.values() if suffix in f.extensions), "plain")


def extract(
    source: str,
    *,
    path: str | None = None,
    fmt: str | None = None,
    formats: Mapping[str, InputFormat] = _BUILTIN,
) -> Extracted:
    """The checked text of ``source`` in the format ``fmt`` names, or its path's extension implies.

    Raises :class:`~postguard.errors.InputError` for a front matter that does not
    parse and :class:`~postguard.errors.UsageError` for an unknown ``fmt``.
    """
    chosen = fmt or format_for(path, formats)
    if chosen not in formats:
        raise UsageError(f"unknown input format {chosen!r} (expected one of: {', '.join(formats)})")
    return formats[chosen].extract(source)
