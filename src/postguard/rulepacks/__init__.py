"""Rule packs: TOML files a compliance team edits, validated strictly into typed specs.

Every error names the file and the key path (``embargo[2].until``). Unknown
keys are errors, never ignored. The format is documented in
``docs/rule-packs.md`` and described by ``schema/rulepack.schema.json``.

Sections built in here: ``pack``, ``confidential``, ``embargo``, ``channels``,
``vocabulary`` (context words across languages, idioms that are never a codename).
Plugins add sections through the ``postguard_pack_sections`` hook.
"""

from __future__ import annotations

from datetime import UTC, datetime

from postguard.rulepacks.loading import SectionParser, load_packs, read_toml
from postguard.rulepacks.specs import (
    CONFIDENTIAL_KINDS,
    MATCH_MODES,
    Channel,
    ConfidentialEntry,
    EmbargoEntry,
    PackSet,
    PackTest,
    Window,
    note_text,
)
from postguard.rulepacks.values import (
    LANGS,
    Note,
    Where,
    expect_array_of_tables,
    expect_bool,
    expect_choice,
    expect_int,
    expect_langs,
    expect_moment,
    expect_note,
    expect_pattern,
    expect_patterns,
    expect_severity,
    expect_str,
    expect_str_list,
    expect_table,
    expect_tables,
    expect_terms,
    typename,
    where_index,
)

__all__ = [
    "CONFIDENTIAL_KINDS",
    "LANGS",
    "MATCH_MODES",
    "Channel",
    "ConfidentialEntry",
    "EmbargoEntry",
    "Note",
    "PackSet",
    "PackTest",
    "SectionParser",
    "Where",
    "Window",
    "expect_array_of_tables",
    "expect_bool",
    "expect_choice",
    "expect_int",
    "expect_langs",
    "expect_moment",
    "expect_note",
    "expect_pattern",
    "expect_patterns",
    "expect_severity",
    "expect_str",
    "expect_str_list",
    "expect_table",
    "expect_tables",
    "expect_terms",
    "load_packs",
    "note_text",
    "now_utc",
    "read_toml",
    "typename",
    "where_index",
]


def now_utc() -> datetime:
    return datetime.now(UTC)
