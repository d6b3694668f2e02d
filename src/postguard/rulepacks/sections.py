"""The built-in sections of a rule pack: each declared as a :class:`~postguard.rulepacks.fields.Table`
(which validates it and describes it in the JSON schema) and parsed into its spec.

``[pack]``, ``[[confidential]]``, ``[[embargo]]`` (with its pictures), ``[[channels]]``,
``[vocabulary]`` and ``[[test]]``; :mod:`postguard.rulepacks.loading` calls them per pack file.
Errors name the file and the key path (``embargo[2].until``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

from postguard.rulepacks import fields as f
from postguard.rulepacks.hashed import HASH_FORMS, HASH_TEXT, unhash_keys
from postguard.rulepacks.specs import (
    CONFIDENTIAL_KINDS,
    MATCH_MODES,
    Channel,
    ConfidentialEntry,
    EmbargoEntry,
    PackTest,
    Window,
)
from postguard.rulepacks.values import (
    LANGS,
    Where,
    expect_moment,
    expect_str_list,
    expect_terms,
    typename,
    where_index,
)

PACK = f.Table(
    {
        "name": f.string("Shown in `postguard rules` and health output."),
        "description": f.string(),
        "version": f.string(),
        "timezone": f.string("IANA time zone for dates without an offset (default UTC)."),
        "lang": f.choice(LANGS, "The company's main language (informational)."),
    },
    description="Metadata about the pack.",
)

_HASHED_ONLY = "Hashed pack only"
CONFIDENTIAL = f.Table(
    {
        "replacement": f.string("Offered as the fix."),
        "kind": f.choice(CONFIDENTIAL_KINDS, "Decides the rule id (PG101-PG105) and the message."),
        "terms": f.terms('Words or phrases (host names for kind = "host").'),
        "patterns": f.patterns("Regular expressions (Python `regex` syntax, case-insensitive)."),
        "context": f.terms("A match counts only with one of these within `window` words."),
        "window": f.integer(1, 1000, default=10),
        "allow": f.strings("Phrases in which a match never counts."),
        "severity": f.severity(),
        "from": f.moment("The entry counts from this date or time on."),
        "until": f.moment("The entry counts up to and including this date (or until this time)."),
        "match": f.choice(
            MATCH_MODES,
            "word: all variants (default); exact: only the exact words; label: exact and standing as a"
            " label (default for markings: exact).",
        ),
        "lang": f.langs("Count only in drafts in these languages."),
        "note": f.note(),
    },
    required=("kind",),
    description="Things that must stay internal.",
    schema_extra={"anyOf": [{"required": [k]} for k in ("terms", "patterns", "hashed_terms")]},
    schema_only={
        "hashed_terms": f.hashes(
            HASH_TEXT, f"{_HASHED_ONLY} (`postguard pack build`): the terms as KEY.SHAPE hashes (hosts: KEY)."
        ),
        "hashed_context": f.hashes(HASH_TEXT, f"{_HASHED_ONLY}: the context words, hashed."),
        "hashed_forms": f.hashes(HASH_FORMS, f.FORMS_TEXT),
        "hashed_allow": f.hashes(HASH_TEXT, f"{_HASHED_ONLY}: the allow phrases, hashed."),
    },
)


def _embargo_name(value: Any, where: Where) -> str:
    if not isinstance(value, str):
        raise where.error(f"expected a string, got {typename(value)}")
    return expect_terms([value], where)[0]


EMBARGO = f.Table(
    {
        "name": f.Key({"type": "string", "minLength": 1}, _embargo_name),
        "aliases": f.terms(empty_ok=True),
        "until": f.moment("When the embargo lifts (a date means 00:00 in the pack's time zone)."),
        "severity": f.severity(),
        "note": f.note(),
        "images": f.raw(
            f.described(
                f.one_or_many(f.STRING, empty_ok=True),
                "Embargoed pictures: image files, relative to the pack; hashed when the pack loads"
                " (checks PG801, docs/images.md).",
            )
        ),
        "image_hashes": f.raw(
            f.described(
                f.one_or_many({"type": "string", "pattern": "^[pP]:[0-9a-fA-F]{16}$"}, empty_ok=True),
                "Perceptual hashes of embargoed pictures, as printed by `postguard image-hash` (p: and 16"
                " hex digits).",
            )
        ),
    },
    required=("name", "until"),
    description="Products and news under embargo.",
    schema_required=("until",),
    schema_extra={"anyOf": [{"required": ["name"]}, {"required": ["hashed_name"]}]},
    schema_only={
        "hashed_name": f.described(
            {"type": "string", "pattern": HASH_TEXT}, f"{_HASHED_ONLY}: the name, hashed."
        ),
        "hashed_forms": f.hashes(HASH_FORMS, f.FORMS_TEXT),
        "hashed_aliases": f.hashes(HASH_TEXT, f"{_HASHED_ONLY}: the aliases, hashed."),
    },
)

CHANNEL = f.Table(
    {
        "name": f.string(),
        "business": f.boolean("A company account: imprint and disclosure duties apply."),
        "platform": f.string(empty_ok=True),
        "imprint_on_posts": f.boolean("Posts on this channel need an imprint reference too."),
        "lang": f.choice(LANGS),
    },
    required=("name",),
    description="The company's channels; drafts name one with --channel or front matter.",
)


def _equivalents(value: Any, where: Where) -> list[tuple[str, ...]]:
    if not isinstance(value, list):
        raise where.error(f"expected an array of arrays of words, got {typename(value)}")
    groups = []
    for i, group in enumerate(value):
        words = expect_terms(group, where.child(i))
        if len(words) < 2:
            raise where.child(i).error("a group of equivalents needs at least two words")
        groups.append(words)
    return groups


VOCABULARY = f.Table(
    {
        "equivalents": f.Key(
            f.described(
                {"type": "array", "items": {"type": "array", "minItems": 2, "items": f.STRING}},
                'Groups of words that are equivalent as context words ("Projekt", "project").',
            ),
            _equivalents,
        ),
        "idioms": f.terms("Phrases in which an everyday word is never a codename."),
        "history": f.terms("Words that put a sentence in the past: no marking phrase counts in it."),
        "software": f.terms(
            "Words naming parts of a program (API, method, field): a marking phrase inside a sentence"
            " with one tells who may use that part, not that the text is internal."
        ),
    },
    description=(
        "Words for the term matcher: context words that stand for each other across languages, and"
        " idioms in which no codename counts."
    ),
)

_RULE_ID = regex.compile(r"[A-Z][A-Z0-9]{0,9}[0-9]{1,4}")


def _rule_ids(value: Any, where: Where) -> tuple[str, ...]:
    expect = expect_str_list(value, where, empty_ok=True)
    for i, rule_id in enumerate(expect):
        if not _RULE_ID.fullmatch(rule_id):
            raise where.child(i).error(f"{rule_id!r} is not a rule id like PG101")
    return tuple(sorted(expect))


TEST = f.Table(
    {
        "text": f.string("The draft."),
        "expect": f.Key(
            f.described(
                f.one_or_many({"type": "string", "pattern": f"^{_RULE_ID.pattern}$"}, empty_ok=True),
                "Rule ids of the findings, in any order; [] for none.",
            ),
            _rule_ids,
        ),
        "lang": f.choice(LANGS),
        "channel": f.string(),
        "kind": f.string(),
        "now": f.moment("Judge the draft at this moment (default: now)."),
    },
    required=("text", "expect"),
    description="Self-tests run by `postguard pack check`: a draft and the rule ids it must produce.",
)

_HOST = regex.compile(r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+")


def parse_meta(value: Any, where: Where, default_name: str) -> tuple[str, str, ZoneInfo]:
    """The ``[pack]`` table: the pack's name, version and time zone."""
    meta = PACK.check(value, where)
    tzname = meta.get("timezone", "UTC")
    try:
        tz = ZoneInfo(tzname)
    except (ZoneInfoNotFoundError, ValueError):
        raise where.child("timezone").error(
            f"unknown time zone {tzname!r} (use an IANA name such as Europe/Berlin)"
        ) from None
    return meta.get("name", default_name), meta.get("version", ""), tz


def parse_confidential(
    raw: Any, where: Where, pack: str, tz: ZoneInfo, protected: bool = False
) -> ConfidentialEntry:
    if protected:
        raw = unhash_keys(raw, where, ("terms", "context", "allow"))
    t = CONFIDENTIAL.check(raw, where)
    kind = t["kind"]
    if "terms" not in t and "patterns" not in t:
        raise where.child("terms").error("missing: give terms (or patterns) to look for")
    terms = t.get("terms", ())
    if kind == "host" and not protected:
        for i, term in enumerate(terms):
            if not _HOST.fullmatch(term.strip()):
                raise (
                    where.child("terms")
                    .child(i)
                    .error(f"{term!r} is not a host name (write wiki.example.com, without scheme or path)")
                )
    start = expect_moment(t["from"], where.child("from"), tz, end_of_day=False) if "from" in t else None
    end = expect_moment(t["until"], where.child("until"), tz, end_of_day=True) if "until" in t else None
    if start and end and end <= start:
        raise where.child("until").error("ends before `from` begins")
    return ConfidentialEntry(
        index=where_index(where),
        pack=pack,
        kind=kind,
        terms=terms,
        patterns=t.get("patterns", ()),
        context=t.get("context", ()),
        window=t.get("window", 10),
        allow=t.get("allow", ()),
        severity=t.get("severity"),
        active=Window(start=start, end=end),
        match=t.get("match", "exact" if kind == "marking" else "word"),
        lang=t.get("lang", ()),
        note=t.get("note"),
        replacement=t.get("replacement"),
        protected=protected,
    )


def parse_embargo(raw: Any, where: Where, pack: str, tz: ZoneInfo, protected: bool = False) -> EmbargoEntry:
    if protected:
        raw = unhash_keys(raw, where, ("name", "aliases"))
    t = EMBARGO.check(raw, where)
    return EmbargoEntry(
        index=where_index(where),
        pack=pack,
        name=t["name"],
        aliases=t.get("aliases", ()),
        until=expect_moment(t["until"], where.child("until"), tz, end_of_day=False),
        severity=t.get("severity"),
        note=t.get("note"),
        image_hashes=_embargo_image_hashes(t, where),
        protected=protected,
    )


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


def parse_channel(raw: Any, where: Where) -> Channel:
    t = CHANNEL.check(raw, where)
    return Channel(
        name=t["name"].strip(),
        business=t.get("business", False),
        platform=t.get("platform", ""),
        imprint_on_posts=t.get("imprint_on_posts", False),
        lang=t.get("lang"),
    )


def parse_vocabulary(raw: Any, where: Where) -> tuple[list[tuple[str, ...]], list[str], list[str], list[str]]:
    t = VOCABULARY.check(raw, where)
    return (
        t.get("equivalents", []),
        list(t.get("idioms", ())),
        list(t.get("history", ())),
        list(t.get("software", ())),
    )


def parse_test(raw: Any, where: Where, pack: str, tz: ZoneInfo) -> PackTest:
    t = TEST.check(raw, where)
    return PackTest(
        index=where_index(where),
        pack=pack,
        text=t["text"],
        expect=t["expect"],
        lang=t.get("lang"),
        channel=t.get("channel"),
        kind=t.get("kind"),
        now=expect_moment(t["now"], where.child("now"), tz, end_of_day=False) if "now" in t else None,
    )
