"""Rule packs: TOML files a compliance team edits, validated strictly into typed specs.

Every error names the file and the key path (``embargo[2].until``). Unknown
keys are errors, never ignored. The format is documented in
``docs/rule-packs.md`` and described by ``schema/rulepack.schema.json``.

Sections built in here: ``pack``, ``confidential``, ``embargo``, ``channels``.
Plugins add sections through the ``postguard_pack_sections`` hook.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

from postguard.errors import ConfigError
from postguard.model import Severity
from postguard.rulepacks.cache import cache_key, read_cache, write_cache
from postguard.terms import TermIndex

CONFIDENTIAL_KINDS = ("codename", "client", "host", "marking", "topic")
MATCH_MODES = ("word", "exact", "label")
LANGS = ("de", "en")

SectionParser = Callable[[Any, "Where"], Any]
#: A pack's note: one text, or one per language (``{de = "...", en = "..."}``).
Note = str | Mapping[str, str] | None


def note_text(note: Note, lang: str) -> str:
    """The note in ``lang`` (falling back to English, then any language)."""
    if note is None or isinstance(note, str):
        return note or ""
    return note.get(lang) or note.get("en") or next(iter(note.values()), "")


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a pack file, for error messages: the file and a key path."""

    file: str
    key: str = ""

    def child(self, key: str | int) -> Where:
        if isinstance(key, int):
            return Where(self.file, f"{self.key}[{key}]")
        return Where(self.file, f"{self.key}.{key}" if self.key else key)

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, path=self.file, key=self.key or None)


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


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbargoEntry:
    index: int
    pack: str
    name: str
    aliases: tuple[str, ...]
    until: datetime
    severity: Severity | None = None
    note: Note = None


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


@dataclass(slots=True, kw_only=True)
class PackSet:
    """All loaded packs, merged. Indexes are built once here and cached with the packs."""

    files: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    fingerprint: str = ""
    confidential: tuple[ConfidentialEntry, ...] = ()
    embargo: tuple[EmbargoEntry, ...] = ()
    channels: dict[str, Channel] = field(default_factory=dict)
    sections: dict[str, list[Any]] = field(default_factory=dict)
    confidential_index: TermIndex = field(default_factory=TermIndex)
    context_index: TermIndex = field(default_factory=TermIndex)
    allow_index: TermIndex = field(default_factory=TermIndex)
    embargo_index: TermIndex = field(default_factory=TermIndex)
    hosts: dict[str, list[int]] = field(default_factory=dict)
    tests: tuple[PackTest, ...] = ()

    @property
    def term_count(self) -> int:
        return sum(len(e.terms) for e in self.confidential) + sum(1 + len(e.aliases) for e in self.embargo)


# -- value parsers --------------------------------------------------------------


def expect_table(
    value: Any, where: Where, allowed: Sequence[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(f"expected a table, got {typename(value)}")
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (allowed: {', '.join(allowed)})"
            raise where.child(key).error(f"unknown key{hint}")
    for key in required:
        if key not in value:
            raise where.child(key).error("missing required key")
    return value


def typename(value: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
        date: "a date",
        datetime: "a date-time",
    }.get(type(value), type(value).__name__)


def expect_str(value: Any, where: Where, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise where.error(f"expected a string, got {typename(value)}")
    if not empty_ok and not value.strip():
        raise where.error("must not be empty")
    return value


def expect_bool(value: Any, where: Where) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"expected true or false, got {typename(value)}")
    return value


def expect_int(value: Any, where: Where, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"expected an integer, got {typename(value)}")
    if not lo <= value <= hi:
        raise where.error(f"must be between {lo} and {hi}, got {value}")
    return value


def expect_choice(value: Any, where: Where, choices: Sequence[str]) -> str:
    s = expect_str(value, where)
    if s not in choices:
        raise where.error(f"must be one of {', '.join(choices)}, got {s!r}")
    return s


def expect_str_list(value: Any, where: Where, *, empty_ok: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise where.error(f"expected an array of strings, got {typename(value)}")
    if not value and not empty_ok:
        raise where.error("is empty: list at least one entry")
    return tuple(expect_str(v, where.child(i)) for i, v in enumerate(value))


def expect_terms(value: Any, where: Where, *, empty_ok: bool = False) -> tuple[str, ...]:
    """A list of terms; each must contain a letter or a digit."""
    terms = expect_str_list(value, where, empty_ok=empty_ok)
    for i, term in enumerate(terms):
        if not any(c.isalnum() for c in term):
            raise where.child(i).error(f"term {term!r} has no letters or digits, so it can never match")
    return terms


def expect_severity(value: Any, where: Where) -> Severity:
    return Severity(expect_choice(value, where, ("error", "warning", "info")))


def expect_moment(value: Any, where: Where, tz: ZoneInfo, *, end_of_day: bool) -> datetime:
    """A TOML date or date-time (or an ISO string) as an aware datetime.

    A date means the start of that day in the pack's time zone, or the start
    of the next day when it closes a window (``until`` is inclusive).
    """
    if isinstance(value, str):
        try:
            value = (
                datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            )
        except ValueError:
            raise where.error(
                f"{value!r} is not a date: write 2027-05-04 or 2027-05-04T09:00:00+02:00 (without quotes)"
            ) from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        start = datetime.combine(value, time(0, 0), tzinfo=tz)
        return start + timedelta(days=1) if end_of_day else start
    if isinstance(value, time):
        raise where.error("a time of day alone is not a date; write 2027-05-04T09:00:00+02:00")
    raise where.error(f"expected a date, got {typename(value)}")


def expect_note(value: Any, where: Where) -> Note:
    """A string, or a table of strings keyed by language (``de``, ``en``)."""
    if isinstance(value, dict):
        table = expect_table(value, where, LANGS)
        return {k: expect_str(v, where.child(k)) for k, v in table.items()}
    return expect_str(value, where)


def expect_langs(value: Any, where: Where) -> tuple[str, ...]:
    langs = expect_str_list(value, where)
    for i, lang in enumerate(langs):
        if lang not in LANGS:
            raise where.child(i).error(f"unknown language {lang!r} (expected de or en)")
    return langs


def expect_patterns(value: Any, where: Where) -> tuple[Any, ...]:
    out = []
    for i, pattern in enumerate(expect_str_list(value, where)):
        try:
            out.append(regex.compile(pattern, regex.IGNORECASE | regex.VERSION1))
        except regex.error as exc:
            # quoted as written in the pack (repr would double every backslash)
            raise where.child(i).error(f"invalid regular expression '{pattern}': {exc}") from None
        if out[-1].match(""):
            raise where.child(i).error(f"regular expression '{pattern}' matches the empty string")
    return tuple(out)


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
_EMBARGO_KEYS = ("name", "aliases", "until", "severity", "note")
_CHANNEL_KEYS = ("name", "business", "platform", "imprint_on_posts", "lang")
_TEST_KEYS = ("text", "expect", "lang", "channel", "kind", "now")
_RULE_ID = regex.compile(r"[A-Z][A-Z0-9]{0,9}[0-9]{1,4}")


def expect_array_of_tables(value: Any, where: Where) -> list[Any]:
    if not isinstance(value, list):
        raise where.error(f"expected an array of tables ([[{where.key}]]), got {typename(value)}")
    return value


def _parse_confidential(raw: Any, where: Where, pack: str, tz: ZoneInfo) -> ConfidentialEntry:
    t = expect_table(raw, where, _CONFIDENTIAL_KEYS, required=("kind",))
    kind = expect_choice(t["kind"], where.child("kind"), CONFIDENTIAL_KINDS)
    if "terms" not in t and "patterns" not in t:
        raise where.child("terms").error("missing: give terms (or patterns) to look for")
    terms = expect_terms(t["terms"], where.child("terms")) if "terms" in t else ()
    if kind == "host":
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
    )


def where_index(where: Where) -> int:
    return int(where.key.rsplit("[", 1)[1].rstrip("]"))


def _parse_embargo(raw: Any, where: Where, pack: str, tz: ZoneInfo) -> EmbargoEntry:
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
    )


def _parse_channel(raw: Any, where: Where) -> Channel:
    t = expect_table(raw, where, _CHANNEL_KEYS, required=("name",))
    return Channel(
        name=expect_str(t["name"], where.child("name")).strip(),
        business=expect_bool(t.get("business", False), where.child("business")),
        platform=expect_str(t.get("platform", ""), where.child("platform"), empty_ok=True),
        imprint_on_posts=expect_bool(t.get("imprint_on_posts", False), where.child("imprint_on_posts")),
        lang=expect_choice(t["lang"], where.child("lang"), LANGS) if "lang" in t else None,
    )


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


@dataclass(frozen=True, slots=True)
class _RawPack:
    path: str
    data: dict[str, Any]


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
    versions: list[str] = []
    tests: list[PackTest] = []
    allowed_top = ("pack", "confidential", "embargo", "channels", "test", *sections)
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
        if not any(k not in ("pack", "test") for k in data):
            raise root.error("the pack defines nothing: add [[confidential]], [[embargo]] or another section")
        for i, raw in enumerate(
            expect_array_of_tables(data.get("confidential", []), root.child("confidential"))
        ):
            confidential.append(_parse_confidential(raw, root.child("confidential").child(i), file, tz))
        for i, raw in enumerate(expect_array_of_tables(data.get("embargo", []), root.child("embargo"))):
            embargo.append(_parse_embargo(raw, root.child("embargo").child(i), file, tz))
        for i, raw in enumerate(expect_array_of_tables(data.get("channels", []), root.child("channels"))):
            ch = _parse_channel(raw, root.child("channels").child(i))
            channels[ch.name] = ch
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
        sections=extra,
        tests=tuple(tests),
    )
    _index(packs)
    return packs


def _index(packs: PackSet) -> None:
    for n, entry in enumerate(packs.confidential):
        if entry.kind == "host":
            for term in entry.terms:
                packs.hosts.setdefault(term.strip().lower().rstrip("."), []).append(n)
            continue
        for term in entry.terms:
            packs.confidential_index.add(term, n, entry.match)
        for term in entry.context:
            packs.context_index.add(term, n, "word")
        for phrase in entry.allow:
            packs.allow_index.add(phrase, n, "word")
    for n, emb in enumerate(packs.embargo):
        for term in (emb.name, *emb.aliases):
            packs.embargo_index.add(term, n, "word")


def now_utc() -> datetime:
    return datetime.now(UTC)
