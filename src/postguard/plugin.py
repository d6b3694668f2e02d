"""The public API for checks: everything a plugin needs, in one place.

Built-in checks (``postguard.checks.*``) import only this module (and
``postguard`` itself), exactly as a third-party plugin would; a test fails
when one reaches for anything else. What is exported here is stable::

    from postguard.plugin import CheckContext, RuleDoc, RuleInfo, Severity, hookimpl

Groups:

- hooks: :data:`hookimpl`; rules as data beside a check: :func:`load_rules`; an input format
  for ``postguard_extractors``: :class:`InputFormat`;
- what a check sees and returns: :class:`CheckContext`, :class:`Finding`,
  :class:`RuleInfo`, :class:`RuleDoc`, :class:`Severity`;
- the structure the extraction saw (``ctx.structure``): :class:`Structure` with its
  :class:`Link`, :class:`Image`, :class:`Block`, :class:`Code`, :class:`Heading`,
  :class:`Field` and :class:`Credit` elements;
- the site a draft's file belongs to (``ctx.site``): :class:`Site` (its own hosts, its pages);
- pack data: :class:`PackSet`, :class:`ConfidentialEntry`, :class:`EmbargoEntry`,
  :class:`Channel`, :func:`note_text`;
- declaring a pack section (it validates the section and describes it in the generated JSON
  schema): :class:`Table` of :class:`Key` s built with ``fields`` (``fields.terms``,
  ``fields.tables``, ``fields.replace`` ...), made a parser by :func:`section`; :class:`Where` and
  the ``expect_*`` helpers for what a schema cannot say; vocabularies that later packs extend or
  replace: :func:`parse_replace`, :func:`merged`;
- matching terms: :class:`TermIndex`, :class:`Pieces`;
- lines of the checked text: :func:`newline_starts`;
- web addresses in prose: :func:`find_urls`, :func:`overlaps`, :func:`trim_url`, :data:`URL_CHARS`;
- messages: :func:`quote`, :func:`format_date`, :func:`format_moment`,
  :func:`format_duration`, :func:`format_remaining`, :func:`under_embargo` (the embargo sentence
  of the text and the picture check);
- images (``postguard_check_image``): :class:`ImageContext`, :class:`ImageFacts`,
  :class:`Box`, :class:`MetaField`, :class:`GeoPoint`, :func:`image_distance`,
  :data:`IMAGE_MATCH_THRESHOLD`.
"""

from __future__ import annotations

from postguard.context import CheckContext, ImageContext
from postguard.extract import InputFormat
from postguard.hookspecs import hookimpl
from postguard.images.facts import Box, GeoPoint, ImageFacts, MetaField
from postguard.images.hashing import THRESHOLD as IMAGE_MATCH_THRESHOLD
from postguard.images.hashing import nearest as image_distance
from postguard.lines import newline_starts
from postguard.messages import (
    format_date,
    format_duration,
    format_moment,
    format_remaining,
    quote,
    under_embargo,
)
from postguard.model import (
    Block,
    Code,
    Credit,
    Field,
    Finding,
    Heading,
    Image,
    Link,
    RuleDoc,
    RuleInfo,
    Severity,
    Structure,
)
from postguard.ruledocs import load_rules
from postguard.rulepacks import (
    Channel,
    ConfidentialEntry,
    EmbargoEntry,
    PackSet,
    Where,
    expect_bool,
    expect_choice,
    expect_int,
    expect_pattern,
    expect_str,
    expect_str_list,
    expect_table,
    expect_tables,
    expect_terms,
    fields,
    note_text,
)
from postguard.rulepacks.fields import Key, Section, Table, section
from postguard.site import Site, image_space
from postguard.terms import Pieces, TermIndex
from postguard.urls import URL_CHARS, find_urls, overlaps, trim_url
from postguard.vocab import merged, parse_replace

__all__ = [
    "IMAGE_MATCH_THRESHOLD",
    "URL_CHARS",
    "Block",
    "Box",
    "Channel",
    "CheckContext",
    "Code",
    "ConfidentialEntry",
    "Credit",
    "EmbargoEntry",
    "Field",
    "Finding",
    "GeoPoint",
    "Heading",
    "Image",
    "ImageContext",
    "ImageFacts",
    "InputFormat",
    "Key",
    "Link",
    "MetaField",
    "PackSet",
    "Pieces",
    "RuleDoc",
    "RuleInfo",
    "Section",
    "Severity",
    "Site",
    "Structure",
    "Table",
    "TermIndex",
    "Where",
    "expect_bool",
    "expect_choice",
    "expect_int",
    "expect_pattern",
    "expect_str",
    "expect_str_list",
    "expect_table",
    "expect_tables",
    "expect_terms",
    "fields",
    "find_urls",
    "format_date",
    "format_duration",
    "format_moment",
    "format_remaining",
    "hookimpl",
    "image_distance",
    "image_space",
    "load_rules",
    "merged",
    "newline_starts",
    "note_text",
    "overlaps",
    "parse_replace",
    "quote",
    "section",
    "trim_url",
    "under_embargo",
]
