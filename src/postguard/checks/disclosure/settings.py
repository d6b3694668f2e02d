"""The ``[disclosure]`` pack section: keys, validation, and the merged, compiled state (once per pack set).

The default pack (rules/default.toml) brings the vocabularies: hashtags and words that label
advertising and the weak ones ("#spon", "powered by"), and the promotion cues: calls to buy
(``buy_phrases``), weak cues, pointers to buy, shop paths and the cues with a grammar
(``[[disclosure.cue_patterns]]``: amounts, prices, discount codes). A company pack names its brands,
company names, shops, own cues and labels, adds to the lists or replaces them (``replace``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import PackSet, Table, TermIndex, Where, fields, merged, section

START_CHARS = 100
LISTS = (
    "brands", "company", "labels", "shops", "cues", "hashtag_labels", "label_words", "weak_hashtags",
    "weak_phrases", "weak_words", "launch_phrases", "buy_phrases", "weak_cues", "pointer_phrases",
    "shop_paths", "cue_patterns",
)  # fmt: skip
#: What ``{amount}`` and ``{money}`` stand for in a cue pattern.
_NUM = r"\d{1,3}(?:[.,\u202f]\d{3})*(?:[.,]\d{1,2})?"
_CURRENCY = r"(?:€|eur\b|euro\b|\$|usd\b)"
_MONEY = rf"(?:{_NUM}\s?{_CURRENCY}|[€$]\s?{_NUM})"
PLACEHOLDERS = {"{money}": _MONEY, "{amount}": rf"(?:{_NUM}\s?(?:%|prozent\b|percent\b)|{_MONEY})"}
#: How many tokens a promotion cue may stand from a brand outside the brand's sentence.
NEAR_TOKENS = 12
_SHOP_SPEC = regex.compile(r"(?i)(?:https?://)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+(?:/\S*)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class CuePattern:
    """A promotion cue with a grammar: a regular expression, strong or weak, tried when a key occurs."""

    name: str
    pattern: str  # with {amount} and {money} expanded
    strong: bool = True
    keys: tuple[str, ...] = ()


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
    buy_phrases: tuple[str, ...] = ()
    weak_cues: tuple[str, ...] = ()
    pointer_phrases: tuple[str, ...] = ()
    shop_paths: tuple[str, ...] = ()
    cue_patterns: tuple[CuePattern, ...] = ()
    replace: tuple[str, ...] = ()


def expand(pattern: str) -> str:
    """A cue pattern with ``{amount}`` and ``{money}`` replaced by their expressions."""
    for name, expr in PLACEHOLDERS.items():
        pattern = pattern.replace(name, expr)
    return pattern


CUE_PATTERN = Table(
    {
        "name": fields.string(),
        "pattern": fields.string("regular expression (the regex module; case-sensitive unless it says (?i))"),
        "strong": fields.boolean("false: a weak cue (default true)", default=True),
        "keys": fields.strings("lower-case strings one of which must occur for the pattern to be tried"),
    },
    required=("name", "pattern"),
)
DISCLOSURE = Table(
    {
        "brands": fields.terms("The company's brands and products."),
        "company": fields.terms("The company's names (also in #<company>employee hashtags)."),
        "labels": fields.terms("The company's own advertising labels."),
        "shops": fields.strings("The company's shops: hosts or web addresses (shop.example.com)."),
        "cues": fields.terms("The company's own promotion cues."),
        "hashtag_labels": fields.terms("Hashtags that label advertising (#werbung, #ad)."),
        "label_words": fields.terms(
            "Words that label advertising when they stand as a label (“Werbung: …”)."
        ),
        "weak_hashtags": fields.terms("Hashtags that do not clearly label advertising (#spon, #collab)."),
        "weak_phrases": fields.terms("Phrases that do not clearly label advertising (“powered by”)."),
        "weak_words": fields.terms("Words that do not clearly label advertising (“sponsored”)."),
        "launch_phrases": fields.terms("Phrases that present a product as new (“sind da”, “now available”)."),
        "buy_phrases": fields.terms(
            "Calls to buy and offers (“jetzt kaufen”, “Rabattcode”, “shop now”): strong promotion cues."
        ),
        "weak_cues": fields.terms(
            "Offers everyday posts mention too (“voucher”, “Black Friday”): weak promotion cues."
        ),
        "pointer_phrases": fields.terms(
            "Pointers to buy (“Link in Bio”, “swipe up”): weak, promotion beside a product presented as new."
        ),
        "shop_paths": fields.strings(
            "Strings whose occurrence in a link's address makes it a shop link (“shop”, “/products/”)."
        ),
        "cue_patterns": fields.tables(
            CUE_PATTERN,
            "Promotion cues with a grammar: regular expressions; {amount} and {money} stand for amounts and"
            " sums of money.",
        ),
        "replace": fields.replace(LISTS),
    },
    description="Advertising-disclosure settings (checks PG5xx);"
    " see docs/checks-imprint-copyright-disclosure.md.",
)


def _cue_patterns(items: Sequence[dict[str, Any]], where: Where) -> tuple[CuePattern, ...]:
    out: list[CuePattern] = []
    for i, t in enumerate(items):
        w = where.child(i)
        raw = t["pattern"]
        pattern = expand(raw)
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise w.child("pattern").error(f"invalid regular expression {raw!r}: {exc}") from None
        if regex.compile(pattern).search(""):
            raise w.child("pattern").error(f"{raw!r} matches the empty text: every draft would be promotion")
        out.append(
            CuePattern(
                name=t["name"].strip(),
                pattern=pattern,
                strong=t.get("strong", True),
                keys=tuple(k.lower() for k in t.get("keys", ())),
            )
        )
    return tuple(out)


def _terms(t: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in t.get(key, ()))


@section(DISCLOSURE)
def parse_disclosure(t: dict[str, Any], where: Where) -> DisclosureSpec:
    shops = t.get("shops", ())
    for i, shop in enumerate(shops):
        if not _SHOP_SPEC.fullmatch(shop):
            raise (
                where.child("shops")
                .child(i)
                .error(
                    f"{shop!r} is not a host or web address (write shop.example.com or https://example.com/shop)"
                )
            )
    tags = {key: _terms(t, key) for key in ("hashtag_labels", "weak_hashtags")}
    for key, values in tags.items():
        for i, tag in enumerate(values):
            if not regex.fullmatch(r"#?[\p{L}\p{N}_]+", tag):
                raise where.child(key).child(i).error(f"{tag!r} is not a hashtag (write werbung or #werbung)")
    if any(k in t for k in ("labels", "shops", "cues")) and not ("brands" in t or "company" in t):
        # the company's own labels, shops and cues belong to its brands; vocabularies alone need none
        raise where.child("brands").error("missing: list the brands and products (or the `company` names)")
    return DisclosureSpec(
        brands=_terms(t, "brands"),
        company=_terms(t, "company"),
        labels=_terms(t, "labels"),
        shops=tuple(s.strip().lower() for s in shops),
        cues=_terms(t, "cues"),
        hashtag_labels=tuple(x.lstrip("#").lower() for x in tags["hashtag_labels"]),
        label_words=_terms(t, "label_words"),
        weak_hashtags=tuple(x.lstrip("#").lower() for x in tags["weak_hashtags"]),
        weak_phrases=_terms(t, "weak_phrases"),
        weak_words=_terms(t, "weak_words"),
        launch_phrases=_terms(t, "launch_phrases"),
        buy_phrases=_terms(t, "buy_phrases"),
        weak_cues=_terms(t, "weak_cues"),
        pointer_phrases=_terms(t, "pointer_phrases"),
        shop_paths=tuple(x.strip().lower() for x in t.get("shop_paths", ())),
        cue_patterns=_cue_patterns(t.get("cue_patterns", ()), where.child("cue_patterns")),
        replace=t.get("replace", ()),
    )


@dataclass(frozen=True, slots=True)
class Compiled:
    """The packs' ``[disclosure]`` sections, merged and compiled (``postguard_prepare``)."""

    brands: TermIndex[int]
    labels: Any
    word_label: Any
    weak: Any
    launch: Any  # a product presented as new ("sind da", "now available")
    cues: Any
    shop: Any
    shop_keys: tuple[str, ...]
    cue_keys: tuple[str, ...]
    #: The promotion cues of the vocabularies: (keys, pattern, strong, is a pointer to buy), in order.
    cue_table: tuple[tuple[tuple[str, ...], Any, bool, bool], ...] = ()
    shop_paths: tuple[str, ...] = ()


def _alternation(words: Sequence[str]) -> str:
    alts = sorted({r"\s+".join(regex.escape(w) for w in x.split()) for x in words if x.split()}, key=len)
    return "|".join(reversed(alts)) or "(?!)"


def _phrase_regex(phrases: Sequence[str]) -> Any:
    """Whole-word phrases, case-insensitive, their words joined by spaces, hyphens or nothing
    ("Rabatt code" matches "Rabattcode", "Rabatt-Code"), with an optional plural s/en."""
    alts = {r"[\s-]*".join(regex.escape(w) for w in regex.split(r"[\s-]+", x.strip()) if w) for x in phrases}
    alts.discard("")
    if not alts:
        return None
    body = "|".join(sorted(alts, key=len, reverse=True))
    return regex.compile(rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{body})(?:s|en)?(?![\p{{L}}\p{{N}}])")


def _keys(phrases: Sequence[str]) -> tuple[str, ...]:
    """Strings one of which occurs (lower-cased) wherever a phrase matches: each phrase's longest word."""
    return tuple({max(regex.split(r"[\s-]+", p.strip().lower()), key=len) for p in phrases if p.strip()})


def cue_table(specs: Sequence[DisclosureSpec]) -> tuple[tuple[tuple[str, ...], Any, bool, bool], ...]:
    """The vocabularies' promotion cues, compiled: (keys, pattern, strong, pointer)."""
    table: list[tuple[tuple[str, ...], Any, bool, bool]] = []
    for cue in merged(specs, "cue_patterns"):
        table.append((cue.keys, regex.compile(cue.pattern), cue.strong, False))
    for key, strong, pointer in (
        ("buy_phrases", True, False),
        ("weak_cues", False, False),
        ("pointer_phrases", False, True),
    ):
        phrases = merged(specs, key)
        compiled = _phrase_regex(phrases)
        if compiled is not None:
            table.append((_keys(phrases), compiled, strong, pointer))
    return tuple(table)


def prepare(packs: PackSet) -> Compiled | None:
    """The compiled state, or ``None`` when no pack names a brand or company (nothing to disclose)."""
    specs: Sequence[DisclosureSpec] = packs.sections.get("disclosure", ())
    brands, company = merged(specs, "brands"), merged(specs, "company")
    if not brands and not company:
        return None
    products = [t for e in packs.embargo for t in (e.name, *e.aliases)]
    index: TermIndex[int] = TermIndex()
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
    return Compiled(
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
        cue_table=cue_table(specs),
        shop_paths=merged(specs, "shop_paths"),
    )
