"""The built-in sections of a rule pack, each validated into its spec (errors name file and key path).

``[pack]``, ``[[confidential]]``, ``[[embargo]]`` (with its pictures), ``[[channels]]``,
``[vocabulary]`` and ``[[test]]``; :mod:`postguard.rulepacks.loading` calls them per pack file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import regex

from postguard.rulepacks.hashed import unhash_keys
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

PACK_KEYS = ("name", "description", "version", "timezone", "lang")
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


def parse_confidential(
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


def parse_embargo(raw: Any, where: Where, pack: str, tz: ZoneInfo, protected: bool = False) -> EmbargoEntry:
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


def parse_channel(raw: Any, where: Where) -> Channel:
    t = expect_table(raw, where, _CHANNEL_KEYS, required=("name",))
    return Channel(
        name=expect_str(t["name"], where.child("name")).strip(),
        business=expect_bool(t.get("business", False), where.child("business")),
        platform=expect_str(t.get("platform", ""), where.child("platform"), empty_ok=True),
        imprint_on_posts=expect_bool(t.get("imprint_on_posts", False), where.child("imprint_on_posts")),
        lang=expect_choice(t["lang"], where.child("lang"), LANGS) if "lang" in t else None,
    )


def parse_vocabulary(raw: Any, where: Where) -> tuple[list[tuple[str, ...]], list[str], list[str]]:
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


def parse_test(raw: Any, where: Where, pack: str, tz: ZoneInfo) -> PackTest:
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
