"""Turn a source file into the prose postguard checks, with a map back to the source.

:func:`extract` chooses the format by file extension (:data:`MARKDOWN_EXTENSIONS`,
:data:`HTML_EXTENSIONS`, anything else is plain text); ``fmt`` overrides it.
"""

from __future__ import annotations

from pathlib import PurePath

from postguard.errors import UsageError
from postguard.model import Extracted

FORMATS: tuple[str, ...] = ("markdown", "html", "plain")
MARKDOWN_EXTENSIONS: tuple[str, ...] = (".md", ".markdown", ".mdx")
HTML_EXTENSIONS: tuple[str, ...] = (".html", ".htm")


def format_for(path: str | None) -> str:
    """The format a file is read as, from its extension (case-insensitive)."""
    if not path:
        return "plain"
    suffix = PurePath(path).suffix.lower()
    if suffix in MARKDOWN_EXTENSIONS:
        return "markdown"
    if suffix in HTML_EXTENSIONS:
        return "html"
    return "plain"


def extract(source: str, *, path: str | None = None, fmt: str | None = None) -> Extracted:
    """The checked text of ``source`` (a Markdown, HTML or plain text file).

    Raises :class:`~postguard.errors.InputError` for a front matter that does not
    parse and :class:`~postguard.errors.UsageError` for an unknown ``fmt``.
    """
    chosen = fmt or format_for(path)
    if chosen == "markdown":
        from postguard.extract.markdown import extract_markdown

        return extract_markdown(source)
    if chosen == "html":
        from postguard.extract.html import extract_html

        return extract_html(source)
    if chosen == "plain":
        from postguard.extract.plain import extract_plain

        return extract_plain(source)
    raise UsageError(f"unknown input format {chosen!r} (expected one of: {', '.join(FORMATS)})")
