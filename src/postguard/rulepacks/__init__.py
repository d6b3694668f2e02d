"""Rule packs: TOML files a compliance team edits, validated strictly into typed specs.

Every error names the file and the key path (``embargo[2].until``). Unknown
keys are errors, never ignored. The format is documented in
``docs/rule-packs.md`` and described by ``schema/rulepack.schema.json``.

Sections built in here: ``pack``, ``confidential``, ``embargo``, ``channels``,
``vocabulary`` (context words across languages, idioms that are never a codename).
Plugins add sections through the ``postguard_pack_sections`` hook.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

from postguard.errors import ConfigError
from postguard.model import Severity
from postguard.rulepacks.cache import cache_key, read_cache, write_cache
from postguard.rulepacks.hashed import (
    FORMS_KEY,
    HashedPack,
    HeadFilter,
    HostTable,
    MultiIndex,
    add_forms,
    hashed_digest,
    hashed_digests,
    parse_hashed_section,
    unhash_keys,
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
    expect_patterns,
    expect_severity,
    expect_str,
    expect_str_list,
    expect_table,
    expect_terms,
    typename,
    where_index,
)
from postguard.terms import TermIndex, term_key

__all__ = [
    "LANGS",
    "Note",
    "Where",
    "expect_array_of_tables",
    "expect_bool",
    "expect_choice",
    "expect_int",
    "expect_langs",
    "expect_moment",
    "expect_note",
    "expect_patterns",
    "expect_severity",
    "expect_str",
    "expect_str_list",
    "expect_table",
    "expect_terms",
    "typename",
    "where_index",
]

CONFIDENTIAL_KINDS = ("codename", "client", "host", "marking", "topic")
MATCH_MODES = ("word", "exact", "label")
SectionParser = Callable[[Any, "Where"], Any]


def note_text(note: Note, lang: str) -> str:
    """The note in ``lang`` (falling back to English, then any language)."""
    if note is None or isinstance(note, str):
        return note or ""
    return note.get(lang) or note.get("en") or next(iter(note.values()), "")


# -- typed specs ----------------------------------------------------------------


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

    Frozen, and each section's values are a tuple (one item per pack, in load order), so a
    plugin cannot change what another plugin sees.
    """

    files: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    fingerprint: str = ""
    confidential: tuple[ConfidentialEntry, ...] = ()
    embargo: tuple[EmbargoEntry, ...] = ()
    channels: dict[str, Channel] = field(default_factory=dict)
    sections: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    confidential_index: TermIndex = field(default_factory=TermIndex)
    context_index: TermIndex = field(default_factory=TermIndex)
    allow_index: TermIndex = field(default_factory=TermIndex)
    embargo_index: TermIndex = field(default_factory=TermIndex)
    hosts: dict[str, list[int]] = field(default_factory=dict)
    #: [vocabulary] equivalents: groups of words that stand for each other as context words
    equivalents: tuple[tuple[str, ...], ...] = ()
    #: [vocabulary] idioms: phrases in which no codename counts ("Und täglich grüßt das Murmeltier")
    idioms: tuple[str, ...] = ()
    idiom_index: TermIndex = field(default_factory=TermIndex)
    #: [vocabulary] history: words that put a sentence in the past ("damals"): no marking counts there
    history: tuple[str, ...] = ()
    history_index: TermIndex = field(default_factory=TermIndex)
    tests: tuple[PackTest, ...] = ()

    @property
    def term_count(self) -> int:
        return sum(len(e.terms) for e in self.confidential) + sum(1 + len(e.aliases) for e in self.embargo)


# -- sections -------------------------------------------------------------------

_PACK_KEYS = ("name", "description", "version", "timezone", "lang")
_CONFIDENTIAL_KEYS = (
    "replacement",
    "kind",
    "terms",
    "patterns",
    "context",
    "window",
    "allow",
    "severity",
    "from",
    "until",
    "match",
    "lang",
    "note",
)
_EMBARGO_KEYS = ("name", "aliases", "until", "severity", "note", "images", "image_hashes")
_CHANNEL_KEYS = ("name", "business", "platform", "imprint_on_posts", "lang")
_VOCABULARY_KEYS = ("equivalents", "idioms", "history")
_TEST_KEYS = ("text", "expect", "lang", "channel", "kind", "now")
_RULE_ID = regex.compile(r"[A-Z][A-Z0-9]{0,9}[0-9]{1,4}")


def _parse_confidential(
    raw: Any, where: Where, pack: str, tz: ZoneInfo, protected: bool = False
) -> ConfidentialEntry:
    if protected:
        raw = unhash_keys(raw, where, ("terms", "context", "allow"))
    t = expect_table(raw, where, _CONFIDENTIAL_KEYS, required=("kind",))
    kind = expect_choice(t["kind"], where.child("kind"), CONFIDENTIAL_KINDS)
    if "terms" not in t and "patterns" not in t:
        raise where.child("terms").error("missing: give terms (or patterns) to look for")
    terms = expect_terms(t["terms"], where.child("terms")) if "terms" in t else ()
    if kind == "host" and not protected:
        for i, term in enumerate(terms):
            if not regex.fullmatch(r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+", term.strip()):
                raise (
                    where.child("terms")
                    .child(i)
                    .error(f"{term!r} is not a host name (write wiki.example.com, without scheme or path)")
                )
    start = expect_moment(t["from"], where.child("from"), tz, end_of_day=False) if "from" in t else None
    end = expect_moment(t["until"], where.child("until"), tz, end_of_day=True) if "until" in t else None
    if start and end and end <= start:
        raise where.child("until").error("ends before `from` begins")
    default_match = "exact" if kind == "marking" else "word"
    return ConfidentialEntry(
        index=where_index(where),
        pack=pack,
        kind=kind,
        terms=terms,
        patterns=expect_patterns(t["patterns"], where.child("patterns")) if "patterns" in t else (),
        context=expect_terms(t["context"], where.child("context")) if "context" in t else (),
        window=expect_int(t.get("window", 10), where.child("window"), 1, 1000),
        allow=expect_str_list(t["allow"], where.child("allow")) if "allow" in t else (),
        severity=expect_severity(t["severity"], where.child("severity")) if "severity" in t else None,
        active=Window(start=start, end=end),
        match=expect_choice(t.get("match", default_match), where.child("match"), MATCH_MODES),
        lang=expect_langs(t["lang"], where.child("lang")) if "lang" in t else (),
        note=expect_note(t["note"], where.child("note")) if "note" in t else None,
        replacement=expect_str(t["replacement"], where.child("replacement")) if "replacement" in t else None,
        protected=protected,
    )


def _parse_embargo(raw: Any, where: Where, pack: str, tz: ZoneInfo, protected: bool = False) -> EmbargoEntry:
    if protected:
        raw = unhash_keys(raw, where, ("name", "aliases"))
    t = expect_table(raw, where, _EMBARGO_KEYS, required=("name", "until"))
    name = expect_terms([t["name"]], where.child("name"))[0] if isinstance(t["name"], str) else None
    if name is None:
        raise where.child("name").error(f"expected a string, got {typename(t['name'])}")
    return EmbargoEntry(
        index=where_index(where),
        pack=pack,
        name=name,
        aliases=expect_terms(t["aliases"], where.child("aliases"), empty_ok=True) if "aliases" in t else (),
        until=expect_moment(t["until"], where.child("until"), tz, end_of_day=False),
        severity=expect_severity(t["severity"], where.child("severity")) if "severity" in t else None,
        note=expect_note(t["note"], where.child("note")) if "note" in t else None,
        image_hashes=_embargo_image_hashes(t, where),
        protected=protected,
    )


# -- embargoed pictures (images = [...], image_hashes = [...]) -------------------


def _embargo_image_hashes(t: Mapping[str, Any], where: Where) -> tuple[int, ...]:
    """The perceptual hashes of an embargo's pictures: files next to the pack, and hashes written out."""
    if "images" not in t and "image_hashes" not in t:
        return ()
    from postguard.images.decode import decode
    from postguard.images.hashing import parse_hash
    from postguard.images.limits import ImageError
    from postguard.images.phash import reference_hashes

    out: list[int] = []
    base = Path(where.file).parent
    for i, rel in enumerate(expect_str_list(t.get("images", []), where.child("images"), empty_ok=True)):
        w = where.child("images").child(i)
        path = base / rel
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise w.error(f"cannot read image {rel!r}: {exc.strerror or exc}") from None
        try:
            out.extend(reference_hashes(decode(data, rel).image))
        except ImageError as exc:
            raise w.error(str(exc)) from None
    raw = expect_str_list(t.get("image_hashes", []), where.child("image_hashes"), empty_ok=True)
    for i, text in enumerate(raw):
        try:
            out.append(parse_hash(text))
        except ValueError as exc:
            raise where.child("image_hashes").child(i).error(str(exc)) from None
    return tuple(dict.fromkeys(out))


def _parse_channel(raw: Any, where: Where) -> Channel:
    t = expect_table(raw, where, _CHANNEL_KEYS, required=("name",))
    return Channel(
        name=expect_str(t["name"], where.child("name")).strip(),
        business=expect_bool(t.get("business", False), where.child("business")),
        platform=expect_str(t.get("platform", ""), where.child("platform"), empty_ok=True),
        imprint_on_posts=expect_bool(t.get("imprint_on_posts", False), where.child("imprint_on_posts")),
        lang=expect_choice(t["lang"], where.child("lang"), LANGS) if "lang" in t else None,
    )


def _parse_vocabulary(raw: Any, where: Where) -> tuple[list[tuple[str, ...]], list[str], list[str]]:
    t = expect_table(raw, where, _VOCABULARY_KEYS)
    groups = []
    eq = where.child("equivalents")
    if "equivalents" in t:
        if not isinstance(t["equivalents"], list):
            raise eq.error(f"expected an array of arrays of words, got {typename(t['equivalents'])}")
        for i, group in enumerate(t["equivalents"]):
            words = expect_terms(group, eq.child(i))
            if len(words) < 2:
                raise eq.child(i).error("a group of equivalents needs at least two words")
            groups.append(words)
    idioms = list(expect_terms(t["idioms"], where.child("idioms"))) if "idioms" in t else []
    history = list(expect_terms(t["history"], where.child("history"))) if "history" in t else []
    return groups, idioms, history


# -- loading --------------------------------------------------------------------
def _parse_test(raw: Any, where: Where, pack: str, tz: ZoneInfo) -> PackTest:
    t = expect_table(raw, where, _TEST_KEYS, required=("text", "expect"))
    expect = expect_str_list(t["expect"], where.child("expect"), empty_ok=True)
    for i, rule_id in enumerate(expect):
        if not _RULE_ID.fullmatch(rule_id):
            raise where.child("expect").child(i).error(f"{rule_id!r} is not a rule id like PG101")
    return PackTest(
        index=where_index(where),
        pack=pack,
        text=expect_str(t["text"], where.child("text")),
        expect=tuple(sorted(expect)),
        lang=expect_choice(t["lang"], where.child("lang"), LANGS) if "lang" in t else None,
        channel=expect_str(t["channel"], where.child("channel")) if "channel" in t else None,
        kind=expect_str(t["kind"], where.child("kind")) if "kind" in t else None,
        now=expect_moment(t["now"], where.child("now"), tz, end_of_day=False) if "now" in t else None,
    )


# -- loading --------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; errors name the file, line and column."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from None


def load_packs(
    paths: Sequence[Path],
    sections: Mapping[str, SectionParser] | None = None,
    *,
    cache_dir: Path | None = None,
    plugins: Sequence[str] = (),
) -> PackSet:
    """Read, validate and index rule packs (later packs add to earlier ones).

    With ``cache_dir`` the validated, indexed result is pickled under a key of
    everything that shapes it (see :mod:`postguard.rulepacks.cache`: the files'
    bytes, postguard's code, the section parsers and ``plugins``, names with
    versions), so an unchanged large pack loads in a fraction of the time.
    """
    sections = dict(sections or {})
    blobs: list[tuple[Path, bytes]] = []
    for p in paths:
        try:
            blobs.append((p, p.read_bytes()))
        except OSError as exc:
            raise ConfigError(f"cannot read rule pack: {exc.strerror or exc}", path=str(p)) from None
    fingerprint = cache_key(blobs, sections, plugins)
    cache_file = cache_dir / f"packs-{fingerprint}.pickle" if cache_dir else None
    if cache_file:
        cached = read_cache(cache_file, fingerprint, PackSet)
        if cached is not None:
            return cast(PackSet, cached)
    packs = _build(blobs, sections, fingerprint)
    if cache_file:
        write_cache(cache_file, packs)
    return packs


def _build(blobs: Sequence[tuple[Path, bytes]], sections: Mapping[str, SectionParser], fp: str) -> PackSet:
    confidential: list[ConfidentialEntry] = []
    embargo: list[EmbargoEntry] = []
    channels: dict[str, Channel] = {}
    extra: dict[str, list[Any]] = {}
    names: list[str] = []
    equivalents: list[tuple[str, ...]] = []
    idioms: list[str] = []
    history: list[str] = []
    versions: list[str] = []
    tests: list[PackTest] = []
    hashed: dict[str, HashedPack] = {}
    forms: dict[tuple[str, int], tuple[Where, tuple[str, ...]]] = {}
    allowed_top = ("pack", "confidential", "embargo", "channels", "vocabulary", "test", "hashed", *sections)
    for path, blob in blobs:
        file = str(path)
        try:
            data = tomllib.loads(blob.decode("utf-8"))
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8 text", path=file) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=file) from None
        root = Where(file)
        expect_table(data, root, allowed_top)
        meta = expect_table(data.get("pack", {}), root.child("pack"), _PACK_KEYS)
        tzname = expect_str(meta.get("timezone", "UTC"), root.child("pack").child("timezone"))
        try:
            tz = ZoneInfo(tzname)
        except (ZoneInfoNotFoundError, ValueError):
            raise (
                root.child("pack")
                .child("timezone")
                .error(f"unknown time zone {tzname!r} (use an IANA name such as Europe/Berlin)")
            ) from None
        names.append(expect_str(meta.get("name", path.stem), root.child("pack").child("name")))
        versions.append(meta.get("version", "") if isinstance(meta.get("version", ""), str) else "")
        for k in ("description", "version"):
            if k in meta:
                expect_str(meta[k], root.child("pack").child(k))
        if "lang" in meta:
            expect_choice(meta["lang"], root.child("pack").child("lang"), LANGS)
        if "hashed" in data:
            hashed[file] = parse_hashed_section(data["hashed"], root.child("hashed"))
        protected = file in hashed
        if not any(k not in ("pack", "test", "hashed") for k in data):
            raise root.error("the pack defines nothing: add [[confidential]], [[embargo]] or another section")
        for i, raw in enumerate(
            expect_array_of_tables(data.get("confidential", []), root.child("confidential"))
        ):
            where = root.child("confidential").child(i)
            raw = _take_forms(raw, where, protected, forms, ("confidential", len(confidential)))
            confidential.append(_parse_confidential(raw, where, file, tz, protected))
        for i, raw in enumerate(expect_array_of_tables(data.get("embargo", []), root.child("embargo"))):
            where = root.child("embargo").child(i)
            raw = _take_forms(raw, where, protected, forms, ("embargo", len(embargo)))
            embargo.append(_parse_embargo(raw, where, file, tz, protected))
        for i, raw in enumerate(expect_array_of_tables(data.get("channels", []), root.child("channels"))):
            ch = _parse_channel(raw, root.child("channels").child(i))
            channels[ch.name] = ch
        if "vocabulary" in data:
            groups, phrases, past = _parse_vocabulary(data["vocabulary"], root.child("vocabulary"))
            equivalents += groups
            idioms += phrases
            history += past
        for i, raw in enumerate(expect_array_of_tables(data.get("test", []), root.child("test"))):
            tests.append(_parse_test(raw, root.child("test").child(i), file, tz))
        for name, parse in sections.items():
            if name in data:
                extra.setdefault(name, []).append(parse(data[name], root.child(name)))
    packs = PackSet(
        files=tuple(str(p) for p, _ in blobs),
        names=tuple(names),
        versions=tuple(versions),
        fingerprint=fp,
        confidential=tuple(confidential),
        embargo=tuple(embargo),
        channels=channels,
        sections={name: tuple(values) for name, values in extra.items()},
        equivalents=tuple(equivalents),
        idioms=tuple(idioms),
        history=tuple(history),
        tests=tuple(tests),
    )
    _index(packs, hashed, forms)
    return packs


def _take_forms(
    raw: Any,
    where: Where,
    protected: bool,
    forms: dict[tuple[str, int], tuple[Where, tuple[str, ...]]],
    at: tuple[str, int],
) -> Any:
    """A hashed pack's entry without its ``hashed_forms`` (kept in ``forms`` for :func:`_index`)."""
    if not protected or not isinstance(raw, dict) or FORMS_KEY not in raw:
        return raw
    raw = dict(raw)
    records = expect_str_list(raw.pop(FORMS_KEY), where.child(FORMS_KEY), empty_ok=True)
    forms[at] = (where.child(FORMS_KEY), records)
    return raw


def _index(
    packs: PackSet,
    hashed: Mapping[str, HashedPack],
    forms: Mapping[tuple[str, int], tuple[Where, tuple[str, ...]]],
) -> None:
    """Build the term indexes of the merged packs: one for plain terms, one per hashed pack (own salt).

    Codenames and clients without ``context`` are distinctive (no everyday
    word, or the pack would have given context words): their one-edit typos
    count, and they may end a closed compound. Embargo names are distinctive
    too, and the distinctive last word of a multi-word name and a model number
    near its family count on their own (at lower confidence). A hashed pack
    brings every form as a record (``hashed_forms``, see :mod:`postguard.rulepacks.hashed`);
    one built before those (format 1) only its exact keys.
    """
    same: dict[str, set[str]] = {}
    for group in packs.equivalents:
        for word in group:
            same.setdefault(word.casefold(), set()).update(group)
    names = ("confidential", "context", "allow", "embargo")
    plain = {name: getattr(packs, f"{name}_index") for name in names}
    per_pack: dict[str, dict[str, TermIndex]] = {}
    same_hashed: dict[str, dict[str, tuple[str, ...]]] = {}
    for file, hp in hashed.items():
        per_pack[file] = {name: TermIndex(key_transform=hp.transform) for name in names}
        for name, index in per_pack[file].items():
            index.max_len = hp.max_len
            index.head_filter = hp.head_filters.get(name)
        # a hashed context word that is one of a group of equivalents brings the others along
        same_hashed[file] = {
            hp.transform(term_key(word)[0]): tuple(group) for group in packs.equivalents for word in group
        }
    hosts = HostTable()
    hashed_hosts: dict[str, dict[str, list[int]]] = {}

    def add_hashed(index: str, pack: str, term: str, ref: int, mode: str, where: Where, typos: bool) -> None:
        key, shape = hashed_digests(term, where)
        per_pack[pack][index].add_hashed(key, shape, ref, mode, typos=typos)

    for n, entry in enumerate(packs.confidential):
        where = Where(entry.pack, f"confidential[{entry.index}]")
        if entry.kind == "host":
            for term in entry.terms:
                if entry.protected:
                    table = hashed_hosts.setdefault(entry.pack, {})
                    table.setdefault(hashed_digest(term, where.child("terms")), []).append(n)
                else:
                    dict.setdefault(hosts, term.strip().lower().rstrip("."), []).append(n)
            continue
        distinctive = entry.kind in ("codename", "client") and not entry.context
        if entry.protected:
            idx = per_pack[entry.pack]
            with_forms = ("confidential", n) in forms
            if with_forms:
                at, records = forms["confidential", n]
                add_forms(idx, records, n, at)
            else:
                for term in entry.terms:
                    add_hashed(
                        "confidential", entry.pack, term, n, entry.match, where.child("terms"), distinctive
                    )
                for phrase in entry.allow:
                    add_hashed("allow", entry.pack, phrase, n, "word", where.child("allow"), False)
            for term in entry.context:
                if not with_forms:
                    add_hashed("context", entry.pack, term, n, "word", where.child("context"), False)
                key = hashed_digests(term, where.child("context"))[0]
                for word in sorted(same_hashed[entry.pack].get(key, ())):
                    idx["context"].add(word, n, "word")
                    _let_in(idx["context"], word)
            continue
        for term in entry.terms:
            plain["confidential"].add(term, n, entry.match, typos=distinctive)
        for term in sorted({w for c in entry.context for w in (c, *same.get(c.casefold(), ()))}):
            plain["context"].add(term, n, "word")
        for phrase in entry.allow:
            plain["allow"].add(phrase, n, "word")
    for n, emb in enumerate(packs.embargo):
        where = Where(emb.pack, f"embargo[{emb.index}]")
        for term in (emb.name, *emb.aliases):
            if emb.protected and ("embargo", n) in forms:
                continue
            if emb.protected:
                add_hashed("embargo", emb.pack, term, n, "word", where, True)
            else:
                plain["embargo"].add(term, n, "word", typos=True, parts=True)
    for (section, n), (at, records) in forms.items():
        if section == "embargo":
            add_forms(per_pack[packs.embargo[n].pack], records, n, at)
    for phrase in packs.idioms:
        packs.idiom_index.add(phrase, phrase, "word")
    for word in packs.history:
        packs.history_index.add(word, word, "exact")
    hosts.hashed = [(hashed[file].transform, table) for file, table in hashed_hosts.items()]
    object.__setattr__(packs, "hosts", hosts)  # still being built: frozen only once returned
    for name in names:
        parts = [plain[name], *(idx[name] for idx in per_pack.values())]
        for index in parts:
            index.freeze()
        if per_pack:
            object.__setattr__(packs, f"{name}_index", MultiIndex(parts))


def _let_in(index: TermIndex, word: str) -> None:
    """Let a hashed index's head filter pass a word added in clear (an equivalent from a vocabulary)."""
    if isinstance(index.head_filter, HeadFilter):
        plain = TermIndex()
        plain.add(word, 0, "word")
        index.head_filter = index.head_filter.with_extra(k[:4] for k in plain.entries)


def now_utc() -> datetime:
    return datetime.now(UTC)
