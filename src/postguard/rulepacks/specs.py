"""The typed specs of loaded rule packs: entries, channels, self-tests and the merged :class:`PackSet`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from types import MappingProxyType
from typing import Any

from postguard.model import Severity
from postguard.rulepacks.values import Note
from postguard.terms import TermIndex

CONFIDENTIAL_KINDS = ("codename", "client", "host", "marking", "topic")
MATCH_MODES = ("word", "exact", "label")


def note_text(note: Note, lang: str) -> str:
    """The note in ``lang`` (falling back to English, then any language)."""
    if note is None or isinstance(note, str):
        return note or ""
    return note.get(lang) or note.get("en") or next(iter(note.values()), "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """A time window ``[start, end)``; either side may be open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfidentialEntry:
    index: int
    pack: str
    kind: str
    terms: tuple[str, ...]
    patterns: tuple[Any, ...] = ()
    context: tuple[str, ...] = ()
    window: int = 10
    allow: tuple[str, ...] = ()
    severity: Severity | None = None
    active: Window = field(default_factory=Window)
    match: str = "word"
    lang: tuple[str, ...] = ()
    note: Note = None
    replacement: str | None = None
    #: From a hashed pack: terms, context and allow hold hashes, never shown (messages quote the draft).
    protected: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbargoEntry:
    index: int
    pack: str
    name: str
    aliases: tuple[str, ...]
    until: datetime
    severity: Severity | None = None
    note: Note = None
    #: Perceptual hashes of embargoed pictures (``images`` hashed at load time, plus ``image_hashes``).
    image_hashes: tuple[int, ...] = ()
    #: From a hashed pack: name and aliases hold hashes, never shown (messages quote the draft).
    protected: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    name: str
    business: bool = False
    platform: str = ""
    imprint_on_posts: bool = False
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PackTest:
    """A pack's self-test (``[[test]]``): a draft and the rule ids it must produce, run by ``pack check``."""

    index: int
    pack: str
    text: str
    expect: tuple[str, ...]
    lang: str | None = None
    channel: str | None = None
    kind: str | None = None
    now: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PackSet:
    """All loaded packs, merged. Indexes are built once here and cached with the packs.

    Frozen, its mappings read-only (``channels``, ``sections``, ``hosts``) and each section's
    values a tuple (one item per pack, in load order), so a plugin cannot change what another
    plugin sees: an attempt raises ``TypeError``.
    """

    files: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    fingerprint: str = ""
    confidential: tuple[ConfidentialEntry, ...] = ()
    embargo: tuple[EmbargoEntry, ...] = ()
    channels: Mapping[str, Channel] = field(default_factory=lambda: MappingProxyType({}))
    sections: Mapping[str, tuple[Any, ...]] = field(default_factory=lambda: MappingProxyType({}))
    confidential_index: TermIndex[int] = field(default_factory=TermIndex)
    context_index: TermIndex[int] = field(default_factory=TermIndex)
    allow_index: TermIndex[int] = field(default_factory=TermIndex)
    embargo_index: TermIndex[int] = field(default_factory=TermIndex)
    #: Host suffix -> the confidential entries listing it (read-only: rulepacks.hashindex.HostTable)
    hosts: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: [vocabulary] equivalents: groups of words that stand for each other as context words
    equivalents: tuple[tuple[str, ...], ...] = ()
    #: [vocabulary] idioms: phrases in which no codename counts ("Und täglich grüßt das Murmeltier")
    idioms: tuple[str, ...] = ()
    idiom_index: TermIndex[str] = field(default_factory=TermIndex)
    #: [vocabulary] history: words that put a sentence in the past ("damals"): no marking counts there
    history: tuple[str, ...] = ()
    history_index: TermIndex[str] = field(default_factory=TermIndex)
    #: [vocabulary] software: words naming program parts ("API", "fields"): a marking phrase inside
    #: their sentence says who may use that part ("fields for internal use only"), not what the text is
    software: tuple[str, ...] = ()
    software_index: TermIndex[str] = field(default_factory=TermIndex)
    tests: tuple[PackTest, ...] = ()

    def __getstate__(self) -> dict[str, Any]:
        """For the pack cache: a read-only view pickles as the dict it shows (see :meth:`__setstate__`)."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in _VIEWS:
            state[name] = dict(state[name])
        return state

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, MappingProxyType(value) if name in _VIEWS else value)

    @property
    def term_count(self) -> int:
        return sum(len(e.terms) for e in self.confidential) + sum(1 + len(e.aliases) for e in self.embargo)


#: The fields of :class:`PackSet` that are read-only views of a dict.
_VIEWS = ("channels", "sections")
