"""Promotion cues: offers, prices, calls to buy, shops, codes; strong and weak."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    find_urls,
)

from .settings import _Compiled

# Promotion cues, each run only when one of its key strings occurs in the lower-cased text. *Strong*
# cues make an offer or ask to buy (a percentage off, a price, "jetzt kaufen", a shop); *weak* ones are
# words that everyday posts use too ("Link in Bio" under a job ad, "Black Friday" as a topic): on
# their own they make PG501 a hint (info), not an error.
_NUM = r"\d{1,3}(?:[.,\u202f]\d{3})*(?:[.,]\d{1,2})?"


_CURRENCY = r"(?:€|eur\b|euro\b|\$|usd\b)"


_MONEY = rf"(?:{_NUM}\s?{_CURRENCY}|[€$]\s?{_NUM})"


_AMOUNT = rf"(?:{_NUM}\s?(?:%|prozent\b|percent\b)|{_MONEY})"


# Pointers to buy that everyday posts use too: weak alone, promotion beside a product launch.
_POINTER_PATTERN = (
    r"\blink\s+(?:in\s+(?:(?:my|der|meiner)\s+)?bio|im\s+profil)\b|\blinkinbio\b|\bswipe\s+up\b"
)
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
        (("bio", "profil", "swipe"), _POINTER_PATTERN, False),
        (
            ("sale", "friday", "monday"),
            r"(?<!\bthe\s)\bsale\b(?!\s+(?:of|to)\b)|\bblack\s*friday\b|\bcyber\s*monday\b",
            False,
        ),
    )
)


_POINTER = next(pattern for _, pattern, _ in _CUES if pattern.pattern == "(?i)" + _POINTER_PATTERN)
# "Code NORDKAP20", "Rabattcode: NK-15", "code anna15": the word in any case, the code in capitals and
# digits, or in small letters with a digit (so not "Code of Conduct").
_CODE = regex.compile(
    r"(?i:(?<![\w-])(?:(?:rabatt|gutschein|promo|discount|coupon|voucher)[\s-]?)?code)\s*[:=]?\s*[\"„“‚'«»]?"
    r"(?P<code>[A-Z0-9][A-Z0-9_-]{2,}|[a-z][a-z0-9_-]*\d[a-z0-9_-]*)(?![\w])"
)


_SHOP_PATH = regex.compile(r"(?i)shop|store|/produkte?/|/products?/|amzn\.to|amazon\.[a-z.]+/|/kaufen|/buy")


@dataclass(frozen=True, slots=True)
class Cues:
    """The promotion cues of a draft: where the first one starts, and the one to name in a message."""

    first: int
    shown: tuple[int, int]
    strong: bool
    pointer: tuple[int, int] | None = None  # a weak pointer to buy ("Link in Bio"), if any


def _anywhere(start: int, end: int) -> bool:
    return True


def find_cues(text: str, comp: _Compiled, near: Callable[[int, int], bool] = _anywhere) -> Cues | None:
    """The promotion cues in ``text`` that are ``near`` a brand: the first of any, and the first
    strong one (else the first weak)."""
    low = text.lower()
    strong: list[tuple[int, int]] = []
    weak: list[tuple[int, int]] = []
    pointers: list[tuple[int, int]] = []

    def first(pattern: Any) -> tuple[int, int] | None:
        return next((m.span() for m in pattern.finditer(text) if near(*m.span())), None)

    for keys, pattern, is_strong in _CUES:
        if any(k in low for k in keys) and (span := first(pattern)):
            (strong if is_strong else weak).append(span)
            if pattern is _POINTER:
                pointers.append(span)
    if "code" in low and (span := first(_CODE)):
        strong.append(span)
    if "/" in text:
        shop = next(
            ((a, b) for a, b in find_urls(text) if _SHOP_PATH.search(text, a, b) and near(a, b)), None
        )
        if shop:
            strong.append(shop)
    if comp.shop is not None and any(h in low for h in comp.shop_keys) and (span := first(comp.shop)):
        strong.append(span)
    if comp.cues is not None and any(k in low for k in comp.cue_keys) and (span := first(comp.cues)):
        strong.append(span)  # the company's own cues: its compliance team chose them
    if not strong and not weak:
        return None
    shown = min(strong) if strong else min(weak)
    pointer = min(pointers) if pointers else None
    return Cues(first=min(strong + weak)[0], shown=shown, strong=bool(strong), pointer=pointer)
