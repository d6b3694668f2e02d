"""Shared data types: drafts, rules, findings and offset maps.

Every other module speaks in these types. They are frozen so that a plugin
cannot change what another plugin sees.

Offsets are character (code point) offsets into the *source* text: the text of
the file or request as the user wrote it. Lines and columns are derived from
offsets with :class:`postguard.lines.LineIndex` only when something is rendered.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# moved to postguard.lines; re-exported for existing imports
from postguard.lines import LineIndex as LineIndex
from postguard.lines import utf16_offset as utf16_offset

KINDS: tuple[str, ...] = ("post", "profile", "article", "page")
CATEGORIES: tuple[str, ...] = (
    "confidential",
    "embargo",
    "imprint",
    "copyright",
    "disclosure",
    "secret",
    "personal",
)


class Severity(enum.StrEnum):
    """How serious a finding is. Ordered: ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r} (expected error, warning or info)") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleDoc:
    """What a rule checks, why it matters and how to fix a finding, in one language."""

    name: str
    what: str
    why: str
    fix: str
    example: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleInfo:
    """A rule as plugins register it.

    ``id`` is a stable code (``PG101``), ``name`` a readable slug
    (``confidential-codename``). ``docs`` maps a language code to its text.
    """

    id: str
    name: str
    category: str
    severity: Severity
    docs: Mapping[str, RuleDoc]
    plugin: str = ""

    def doc(self, lang: str) -> RuleDoc:
        return self.docs.get(lang) or self.docs.get("en") or next(iter(self.docs.values()))

    def finding(
        self,
        message: str,
        *,
        start: int,
        end: int,
        match: str,
        severity: Severity | None = None,
        replacements: tuple[str, ...] = (),
        confidence: float = 1.0,
        sensitive: bool = False,
        image: str | None = None,
        box: tuple[int, int, int, int] | None = None,
    ) -> Finding:
        """A finding of this rule: its id, name and category, and its default severity unless
        ``severity`` is given. The one place a finding is made from a rule (the check contexts,
        suppressions, unreadable images)."""
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            category=self.category,
            severity=severity or self.severity,
            message=message,
            start=start,
            end=end,
            match=match,
            replacements=replacements,
            confidence=confidence,
            sensitive=sensitive,
            image=image,
            box=box,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem in a draft.

    ``start``/``end`` are code point offsets into the source text; ``match`` is
    ``source[start:end]``. ``replacements`` are suggested texts for that span
    (an empty string means "delete it"); ``confidence`` is 0..1.
    ``sensitive`` marks a match that must never be shown (a password, a key,
    an IBAN): :func:`postguard.masking.mask_report` masks it, and ``lint()``
    applies that to every report before anything renders it.

    A finding in an image names it (``image``: its path or upload name) and,
    when it is about a part of the picture, the ``box`` there (left, top,
    width, height in pixels); its span is then the image's reference in the
    post (or the OCR text, when the image itself was checked).

    ``pattern`` names a site-wide pattern the finding is one instance of (a key
    the check chose, e.g. the site's own event photos without a credit): a run
    over many files of one site reports each pattern once
    (:mod:`postguard.sitewide`); ``""`` for a finding that stands alone.
    """

    rule_id: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    match: str
    replacements: tuple[str, ...] = ()
    confidence: float = 1.0
    rule_name: str = ""
    sensitive: bool = False
    image: str | None = None
    box: tuple[int, int, int, int] | None = None
    pattern: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A text about to be published, with what is known about it.

    ``text`` is the source text exactly as given. ``lang`` is ``"de"``,
    ``"en"`` or ``None`` (detect). ``channel`` names a channel declared in a
    rule pack; ``None`` means an employee's private account.
    """

    text: str
    lang: str | None = None
    channel: str | None = None
    kind: str = "post"
    publish_at: datetime | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets in an extracted (checked) text back to the source text.

    The map is a sorted list of segments ``(checked_start, source_start)``;
    inside a segment offsets advance together. An empty map is the identity.
    """

    checked_starts: tuple[int, ...] = ()
    source_starts: tuple[int, ...] = ()

    @classmethod
    def identity(cls) -> OffsetMap:
        return cls()

    @classmethod
    def from_segments(cls, segments: list[tuple[int, int]]) -> OffsetMap:
        segments = sorted(segments)
        return cls(tuple(c for c, _ in segments), tuple(s for _, s in segments))

    def to_source(self, offset: int) -> int:
        if not self.checked_starts:
            return offset
        i = bisect.bisect_right(self.checked_starts, offset) - 1
        if i < 0:
            return offset
        return self.source_starts[i] + (offset - self.checked_starts[i])

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty span; the end is mapped as the position after its last character."""
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end - 1) + 1


# -- structure: what the extraction saw of links, images, quotes, code ----------------------------
#
# Every span below is a pair of offsets into the *checked* text (``Extracted.text``,
# ``CheckContext.text``), like a finding's; ``Extracted.offsets`` maps them to the source.
# A span of text that is not checked (code, a link target in a comment) is blank there.


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A link: its label (link text), target and title, as the author wrote them.

    ``kind`` is ``"markdown"`` (``[label](target)``, reference links included),
    ``"html"`` (``<a href>``), ``"autolink"`` (``<https://…>``) or ``"bare"``
    (a URL in prose: its label is empty). ``label_start``/``label_end`` is the
    label's span (empty for bare URLs and autolinks); ``target_start``/``target_end``
    the target's span when it is in the checked text, else both ``-1``.
    """

    start: int
    end: int
    label: str
    target: str
    title: str = ""
    kind: str = "markdown"
    label_start: int = -1
    label_end: int = -1
    target_start: int = -1
    target_end: int = -1


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image: alt text, source and title, and the caption or credit next to it.

    ``caption`` is a ``<figcaption>``, or the text of the line(s) right next to
    the image in its paragraph (``![x](a.png)\n*Foto: Name*``). ``src_start``/``src_end``
    is the span of the source in the checked text (``-1`` when not there).
    """

    start: int
    end: int
    src: str
    alt: str = ""
    title: str = ""
    caption: str = ""
    src_start: int = -1
    src_end: int = -1


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """A block of text set apart: a quotation or a callout.

    ``kind`` is ``"quote"`` (a Markdown ``>`` block or ``<blockquote>``),
    ``"callout"`` (what its syntax marks as a note: a GitHub alert ``> [!NOTE]``, a
    quote opened by an emoji or a bold lead such as ``> **Note:**``, ``<aside>``,
    ``<details>``) or ``"quotation"`` (an inline quotation in „…“, “…”, "…", »…« or
    «…», found in the checked text). ``label`` names the callout (``NOTE``, ``Note``,
    ``aside``) or, for a quote, the word that opens it (``Hinweis`` for ``> Hinweis: …``:
    the checks judge it by the pack's callout labels); ``cite`` is an attribution the
    markup gives (``<cite>``, ``cite=""``, a closing ``— Name`` line).
    """

    start: int
    end: int
    kind: str
    label: str = ""
    cite: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """Code: an inline code span (``block=False``) or a code block; blank in the checked text.

    ``text`` is the code as the source has it, character for character over ``start``-``end``
    (empty where the extraction could not line the two up): a check that must see code (a key
    pasted into a snippet) reads it here, at offsets that stay true.
    """

    start: int
    end: int
    block: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A heading (Markdown ``#``/setext, HTML ``<h1>``-``<h6>``) and its text."""

    start: int
    end: int
    level: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """A checked front-matter value (``title: …``, ``image: …``) and the key it belongs to."""

    start: int
    end: int
    key: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit:
    """A credit line: ``Foto: Name``, ``© Name``, ``Bildnachweis: …``; ``label`` is its opening word."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Structure:
    """Everything the extraction saw of a draft besides its prose, in document order.

    ``body_start`` is where the body begins in the checked text (after the front
    matter; a fix that prepends a label goes there). ``urls`` holds the (start, end)
    offsets of every web address in the checked text when the extraction looked for
    them (``None`` when it did not: ``CheckContext.urls`` then finds them).
    ``list_items`` holds the (start, end) of each list item's own lines, up to its
    first nested item, in document order (Markdown lists; empty for other input):
    text in two items belongs to two entries, not to one sentence or credit.
    """

    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()
    blocks: tuple[Block, ...] = ()
    code: tuple[Code, ...] = ()
    headings: tuple[Heading, ...] = ()
    fields: tuple[Field, ...] = ()
    credits: tuple[Credit, ...] = ()
    body_start: int = 0
    urls: tuple[tuple[int, int], ...] | None = None
    list_items: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """The prose of a source file, ready to check.

    ``text`` is what the checks read; ``offsets`` maps its offsets back to the
    source. Extractors blank out what is not prose (code, markup) with spaces
    where they can, so that most offsets map one to one. ``metadata`` holds
    what the source says about itself (front matter: channel, kind, lang,
    publish_at). ``structure`` is what the extractor saw of links, images,
    quotes, code and headings; ``None`` (a caller that built the text itself)
    means the engine finds it with the plain-text pass.
    """

    text: str
    offsets: OffsetMap = field(default_factory=OffsetMap.identity)
    metadata: Mapping[str, str] = field(default_factory=dict)
    structure: Structure | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The result of checking one input: what formatters render.

    ``name`` is the path shown to the user (``-`` or ``<stdin>`` for standard
    input). ``source`` is the full source text the offsets refer to. ``error``
    is set (and ``findings`` empty, ``language`` ``None``) when the input could
    not be checked. ``notices`` are remarks for verbose output (an empty input
    skipped, an unsupported language replaced by the default).
    """

    name: str
    source: str
    findings: tuple[Finding, ...] = ()
    language: str | None = "en"
    error: str | None = None
    suppressed: int = 0
    notices: tuple[str, ...] = ()
