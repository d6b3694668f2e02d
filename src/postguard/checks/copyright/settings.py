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

from postguard.plugin import Key, PackSet, Table, Where, expect_bool, fields, merged, section

from .common import ASSET_IMAGES, NEAR_LINES, QUOTE_WORDS, Settings

LISTS = (
    "free_hosts", "own_hosts", "media_hosts", "social_hosts", "agencies", "people_words", "artwork_words",
    "logo_words", "editorial_phrases", "invalid_sources", "platform_sources", "valid_sources",
    "callout_labels", "callout_symbols", "lead_in_words", "speech_verbs", "source_words", "reader_words",
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
    each_image: bool | None = None
    social_hosts: tuple[str, ...] = ()
    agencies: tuple[Agency, ...] = ()
    people_words: tuple[str, ...] = ()
    artwork_words: tuple[str, ...] = ()
    logo_words: tuple[str, ...] = ()
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


_HOST_ITEM = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9.-]*\\.[A-Za-z0-9-]+$"}


def _host_list(description: str) -> Key:
    return fields.strings(description, item=_HOST_ITEM)


AGENCY = Table(
    {
        "name": fields.string(),
        "hosts": _host_list("Hosts that serve the agency's pictures."),
        "files": fields.strings(
            "File-name prefixes (AdobeStock_123456.jpeg).",
            item={"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
        ),
        "credit": fields.string("The credit the agency asks for."),
    },
    required=("name",),
)
COPYRIGHT = Table(
    {
        "free_hosts": _host_list(
            "Hosts whose images need no credit (the default pack: Pixabay, Unsplash, Pexels)."
        ),
        "own_hosts": fields.strings(
            "Hosts, or a host and path (github.com/user-attachments), where the team uploads its own"
            " pictures: images there count like the site's own."
        ),
        "media_hosts": _host_list(
            "Public media libraries (Wikimedia, Flickr, Imgur): hot-linked images there always need a credit,"
            " however often the site uses them."
        ),
        "social_hosts": _host_list("Social networks' image servers: images there are re-uploads."),
        "agencies": fields.tables(AGENCY, "Stock agencies ([[copyright.agencies]]), merged by name."),
        "people_words": fields.terms(
            "Words that make a repository's own image a photo of people or an event."
        ),
        "artwork_words": fields.terms(
            "Words that make an image of the site artwork (a logo, a screenshot), whatever people words its"
            " name or alt text has."
        ),
        "logo_words": fields.terms(
            "Words that name a hot-linked image a mark (a logo, a banner): served by the site the draft"
            " links, it is that site's own mark, not a photo needing a credit (PG408)."
        ),
        "editorial_phrases": fields.terms("Phrases that mark material licensed for editorial use only."),
        "invalid_sources": fields.terms("Sources that name nobody (“Internet”, “Google”)."),
        "platform_sources": fields.terms("Platforms that name nobody when they stand alone (“Wikipedia”)."),
        "valid_sources": fields.terms("Named sources that start like an invalid one (“Google Maps”)."),
        "callout_labels": fields.terms(
            "Words that open a callout, not a quotation (“> Hinweis: …”, “> **Note** …”)."
        ),
        "callout_symbols": fields.strings("Symbols that open a callout (“> ℹ️ …”)."),
        "lead_in_words": fields.terms(
            "Words of a lead-in ending in “:” that point to a quotation's author named before"
            " (“their plans:”)."
        ),
        "speech_verbs": fields.terms(
            "Speech and report verbs that name a quotation's source (“sagte”, “according to”)."
        ),
        "source_words": fields.terms(
            "Words of a lead-in or heading that name where a quotation comes from (“Pressemitteilung”,"
            " “comment by”)."
        ),
        "reader_words": fields.terms(
            "Words that address the reader (“you”, “dein”) or point at the page itself (“this post”): a `>`"
            " block with one of them and a link or code of its own is a note to the reader, not a quotation"
            " (PG406)."
        ),
        "repository_hosts": fields.mapping(
            _host_list("The hosts that serve the forge's accounts' files."),
            "A forge's host -> the hosts that serve its accounts' files by account path"
            " (raw.githubusercontent.com/ACCOUNT/…): images under the site's own account are the site's own.",
        ),
        "quote_words": fields.integer(10, 1000, default=QUOTE_WORDS),
        "near_lines": fields.integer(0, 20, default=NEAR_LINES),
        "asset_images": fields.integer(
            1,
            1000,
            "How many images the site embeds from one storage space on the web (a host and its first"
            " directory) before that store counts as the site's own (PG408).",
            default=ASSET_IMAGES,
        ),
        "each_image": Key(
            {
                "type": "boolean",
                "description": "true: one PG408 finding for every uncredited photo of people or an event of"
                " the site's own (default: a run over many files of one site reports them once, for the"
                " site).",
            },
            expect_bool,
        ),
        "replace": fields.replace((*LISTS, "repository_hosts")),
    },
    description="Copyright settings (checks PG4xx); see docs/checks-imprint-copyright-disclosure.md.",
)


def _hosts(t: dict[str, Any], key: str, where: Where, paths: bool = False) -> tuple[str, ...]:
    """Host names; with ``paths``, a host may carry a path (``github.com/user-attachments``)."""
    hosts = t.get(key, ())
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


def _terms(t: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in t.get(key, ()))


def _symbols(t: dict[str, Any], key: str, where: Where) -> tuple[str, ...]:
    """Single symbols (an emoji, its variation selector dropped): ``ℹ️``, ``⚠️``."""
    out = []
    for i, symbol in enumerate(t.get(key, ())):
        bare = symbol.strip().replace("\ufe0f", "")
        if not regex.fullmatch(r"\p{Extended_Pictographic}|\p{S}", bare):
            raise where.child(key).child(i).error(f"{symbol!r} is not one symbol (write an emoji such as ℹ️)")
        out.append(bare)
    return tuple(out)


def _agencies(items: Sequence[dict[str, Any]], where: Where) -> tuple[Agency, ...]:
    out: list[Agency] = []
    for i, t in enumerate(items):
        w = where.child(i)
        files = t.get("files", ())
        for k, prefix in enumerate(files):
            if not regex.fullmatch(r"[\w-]+", prefix):
                raise (
                    w.child("files")
                    .child(k)
                    .error(f"{prefix!r} is not a file-name prefix (write AdobeStock)")
                )
        out.append(
            Agency(
                name=t["name"].strip(),
                hosts=_hosts(t, "hosts", w),
                files=tuple(files),
                credit=t.get("credit", "").strip(),
            )
        )
    return tuple(out)


def _forges(t: dict[str, Any], where: Where) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``repository_hosts``: a forge's host -> the hosts that serve its accounts' files by account path."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for forge in t:
        if not _HOST.fullmatch(forge.strip()):
            raise where.child(forge).error(f"{forge!r} is not a host name (write github.com)")
        out.append((forge.strip().lower(), _hosts(t, forge, where)))
    return tuple(out)


@section(COPYRIGHT)
def parse_copyright(t: dict[str, Any], where: Where) -> CopyrightSpec:
    return CopyrightSpec(
        free_hosts=_hosts(t, "free_hosts", where),
        own_hosts=_hosts(t, "own_hosts", where, paths=True),
        quote_words=t.get("quote_words"),
        near_lines=t.get("near_lines"),
        asset_images=t.get("asset_images"),
        each_image=t.get("each_image"),
        media_hosts=_hosts(t, "media_hosts", where),
        social_hosts=_hosts(t, "social_hosts", where),
        agencies=_agencies(t.get("agencies", ()), where.child("agencies")),
        people_words=_terms(t, "people_words"),
        artwork_words=_terms(t, "artwork_words"),
        logo_words=_terms(t, "logo_words"),
        editorial_phrases=_terms(t, "editorial_phrases"),
        invalid_sources=_terms(t, "invalid_sources"),
        platform_sources=_terms(t, "platform_sources"),
        valid_sources=_terms(t, "valid_sources"),
        callout_labels=_terms(t, "callout_labels"),
        callout_symbols=_symbols(t, "callout_symbols", where),
        lead_in_words=_terms(t, "lead_in_words"),
        speech_verbs=_terms(t, "speech_verbs"),
        source_words=_terms(t, "source_words"),
        reader_words=_terms(t, "reader_words"),
        repository_hosts=_forges(t.get("repository_hosts", {}), where.child("repository_hosts")),
        replace=t.get("replace", ()),
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
        each_image=any(s.each_image for s in specs),
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
        logo=regex.compile(rf"(?i)(?<![\p{{L}}])(?:{_phrases(merged(specs, 'logo_words'))})(?![\p{{L}}])"),
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
