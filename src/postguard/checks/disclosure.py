"""Built-in check: advertising disclosure (§ 5a Abs. 4 UWG, FTC Endorsement Guides).

A draft that names the employer's brands or products (``[disclosure] brands``
and ``company``, plus the names of embargoed products) *and* shows a cue of
promotion (a discount code, "Rabatt", "% off", a shop link, "jetzt kaufen",
"link in bio") needs an advertising label at its start: "Werbung",
"Anzeige", "Ad", "#ad", "#werbung", "#anzeige", "#<company>employee" or a
label from ``[disclosure] labels``.

"At the start" means: the label begins within the first
:data:`START_CHARS` characters of the text, before the first promotion cue,
and is not the last thing in it (only hashtags, mentions and punctuation
after it). A label anywhere else, e.g. in a cluster of closing hashtags, is
late; "#spon", "#collab", "sponsored by", "powered by", "präsentiert von"
and the like are weak.

Applies to every kind of draft on a private account (an employee promoting
the employer must disclose it there too) and to posts on business channels.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    CheckContext,
    Finding,
    RuleDoc,
    Severity,
    TermIndex,
    Where,
    expect_str_list,
    expect_table,
    expect_terms,
    find_urls,
    hookimpl,
    load_rules,
    overlaps,
    quote,
)

PLUGIN = "postguard.checks.disclosure"
MISSING, LATE, WEAK = "PG501", "PG502", "PG503"
START_CHARS = 100
WEAK_CUE_CONFIDENCE = 0.7  # findings on weak cues alone: confidence scaled by this, severity info

# Promotion cues, each run only when one of its key strings occurs in the lower-cased text. *Strong*
# cues make an offer or ask to buy (a percentage off, a price, "jetzt kaufen", a shop); *weak* ones are
# words that everyday posts use too ("Link in Bio" under a job ad, "Black Friday" as a topic): on
# their own they make PG501 a hint (info), not an error.
_NUM = r"\d{1,3}(?:[.,\u202f]\d{3})*(?:[.,]\d{1,2})?"
_CURRENCY = r"(?:€|eur\b|euro\b|\$|usd\b)"
_MONEY = rf"(?:{_NUM}\s?{_CURRENCY}|[€$]\s?{_NUM})"
_AMOUNT = rf"(?:{_NUM}\s?(?:%|prozent\b|percent\b)|{_MONEY})"
_CUES: tuple[tuple[tuple[str, ...], Any, bool], ...] = tuple(
    (keys, regex.compile("(?i)" + pattern), strong)
    for keys, pattern, strong in (
        (
            ("%", "prozent", "percent", "€", "eur", "$", "usd"),
            # "20 % Rabatt", "10 € off", "spart 20 %", "bis zu 50 %", "jetzt -20 %", "-20 % auf alles";
            # a bare "-12 %" is no cue (quarterly figures)
            rf"{_AMOUNT}\s*(?:off(?![\w-])|rabatt|reduziert|günstiger|billiger|sparen|discount|nachlass|auf\s+alles"
            rf"|on\s+everything)|\b(?:spar(?:e|t|en)?|save|bis\s+zu|up\s+to)\s+(?:bis\s+zu\s+|up\s+to\s+)?{_AMOUNT}"
            r"|\b(?:jetzt|nur|now|only|alles|all)\s+[-−–]\s?\d{1,2}\s?%|(?<![\w.,])[-−–]\s?\d{1,2}\s?%\s+"
            r"(?:auf|on|für|for|off)\b",
            True,
        ),
        (
            ("€", "eur", "$", "usd"),
            rf"\b(?:nur|only|jetzt|now|ab|statt)\s+(?:noch\s+)?{_MONEY}",
            True,
        ),
        (
            ("kaufen", "bestellen", "shoppen", "sichern", "zuschlagen"),
            r"\b(?:jetzt|hier)\s+(?:kaufen|bestellen|shoppen|sichern|zuschlagen|vorbestellen)\b",
            True,
        ),
        (("sicher",), r"\b(?:sichere?|sichert)\s+(?:dir|euch|ihnen)\b", True),
        (
            ("shop",),
            r"\b(?:zum|im|in\s+unserem)\s+(?:online[\s-]?)?shop\b|\bshop\s+(?:now|the\s+look)\b",
            True,
        ),
        (("now",), r"\b(?:buy|order|pre-?order)\s+(?:it\s+)?now\b", True),
        (("get yours",), r"\bget\s+yours\b", True),
        (("warenkorb", "cart"), r"\bin\s+den\s+warenkorb\b|\badd\s+to\s+cart\b", True),
        (
            ("code", "aktion"),
            r"(?<![\p{L}])(?:rabatt|gutschein)[\s-]?(?:code|aktion)(?:s|en)?(?![\p{L}])"
            r"|\b(?:promo|discount|coupon|voucher)[\s-]?codes?\b",
            True,
        ),
        # A German compound names what its last part names: "Mitarbeiterrabatt" is a Rabatt,
        # "Rabattschlacht", "Rabatt-Schlacht" and "Gutscheinsystem" are not.
        (("rabatt",), r"(?<![\p{L}])\p{L}*rabatt(?:e|en|s|es)?(?![\p{L}]|-\p{L})", False),
        (("gutschein",), r"(?<![\p{L}])\p{L}*gutschein(?:e|en|s|es)?(?![\p{L}]|-\p{L})", False),
        (("voucher", "coupon"), r"\b(?:voucher|coupon)s?\b", False),
        # "a discount", "discounts on", not "discount strategies", "a discount retailer", "discount rate"
        (
            ("discount",),
            r"\b(?:a|an|your|our|my|extra|special|exclusive|employee)\s+discounts?\b"
            r"(?!\s+(?:retail|store|chain|airline|brand|supermarket|broker|rate|grocer)\w*)"
            r"|\bdiscount(?:s|ed)?\s+(?:prices?|of\s+\d|on)\b",
            False,
        ),
        (("promo",), r"\bpromos?\b", False),  # not "Promotion" (a doctorate, a new job)
        (
            ("bio", "profil"),
            r"\blink\s+(?:in\s+(?:(?:my|der|meiner)\s+)?bio|im\s+profil)\b|\blinkinbio\b",
            False,
        ),
        (("swipe",), r"\bswipe\s+up\b", False),
        (
            ("sale", "friday", "monday"),
            r"(?<!\bthe\s)\bsale\b(?!\s+(?:of|to)\b)|\bblack\s*friday\b|\bcyber\s*monday\b",
            False,
        ),
    )
)
# "Code NORDKAP20", "Rabattcode: NK-15", "code anna15": the word in any case, the code in capitals and
# digits, or in small letters with a digit (so not "Code of Conduct").
_CODE = regex.compile(
    r"(?i:(?<![\w-])(?:(?:rabatt|gutschein|promo|discount|coupon|voucher)[\s-]?)?code)\s*[:=]?\s*[\"„“‚'«»]?"
    r"(?P<code>[A-Z0-9][A-Z0-9_-]{2,}|[a-z][a-z0-9_-]*\d[a-z0-9_-]*)(?![\w])"
)
_SHOP_PATH = regex.compile(r"(?i)shop|store|/produkte?/|/products?/|amzn\.to|amazon\.[a-z.]+/|/kaufen|/buy")
_SHOP_SPEC = regex.compile(r"(?i)(?:https?://)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+(?:/\S*)?")

_HASHTAG_LABELS = (
    "werbung", "anzeige", "ad", "ads", "advert", "advertisement", "advertising", "werbepartnerschaft",
    "bezahltewerbung", "bezahltepartnerschaft", "bezahltewerbepartnerschaft", "paidpartnership",
    "eigenwerbung", "unbezahltewerbung",
)  # fmt: skip
_WORD_LABEL = regex.compile(
    r"(?i)(?<![\p{L}\p{N}#@])(?:(?:un)?bezahlte\s+|paid\s+|enthält\s+|contains\s+)?"
    r"(?:Werbung|Anzeige|Ad|Advert|Advertisement|Eigenwerbung|Werbepartnerschaft|Bezahlte\s+Werbepartnerschaft"
    r"|Paid\s+partnership|Sponsored\s+ad)(?![\p{L}\p{N}-])(?!\s+(?:hoc|acta|libitum|nauseam|interim)\b)"
)
_WEAK = regex.compile(
    r"""(?ix)
    (?P<tag>\#(?:spon|sponsored|sponsoring|sp|collab|kollab|kooperation|cooperation|partner|partnership
        |ambassador|markenbotschafter(?:in)?|thanks|gesponsert|supported)(?![\w]))
    | (?P<by>(?<![\w])(?:sponsored\s+by|gesponsert\s+von|powered\s+by|präsentiert\s+von|presented\s+by
        |in\s+(?:freundlicher\s+)?kooperation\s+mit|in\s+(?:collaboration|cooperation|partnership)\s+with
        |supported\s+by|unterstützt\s+von|mit\s+freundlicher\s+unterstützung\s+(?:von)?)(?![\w]))
    | (?P<word>(?<![\w#])(?:sponsored|gesponsert)(?![\w]))
    """
)
_LABEL_BEFORE = " \t*_>•·|[({<\"'„“”‚‘’«»-–—:🔸🔹▪️"
_LABEL_AFTER = (":", "|", "-", "–", "—", "/", "*", ")", "]", "}", ",", "!", ".", "·", "•", "(", "_", ">")
_LABEL_CONTINUES = regex.compile(r"(?i)(?:mit|with|für|for|von|from)\s+\S")
_LEADING = regex.compile(r"\s*")
_TRAILER = regex.compile(r"(?:[#@][\p{L}\p{N}_]+|[^\p{L}\p{N}])*")
_HASHTAG_RUN = regex.compile(r"#[\p{L}\p{N}_]+(?:[\s,.·]+#[\p{L}\p{N}_]+)+")


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureSpec:
    """The ``[disclosure]`` section of one pack."""

    brands: tuple[str, ...] = ()
    company: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    shops: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()


def parse_disclosure(value: Any, where: Where) -> DisclosureSpec:
    t = expect_table(value, where, ("brands", "company", "labels", "shops", "cues"))
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
    spec = DisclosureSpec(
        brands=expect_terms(t["brands"], where.child("brands")) if "brands" in t else (),
        company=expect_terms(t["company"], where.child("company")) if "company" in t else (),
        labels=expect_terms(t["labels"], where.child("labels")) if "labels" in t else (),
        shops=tuple(s.strip().lower() for s in shops),
        cues=expect_terms(t["cues"], where.child("cues")) if "cues" in t else (),
    )
    if not spec.brands and not spec.company:
        raise where.child("brands").error("missing: list the brands and products (or the `company` names)")
    return spec


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("disclosure", parse_disclosure)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


# -- per pack set -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Compiled:
    brands: TermIndex
    labels: Any
    cues: Any
    shop: Any
    shop_keys: tuple[str, ...]
    cue_keys: tuple[str, ...]


_CACHE: dict[int, tuple[object, _Compiled | None]] = {}


def _compiled(ctx: CheckContext) -> _Compiled | None:
    key = id(ctx.packs)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is ctx.packs:
        return hit[1]
    specs: list[DisclosureSpec] = ctx.packs.sections.get("disclosure", [])
    comp = _build(specs, [t for e in ctx.packs.embargo for t in (e.name, *e.aliases)]) if specs else None
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = (ctx.packs, comp)
    return comp


def _build(specs: Sequence[DisclosureSpec], products: Sequence[str]) -> _Compiled:
    names = [*(b for s in specs for b in s.brands), *(c for s in specs for c in s.company), *products]
    index = TermIndex()
    for n, name in enumerate(names):
        index.add(name, n, "word")
    tags = list(_HASHTAG_LABELS)
    for company in (c for s in specs for c in s.company):
        slug = regex.sub(r"[^\p{L}\p{N}]", "", company).lower()
        tags += [f"{slug}employee", f"{slug}mitarbeiter", f"{slug}mitarbeiterin"]
    alts = [r"\#(?:" + "|".join(sorted(map(regex.escape, tags), key=len, reverse=True)) + r")(?![\w])"]
    for label in (x for s in specs for x in s.labels):
        alts.append(r"(?<![\w#])" + regex.escape(label.strip()) + r"(?![\w])")
    cues = [r"\b" + r"\s+".join(regex.escape(w) for w in c.split()) + r"\b" for s in specs for c in s.cues]
    shops = [regex.escape(regex.sub(r"(?i)^https?://", "", x).rstrip("/")) for s in specs for x in s.shops]
    return _Compiled(
        brands=index,
        labels=regex.compile("(?i)" + "|".join(alts)),
        cues=regex.compile("(?i)" + "|".join(cues)) if cues else None,
        shop=regex.compile(r"(?i)(?:https?://)?(?:www\.)?(?:" + "|".join(shops) + r")[^\s<>\"']*")
        if shops
        else None,
        cue_keys=tuple(c.split()[0].lower() for s in specs for c in s.cues),
        shop_keys=tuple(regex.sub(r"(?i)^https?://", "", x).lower() for s in specs for x in s.shops),
    )


# -- the check --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Label:
    start: int
    end: int
    weak: bool
    kind: str  # "tag", "by", "word"


@dataclass(frozen=True, slots=True)
class Cues:
    """The promotion cues of a draft: where the first one starts, and the one to name in a message."""

    first: int
    shown: tuple[int, int]
    strong: bool


def find_cues(text: str, comp: _Compiled) -> Cues | None:
    """The promotion cues in ``text``: the first of any, and the first strong one (else the first weak)."""
    low = text.lower()
    strong: list[tuple[int, int]] = []
    weak: list[tuple[int, int]] = []
    for keys, pattern, is_strong in _CUES:
        if any(k in low for k in keys) and (m := pattern.search(text)):
            (strong if is_strong else weak).append(m.span())
    if "code" in low and (m := _CODE.search(text)):
        strong.append(m.span())
    if "/" in text:
        shop = next(((a, b) for a, b in find_urls(text) if _SHOP_PATH.search(text, a, b)), None)
        if shop:
            strong.append(shop)
    if comp.shop is not None and any(h in low for h in comp.shop_keys) and (m := comp.shop.search(text)):
        strong.append(m.span())
    if comp.cues is not None and any(k in low for k in comp.cue_keys) and (m := comp.cues.search(text)):
        strong.append(m.span())  # the company's own cues: its compliance team chose them
    if not strong and not weak:
        return None
    shown = min(strong) if strong else min(weak)
    return Cues(first=min(strong + weak)[0], shown=shown, strong=bool(strong))


def _stands_as_label(text: str, start: int, end: int) -> bool:
    """Whether a label word stands as a label: heading its line, or bracketed."""
    line_start = text.rfind("\n", max(0, start - 200), start) + 1 or max(0, start - 200)
    line_end = text.find("\n", end, end + 200)
    if line_end < 0:
        line_end = min(len(text), end + 200)
    before = text[line_start:start]
    after = text[end:line_end].lstrip(" \t")
    if before.rstrip()[-1:] in ("[", "(", "*", "{", "|") and after[:1] in ("]", ")", "*", "}", "|"):
        return True
    if before.strip(_LABEL_BEFORE) == "":
        return after == "" or after.startswith(_LABEL_AFTER) or _LABEL_CONTINUES.match(after) is not None
    return False


def find_labels(text: str, comp: _Compiled) -> list[_Label]:
    labels = [_Label(m.start(), m.end(), False, "tag") for m in comp.labels.finditer(text)]
    taken = [(lb.start, lb.end) for lb in labels]
    for m in _WORD_LABEL.finditer(text):
        if not overlaps(taken, m.start(), m.start() + 1) and _stands_as_label(text, m.start(), m.end()):
            labels.append(_Label(m.start(), m.end(), False, "word"))
    taken = sorted((lb.start, lb.end) for lb in labels)
    for m in _WEAK.finditer(text):
        if not overlaps(taken, m.start(), m.start() + 1):
            labels.append(_Label(m.start(), m.end(), True, m.lastgroup or "word"))
    labels.sort(key=lambda lb: lb.start)
    return labels


def _content_start(text: str, body_start: int = 0) -> int:
    """Where the body's first word is (after the front matter, whose values stay in the checked text)."""
    m = _LEADING.match(text, body_start)
    return m.end() if m else body_start


def placement(text: str, label: _Label, cue_start: int) -> str:
    """Where a label stands: ``"start"`` or why not.

    ``"cluster"``: among closing hashtags; ``"end"``: nothing but hashtags,
    mentions and punctuation follow it; ``"after"``: after the first
    promotion cue; ``"late"``: after the first :data:`START_CHARS` characters.
    """
    content_start = _content_start(text)
    trailer = label.start > content_start and _TRAILER.fullmatch(text, label.end) is not None
    if trailer and text[label.start] == "#":
        for run in _HASHTAG_RUN.finditer(text, max(0, label.start - 400)):
            if run.start() > label.start:
                break
            if label.start < run.end():
                return "cluster"
    if trailer:
        return "end"
    if label.start - content_start >= START_CHARS:
        return "late"
    if label.start > cue_start:
        return "after"
    return "start"


def _applies(ctx: CheckContext) -> bool:
    ch = ctx.channel
    if ch is None or not ch.business:
        return True
    return ctx.draft.kind == "post"


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    if "disclosure" not in ctx.packs.sections or not _applies(ctx):
        return
    comp = _compiled(ctx)
    if comp is None:
        return
    text = ctx.text
    brands = comp.brands.find(ctx.pieces)
    if not brands:
        return
    cues = find_cues(text, comp)
    if cues is None:
        return
    brand = brands[0]
    business = ctx.channel is not None and ctx.channel.business
    lang = ctx.msg_lang
    what = quote(text[brand.start : brand.end], lang)
    cue_text = quote(" ".join(text[cues.shown[0] : cues.shown[1]].split()), lang)
    # Only words everyday posts use too: every finding is a hint (info), at a lower confidence.
    hint = not cues.strong
    confidence = round(brand.confidence * WEAK_CUE_CONFIDENCE, 3) if hint else brand.confidence
    hint_severity = Severity.INFO if hint else None
    de_label = ctx.lang == "de"
    labels = find_labels(text, comp)
    strong = [lb for lb in labels if not lb.weak]
    content_start = _content_start(text)
    early = [lb for lb in strong if lb.start - content_start < START_CHARS]
    if any(placement(text, lb, cues.first) == "start" for lb in early):
        return
    if strong:
        lb = strong[0]
        where = placement(text, lb, cues.first)
        shown = quote(text[lb.start : lb.end], lang)
        en_where = {
            "cluster": "only at the end, in a cluster of hashtags",
            "end": "only at the end",
            "after": f"only after the promotion ({cue_text})",
            "late": f"only after the first {START_CHARS} characters",
        }[where]
        de_where = {
            "cluster": "erst am Ende zwischen anderen Hashtags",
            "end": "erst am Ende",
            "after": f"erst nach der Werbung ({cue_text})",
            "late": f"erst nach den ersten {START_CHARS} Zeichen",
        }[where]
        yield ctx.finding(
            LATE,
            lb.start,
            lb.end,
            ctx.message(
                en=f"The advertising label {shown} stands {en_where}, where readers miss it: move it to the "
                f"start of the post (“Ad: …”).",
                de=f"Die Werbekennzeichnung {shown} steht {de_where}, wo man sie übersieht: an den Anfang "
                f"des Beitrags setzen („Werbung: …“).",
            ),
            confidence=confidence,
            severity=hint_severity,
        )
        return
    weak = [lb for lb in labels if lb.weak]
    if weak:
        lb = weak[0]
        shown = quote(text[lb.start : lb.end], lang)
        at_start = placement(text, lb, cues.first) == "start"
        if not at_start:
            fix = "Werbung" if de_label else "Ad"
        elif lb.kind == "tag":
            fix = "#werbung" if de_label else "#ad"
        elif lb.kind == "by":
            fix = "Werbung für" if de_label else "Ad for"
        else:
            fix = "Werbung" if de_label else "Ad"
        move_en = "" if at_start else " at the start of the post"
        move_de = "" if at_start else " am Anfang des Beitrags"
        yield ctx.finding(
            WEAK,
            lb.start,
            lb.end,
            ctx.message(
                en=f"{shown} does not clearly say this is advertising for {what}: write "
                f"{quote(fix, 'en')}{move_en} instead.",
                de=f"{shown} kennzeichnet die Werbung für {what} nicht eindeutig: stattdessen "
                f"{quote(fix, 'de')}{move_de} schreiben.",
            ),
            replacements=(fix,) if at_start else (),
            confidence=confidence,
            severity=hint_severity,
        )
        return
    start = _content_start(text, ctx.structure.body_start)
    word = regex.match(r"\S{1,60}", text, pos=start)
    end = word.end() if word else min(len(text), start + 1)
    label = "Werbung" if de_label else "Ad"
    if business:
        en_why, de_why = "", ""
    else:
        en_why = " Employees promoting their employer must disclose it on private accounts too."
        de_why = " Wer für den eigenen Arbeitgeber wirbt, muss das auch privat kennzeichnen."
    if cues.strong:
        message = ctx.message(
            en=f"This post promotes {what} ({cue_text}) but has no advertising label: start it with "
            f"{quote(label, 'en')}.{en_why}",
            de=f"Dieser Beitrag wirbt für {what} ({cue_text}), ist aber nicht als Werbung gekennzeichnet: "
            f"mit {quote(label, 'de')} beginnen.{de_why}",
        )
        severity = Severity.WARNING if business else None
    else:
        message = ctx.message(
            en=f"If this post promotes {what} ({cue_text}), it needs an advertising label: start it with "
            f"{quote(label, 'en')}.{en_why}",
            de=f"Falls dieser Beitrag für {what} wirbt ({cue_text}), muss er als Werbung gekennzeichnet "
            f"sein: mit {quote(label, 'de')} beginnen.{de_why}",
        )
        severity = hint_severity
    yield ctx.finding(
        MISSING,
        start,
        end,
        message,
        replacements=(f"{label}: {text[start:end]}",),
        confidence=confidence,
        severity=severity,
    )


def _doc(name: str, what: str, why: str, fix: str, example: str = "") -> RuleDoc:
    return RuleDoc(name=name, what=what, why=why, fix=fix, example=example)


RULES = load_rules(__name__)
