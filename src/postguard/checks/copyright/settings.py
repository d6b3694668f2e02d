"""The ``[copyright]`` pack section: its keys, their validation, and the merged, compiled settings.

The default pack (rules/default.toml) brings the vocabularies: stock agencies with their hosts,
file-name prefixes and credit formats, social-network image hosts, free image hosts, the words
that make a repository's own image a photo of people or an event (and the artwork words that say
it is none: a logo, a screenshot), editorial-use phrases and
sources that name nobody. A later pack adds to every list, or replaces one by naming it in
``replace``; agencies are merged by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    PackSet,
    Where,
    expect_int,
    expect_str,
    expect_str_list,
    expect_table,
    expect_terms,
    merged,
    parse_replace,
)

from .common import ASSET_IMAGES, NEAR_LINES, QUOTE_WORDS, Settings

LISTS = (
    "free_hosts", "own_hosts", "media_hosts", "social_hosts", "agencies", "people_words", "artwork_words",
    "editorial_phrases", "invalid_sources", "platform_sources", "valid_sources", "callout_labels",
    "callout_symbols", "lead_in_words", "speech_verbs", "source_words", "reader_words",
)  # fmt: skip
_HOST = regex.compile(r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+")
_PATH = regex.compile(r"[\w.~-]+(?:/[\w.~-]+)*/?")


@dataclass(frozen=True, slots=True, kw_only=True)
class Agency:
    """A stock agency: where its pictures are served, how its files are named, the credit it asks for."""

    name: str
    hosts: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    credit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyrightSpec:
    """The ``[copyright]`` section of one pack."""

    free_hosts: tuple[str, ...] = ()
    own_hosts: tuple[str, ...] = ()
    media_hosts: tuple[str, ...] = ()
    quote_words: int | None = None
    near_lines: int | None = None
    asset_images: int | None = None
    social_hosts: tuple[str, ...] = ()
    agencies: tuple[Agency, ...] = ()
    people_words: tuple[str, ...] = ()
    artwork_words: tuple[str, ...] = ()
    editorial_phrases: tuple[str, ...] = ()
    invalid_sources: tuple[str, ...] = ()
    platform_sources: tuple[str, ...] = ()
    valid_sources: tuple[str, ...] = ()
    callout_labels: tuple[str, ...] = ()
    callout_symbols: tuple[str, ...] = ()
    lead_in_words: tuple[str, ...] = ()
    speech_verbs: tuple[str, ...] = ()
    source_words: tuple[str, ...] = ()
    reader_words: tuple[str, ...] = ()
    repository_hosts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    replace: tuple[str, ...] = ()


def _hosts(t: dict[str, Any], key: str, where: Where, paths: bool = False) -> tuple[str, ...]:
    """Host names; with ``paths``, a host may carry a path (``github.com/user-attachments``)."""
    hosts = expect_str_list(t[key], where.child(key)) if key in t else ()
    for i, host in enumerate(hosts):
        name, _, path = host.strip().partition("/")
        if not _HOST.fullmatch(name) or (path and not (paths and _PATH.fullmatch(path))):
            shape = "cdn.example.com or cdn.example.com/uploads" if paths else "cdn.example.com"
            raise (
                where.child(key)
                .child(i)
                .error(f"{host!r} is not a host name (write {shape}, without scheme)")
            )
    return tuple(h.strip().lower() for h in hosts)


def _terms(t: dict[str, Any], key: str, where: Where) -> tuple[str, ...]:
    return tuple(x.strip() for x in expect_terms(t[key], where.child(key))) if key in t else ()


def _symbols(t: dict[str, Any], key: str, where: Where) -> tuple[str, ...]:
    """Single symbols (an emoji, its variation selector dropped): ``ℹ️``, ``⚠️``."""
    symbols = expect_str_list(t[key], where.child(key)) if key in t else ()
    out = []
    for i, symbol in enumerate(symbols):
        bare = symbol.strip().replace("\ufe0f", "")
        if not regex.fullmatch(r"\p{Extended_Pictographic}|\p{S}", bare):
            raise where.child(key).child(i).error(f"{symbol!r} is not one symbol (write an emoji such as ℹ️)")
        out.append(bare)
    return tuple(out)


def _agencies(value: Any, where: Where) -> tuple[Agency, ...]:
    if not isinstance(value, list):
        raise where.error("expected an array of tables ([[copyright.agencies]])")
    out: list[Agency] = []
    for i, item in enumerate(value):
        w = where.child(i)
        t = expect_table(item, w, ("name", "hosts", "files", "credit"), required=("name",))
        files = expect_str_list(t["files"], w.child("files")) if "files" in t else ()
        for k, prefix in enumerate(files):
            if not regex.fullmatch(r"[\w-]+", prefix):
                raise (
                    w.child("files")
                    .child(k)
                    .error(f"{prefix!r} is not a file-name prefix (write AdobeStock)")
                )
        out.append(
            Agency(
                name=expect_str(t["name"], w.child("name")).strip(),
                hosts=_hosts(t, "hosts", w),
                files=tuple(files),
                credit=expect_str(t["credit"], w.child("credit")).strip() if "credit" in t else "",
            )
        )
    return tuple(out)


def _forges(value: Any, where: Where) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``repository_hosts``: a forge's host -> the hosts that serve its accounts' files by account path."""
    t = expect_table(value, where, tuple(value) if isinstance(value, dict) else ())
    out: list[tuple[str, tuple[str, ...]]] = []
    for forge in t:
        if not _HOST.fullmatch(forge.strip()):
            raise where.child(forge).error(f"{forge!r} is not a host name (write github.com)")
        out.append((forge.strip().lower(), _hosts(t, forge, where)))
    return tuple(out)


def parse_copyright(value: Any, where: Where) -> CopyrightSpec:
    t = expect_table(
        value,
        where,
        (*LISTS, "repository_hosts", "quote_words", "near_lines", "asset_images", "replace"),
    )
    words = expect_int(t["quote_words"], where.child("quote_words"), 10, 1000) if "quote_words" in t else None
    near = expect_int(t["near_lines"], where.child("near_lines"), 0, 20) if "near_lines" in t else None
    assets = (
        expect_int(t["asset_images"], where.child("asset_images"), 1, 1000) if "asset_images" in t else None
    )
    return CopyrightSpec(
        free_hosts=_hosts(t, "free_hosts", where),
        own_hosts=_hosts(t, "own_hosts", where, paths=True),
        media_hosts=_hosts(t, "media_hosts", where),
        quote_words=words,
        near_lines=near,
        asset_images=assets,
        social_hosts=_hosts(t, "social_hosts", where),
        agencies=_agencies(t["agencies"], where.child("agencies")) if "agencies" in t else (),
        people_words=_terms(t, "people_words", where),
        artwork_words=_terms(t, "artwork_words", where),
        editorial_phrases=_terms(t, "editorial_phrases", where),
        invalid_sources=_terms(t, "invalid_sources", where),
        platform_sources=_terms(t, "platform_sources", where),
        valid_sources=_terms(t, "valid_sources", where),
        callout_labels=_terms(t, "callout_labels", where),
        callout_symbols=_symbols(t, "callout_symbols", where),
        lead_in_words=_terms(t, "lead_in_words", where),
        speech_verbs=_terms(t, "speech_verbs", where),
        source_words=_terms(t, "source_words", where),
        reader_words=_terms(t, "reader_words", where),
        repository_hosts=_forges(t["repository_hosts"], where.child("repository_hosts"))
        if "repository_hosts" in t
        else (),
        replace=parse_replace(t, where, (*LISTS, "repository_hosts")),
    )


def _phrases(words: tuple[str, ...]) -> str:
    alts = sorted({r"\s+".join(regex.escape(w) for w in x.split()) for x in words if x.split()}, key=len)
    return "|".join(reversed(alts)) or "(?!)"


def prepare(packs: PackSet) -> Settings:
    specs: Sequence[CopyrightSpec] = packs.sections.get("copyright", ())
    words = [s.quote_words for s in specs if s.quote_words is not None]
    near = [s.near_lines for s in specs if s.near_lines is not None]
    assets = [s.asset_images for s in specs if s.asset_images is not None]
    agencies: dict[str, Agency] = {}
    for spec in specs:
        if "agencies" in spec.replace:
            agencies = {}
        for a in spec.agencies:
            old = agencies.get(a.name)
            if old is not None:
                a = Agency(
                    name=a.name,
                    hosts=old.hosts + a.hosts,
                    files=old.files + a.files,
                    credit=a.credit or old.credit,
                )
            agencies[a.name] = a
    stock_hosts = {h: a.name for a in agencies.values() for h in a.hosts}
    file_agencies = {f.lower(): a.name for a in agencies.values() for f in a.files}
    prefixes = "|".join(sorted(map(regex.escape, file_agencies), key=len, reverse=True)) or "(?!)"
    people = _phrases(merged(specs, "people_words"))
    editorial = _phrases(merged(specs, "editorial_phrases"))
    speech = _phrases(merged(specs, "speech_verbs"))
    return Settings(
        free_hosts=merged(specs, "free_hosts"),
        own_hosts=merged(specs, "own_hosts"),
        media_hosts=merged(specs, "media_hosts"),
        quote_words=min(words) if words else QUOTE_WORDS,
        near_lines=max(near) if near else NEAR_LINES,
        asset_images=max(assets) if assets else ASSET_IMAGES,
        stock_hosts=stock_hosts,
        credit_formats={a.name: a.credit for a in agencies.values() if a.credit},
        stock_file=regex.compile(rf"(?i)(?<![\p{{L}}\p{{N}}])(?P<prefix>{prefixes})[_-]\d{{4,}}[\w.-]*"),
        file_agencies=file_agencies,
        social_hosts=merged(specs, "social_hosts"),
        # whole words, also between the dashes of a file name ("team-2026.jpg"); not "eventually"
        people=regex.compile(rf"(?i)(?<![\p{{L}}])(?:{people})(?![\p{{L}}])"),
        artwork=regex.compile(
            rf"(?i)(?<![\p{{L}}])(?:{_phrases(merged(specs, 'artwork_words'))})(?![\p{{L}}])"
        ),
        editorial=regex.compile(rf"(?i)(?<![\p{{L}}])(?:{editorial})(?![\p{{L}}])"),
        invalid=regex.compile(
            r"(?i)[ \t]*(?:das\s+|the\s+)?(?P<src>(?P<always>"
            + _phrases(merged(specs, "invalid_sources"))
            + r")|(?P<bare>"
            + _phrases(merged(specs, "platform_sources"))
            + r"))(?![\w.-])"
        ),
        valid_sources=tuple(v.casefold() for v in merged(specs, "valid_sources")),
        callout_labels=frozenset(
            [v.casefold() for v in merged(specs, "callout_labels")] + list(merged(specs, "callout_symbols"))
        ),
        speech=regex.compile(rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{speech})(?![\p{{L}}\p{{N}}])"),
        source_after=regex.compile(
            rf"(?i)^\s*[,.;:]?\s*(?:[—–―~]|--?\s|\((?=[^)]*(?-i:\p{{Lu}}))|(?:{speech})(?![\p{{L}}\p{{N}}]))"
        ),
        source_words=regex.compile(
            rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{speech}|{_phrases(merged(specs, 'source_words'))})"
            r"(?![\p{L}\p{N}])|@[\w.]+|https?://|www\."
        ),
        lead_in=regex.compile(
            rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{_phrases(merged(specs, 'lead_in_words'))})(?![\p{{L}}\p{{N}}])"
        ),
        reader=regex.compile(
            rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{_phrases(merged(specs, 'reader_words'))})(?![\p{{L}}\p{{N}}])"
        ),
        repository_hosts=_forge_hosts(specs),
    )


def _forge_hosts(specs: Sequence[CopyrightSpec]) -> dict[str, str]:
    """Each host that serves a forge's files by account path -> the forge (merged; ``replace`` empties)."""
    out: dict[str, str] = {}
    for spec in specs:
        if "repository_hosts" in spec.replace:
            out = {}
        for forge, hosts in spec.repository_hosts:
            for host in (forge, *hosts):
                out[host] = forge
    return out
