"""The ``[disclosure]`` pack section: keys, validation, and the merged, compiled state (once per pack set).

The default pack (rules/default.toml) brings the label vocabularies: hashtags and words that
label advertising, and the weak ones ("#spon", "powered by"); a company pack names its brands,
company names, shops, own cues and labels, adds to the lists or replaces them (``replace``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    PackSet,
    TermIndex,
    Where,
    expect_str_list,
    expect_table,
    expect_terms,
    merged,
    parse_replace,
)

START_CHARS = 100
LISTS = (
    "brands", "company", "labels", "shops", "cues", "hashtag_labels", "label_words", "weak_hashtags",
    "weak_phrases", "weak_words", "launch_phrases",
)  # fmt: skip
#: How many tokens a promotion cue may stand from a brand outside the brand's sentence.
NEAR_TOKENS = 12
_SHOP_SPEC = regex.compile(r"(?i)(?:https?://)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+(?:/\S*)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureSpec:
    """The ``[disclosure]`` section of one pack."""

    brands: tuple[str, ...] = ()
    company: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    shops: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    hashtag_labels: tuple[str, ...] = ()
    label_words: tuple[str, ...] = ()
    weak_hashtags: tuple[str, ...] = ()
    weak_phrases: tuple[str, ...] = ()
    weak_words: tuple[str, ...] = ()
    launch_phrases: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()


def _terms(t: dict[str, Any], key: str, where: Where) -> tuple[str, ...]:
    return tuple(x.strip() for x in expect_terms(t[key], where.child(key))) if key in t else ()


def parse_disclosure(value: Any, where: Where) -> DisclosureSpec:
    t = expect_table(value, where, (*LISTS, "replace"))
    shops = expect_str_list(t["shops"], where.child("shops")) if "shops" in t else ()
    for i, shop in enumerate(shops):
        if not _SHOP_SPEC.fullmatch(shop):
            raise (
                where.child("shops")
                .child(i)
                .error(
                    f"{shop!r} is not a host or web address (write shop.example.com or https://example.com/shop)"
                )
            )
    tags = {key: _terms(t, key, where) for key in ("hashtag_labels", "weak_hashtags")}
    for key, values in tags.items():
        for i, tag in enumerate(values):
            if not regex.fullmatch(r"#?[\p{L}\p{N}_]+", tag):
                raise where.child(key).child(i).error(f"{tag!r} is not a hashtag (write werbung or #werbung)")
    if any(k in t for k in ("labels", "shops", "cues")) and not ("brands" in t or "company" in t):
        # the company's own labels, shops and cues belong to its brands; vocabularies alone need none
        raise where.child("brands").error("missing: list the brands and products (or the `company` names)")
    return DisclosureSpec(
        brands=_terms(t, "brands", where),
        company=_terms(t, "company", where),
        labels=_terms(t, "labels", where),
        shops=tuple(s.strip().lower() for s in shops),
        cues=_terms(t, "cues", where),
        hashtag_labels=tuple(x.lstrip("#").lower() for x in tags["hashtag_labels"]),
        label_words=_terms(t, "label_words", where),
        weak_hashtags=tuple(x.lstrip("#").lower() for x in tags["weak_hashtags"]),
        weak_phrases=_terms(t, "weak_phrases", where),
        weak_words=_terms(t, "weak_words", where),
        launch_phrases=_terms(t, "launch_phrases", where),
        replace=parse_replace(t, where, LISTS),
    )


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The packs' ``[disclosure]`` sections, merged and compiled (``postguard_prepare``)."""

    brands: TermIndex
    labels: Any
    word_label: Any
    weak: Any
    launch: Any  # a product presented as new ("sind da", "now available")
    cues: Any
    shop: Any
    shop_keys: tuple[str, ...]
    cue_keys: tuple[str, ...]


def _alternation(words: Sequence[str]) -> str:
    alts = sorted({r"\s+".join(regex.escape(w) for w in x.split()) for x in words if x.split()}, key=len)
    return "|".join(reversed(alts)) or "(?!)"


def prepare(packs: PackSet) -> _Compiled | None:
    """The compiled state, or ``None`` when no pack names a brand or company (nothing to disclose)."""
    specs: Sequence[DisclosureSpec] = packs.sections.get("disclosure", ())
    brands, company = merged(specs, "brands"), merged(specs, "company")
    if not brands and not company:
        return None
    products = [t for e in packs.embargo for t in (e.name, *e.aliases)]
    index = TermIndex()
    for n, name in enumerate([*brands, *company, *products]):
        index.add(name, n, "word")
    tags = list(merged(specs, "hashtag_labels"))
    for name in company:
        slug = regex.sub(r"[^\p{L}\p{N}]", "", name).lower()
        tags += [f"{slug}employee", f"{slug}mitarbeiter", f"{slug}mitarbeiterin"]
    alts = [r"\#(?:" + _alternation(tags) + r")(?![\w])"]
    for label in merged(specs, "labels"):
        alts.append(r"(?<![\w#])" + regex.escape(label) + r"(?![\w])")
    cues = [r"\b" + r"\s+".join(regex.escape(w) for w in c.split()) + r"\b" for c in merged(specs, "cues")]
    shops = [regex.escape(regex.sub(r"(?i)^https?://", "", x).rstrip("/")) for x in merged(specs, "shops")]
    word_label = regex.compile(
        r"(?i)(?<![\p{L}\p{N}#@])(?:(?:un)?bezahlte\s+|paid\s+|enthält\s+|contains\s+)?(?:"
        + _alternation(merged(specs, "label_words"))
        + r")(?![\p{L}\p{N}-])(?!\s+(?:hoc|acta|libitum|nauseam|interim)\b)"
    )
    weak = regex.compile(
        r"(?i)(?P<tag>\#(?:" + _alternation(merged(specs, "weak_hashtags")) + r")(?![\w]))"
        r"|(?P<by>(?<![\w])(?:" + _alternation(merged(specs, "weak_phrases")) + r")(?![\w]))"
        r"|(?P<word>(?<![\w#])(?:" + _alternation(merged(specs, "weak_words")) + r")(?![\w]))"
    )
    return _Compiled(
        brands=index,
        labels=regex.compile("(?i)" + "|".join(alts)),
        word_label=word_label,
        weak=weak,
        launch=regex.compile(
            r"(?i)(?<![\p{L}])(?:" + _alternation(merged(specs, "launch_phrases")) + r")(?![\p{L}])"
        ),
        cues=regex.compile("(?i)" + "|".join(cues)) if cues else None,
        shop=regex.compile(r"(?i)(?:https?://)?(?:www\.)?(?:" + "|".join(shops) + r")[^\s<>\"']*")
        if shops
        else None,
        cue_keys=tuple(c.split()[0].lower() for c in merged(specs, "cues")),
        shop_keys=tuple(regex.sub(r"(?i)^https?://", "", x).lower() for x in merged(specs, "shops")),
    )
