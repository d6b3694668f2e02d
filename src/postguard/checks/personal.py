"""Built-in check: other people's data in a post (PG7xx).

Reads the ``[personal]`` section of the rule packs (docs/checks-secrets-personal.md):

- e-mail addresses of persons: not role mailboxes (``info@``, ``presse@``), not
  example domains, not the addresses a pack lists as public;
- phone numbers, validated with Google's ``phonenumbers`` (``+``/``00``
  international, national ones read in the pack's ``regions``, DE/AT/CH);
- IBANs and payment-card numbers, validated by checksum (``python-stdnum``);
- German tax identification numbers (``stdnum.de.idnr``) and social-insurance
  numbers (no library has them: the check digit is computed here);
- a company's own patterns (customer, ticket numbers: ``[[personal.pattern]]``).

Every finding is ``sensitive`` (shown masked) and has a confidence: a cue word
before a number ("Tel.", "Steuer-ID") raises it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
import regex
from stdnum import iban, luhn
from stdnum.de import idnr

from postguard.plugin import (
    CheckContext,
    Finding,
    PackSet,
    Severity,
    Table,
    Where,
    fields,
    hookimpl,
    load_rules,
    section,
)

RULES = load_rules(__name__)
EMAIL, PHONE, IBAN, CARD, TAX_ID, SOCIAL, PATTERN = (
    "PG701",
    "PG702",
    "PG703",
    "PG704",
    "PG705",
    "PG706",
    "PG707",
)

_LIST_KEYS = (
    "role_mailboxes",
    "example_domains",
    "placeholder_people",
    "public_addresses",
    "public_numbers",
    "company_domains",
    "mailbox_domains",
    "regions",
    "phone_cues",
    "tax_id_cues",
    "social_insurance_cues",
    "test_numbers",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtraPattern:
    name: str
    pattern: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalSpec:
    """One pack's ``[personal]`` section."""

    lists: dict[str, tuple[str, ...]]
    patterns: tuple[ExtraPattern, ...] = ()


_LIST_TEXT = {
    "role_mailboxes": "Mailbox names of roles, never a person (info, presse).",
    "example_domains": "Domains of examples and documentation (example.com).",
    "placeholder_people": "Placeholder names (max.mustermann).",
    "public_addresses": "E-mail addresses the company publishes.",
    "public_numbers": "Phone numbers and accounts the company publishes (any notation).",
    "company_domains": "The company's own mail domains.",
    "mailbox_domains": "Private-mail providers (gmail.com, gmx.de).",
    "regions": "Regions national phone numbers are read in (DE, AT, CH).",
    "phone_cues": "Words before a phone number (Tel., Handy).",
    "tax_id_cues": "Words before a tax identification number (Steuer-ID).",
    "social_insurance_cues": "Words before a social-insurance number.",
    "test_numbers": "Test IBANs and card numbers (4111…).",
}
EXTRA_PATTERN = Table(
    {"name": fields.string(), "pattern": fields.pattern("A regular expression (Python regex).")},
    required=("name", "pattern"),
)
PERSONAL = Table(
    {
        **{k: fields.strings(_LIST_TEXT[k], empty_ok=True) for k in _LIST_KEYS},
        "pattern": fields.tables(EXTRA_PATTERN, "A company's own patterns (customer, ticket numbers)."),
    },
    description="Personal-data checks (PG7xx): role mailboxes, public addresses and numbers, company"
    " domains, regions, cues, extra patterns; see docs/checks-secrets-personal.md.",
)


@section(PERSONAL)
def parse_personal(t: dict[str, Any], where: Where) -> PersonalSpec:
    lists = {k: t[k] for k in _LIST_KEYS if k in t}
    for i, region in enumerate(lists.get("regions", ())):
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise (
                where.child("regions").child(i).error(f"unknown region {region!r} (expected e.g. DE, AT, CH)")
            )
    patterns = tuple(ExtraPattern(name=p["name"], pattern=p["pattern"]) for p in t.get("pattern", ()))
    return PersonalSpec(lists=lists, patterns=patterns)


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("personal", parse_personal)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


# -- per pack set -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Compiled:
    sets: dict[str, frozenset[str]]
    regions: tuple[str, ...]
    public_numbers: frozenset[str]
    cues: dict[str, Any]
    patterns: tuple[ExtraPattern, ...]


def _cue_pattern(words: Sequence[str]) -> Any:
    alts = "|".join(sorted({regex.escape(w) for w in words if w.strip()}, key=len, reverse=True))
    return regex.compile(rf"(?i)(?<![\w-])(?:{alts})(?![\w])", regex.VERSION1) if alts else None


def _build(specs: Sequence[PersonalSpec]) -> _Compiled:
    lists: dict[str, list[str]] = {k: [] for k in _LIST_KEYS}
    for spec in specs:
        for k, v in spec.lists.items():
            lists[k].extend(v)
    regions = tuple(dict.fromkeys(lists["regions"])) or ("DE",)
    numbers: set[str] = set()
    for n in (*lists["public_numbers"], *lists["test_numbers"]):
        numbers.add(_compact(n))
        e164 = _e164(n, regions)
        if e164:
            numbers.add(e164)
    return _Compiled(
        sets={k: frozenset(w.casefold() for w in lists[k]) for k in _LIST_KEYS},
        regions=regions,
        public_numbers=frozenset(numbers),
        cues={k: _cue_pattern(lists[k]) for k in ("phone_cues", "tax_id_cues", "social_insurance_cues")},
        patterns=tuple(p for s in specs for p in s.patterns),
    )


@hookimpl
def postguard_prepare(packs: PackSet) -> tuple[str, _Compiled | None]:
    """Compile the ``[personal]`` sections once per loaded pack set."""
    specs: Sequence[PersonalSpec] = packs.sections.get("personal", ())
    return __name__, (_build(specs) if specs else None)


# -- numbers ------------------------------------------------------------------------


def _compact(value: str) -> str:
    return regex.sub(r"[\s./()-]", "", value).upper()


def _e164(value: str, regions: Sequence[str]) -> str | None:
    """The number in E.164 if it is a valid phone number (read in ``regions`` when national)."""
    value = value.strip()
    if value.startswith("00"):
        value = "+" + value[2:]
    tries: Sequence[str | None] = (None,) if value.startswith("+") else regions
    for region in tries:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _is_mobile(e164: str) -> bool:
    number = phonenumbers.parse(e164, None)
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


#: Payment-card prefixes and lengths (ISO/IEC 7812 as the networks publish them).
#: python-stdnum validates the Luhn digit but has no card-network table.
_CARD = regex.compile(
    r"^(?:4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)\d{12}"
    r"|3[47]\d{13}|3(?:0[0-5]|[68]\d)\d{11}|6(?:011|4[4-9]\d|5\d\d)\d{12,15}|35(?:2[89]|[3-8]\d)\d{12})$"
)


def is_card(digits: str) -> bool:
    return bool(_CARD.match(digits)) and luhn.is_valid(digits)


def is_rvnr(value: str) -> bool:
    """A German social-insurance (pension) number: area, birth date, initial, serial, check digit.

    No maintained library validates it (python-stdnum has none); the algorithm is
    the Deutsche Rentenversicherung's: the letter becomes its two-digit position,
    weights 2,1,2,5,7,1,2,1,2,1,2,1, digit sums of the products, modulo 10.
    """
    v = value.replace(" ", "").upper()
    if not regex.fullmatch(r"\d{8}[A-Z]\d{3}", v):
        return False
    day, month = int(v[2:4]), int(v[4:6])
    if not (1 <= day <= 31 or 51 <= day <= 81) or not 1 <= month <= 12:
        return False
    digits = v[:8] + f"{ord(v[8]) - 64:02d}" + v[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, weights, strict=True))
    return total % 10 == int(v[11])


_EMAIL = regex.compile(
    r"(?<![\w.+@-])(?P<local>[\p{L}\p{N}][\p{L}\p{N}._%+-]{0,63})@"
    r"(?P<domain>[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)*"
    r"\.\p{L}{2,24})(?![\w-]|\.\w)",
    regex.VERSION1,
)
_PHONE = regex.compile(
    r"(?<![\w+/.,-])(?:(?:\+|00)[1-9]\d{0,3}|\(?0[1-9])[\d \t()/.-]{4,20}\d(?![\w/.-]\d|\d)", regex.VERSION1
)
_DIGIT = re.compile(r"\d")  # stdlib: one C scan of a text without digits (a generator took ~1 ms)
_DIGIT_PAIR = re.compile(r"\d[ -]?\d")
_DATE = regex.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}")
_IBAN = regex.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", regex.VERSION1)
_CARD_CANDIDATE = regex.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])", regex.VERSION1)
_IDNR = regex.compile(r"(?<!\d)(?<!\d )\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\d])", regex.VERSION1)
_RVNR = regex.compile(r"\b\d{2} ?\d{6} ?[A-Z] ?\d{3}\b", regex.VERSION1)
_NAME_LIKE = regex.compile(r"^\p{L}+(?:[._]\p{L}+)+$")


def _cued(pattern: Any, text: str, start: int, before: int = 40) -> bool:
    return pattern is not None and pattern.search(text, max(0, start - before), start) is not None


# -- the check ----------------------------------------------------------------------


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    comp: _Compiled | None = ctx.prepared[__name__]
    if comp is None:
        return
    text = ctx.text
    sets = comp.sets
    contact_page = ctx.draft.kind in ("profile", "page")  # an imprint lists contact details on purpose
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    def emit(
        rule: str, start: int, end: int, en: str, de: str, confidence: float, severity: Severity | None = None
    ) -> Finding:
        taken.append((start, end))
        msg = ctx.message(en=en, de=de)
        return ctx.finding(rule, start, end, msg, confidence=confidence, severity=severity, sensitive=True)

    if "@" in text:
        for m in _EMAIL.finditer(text):
            local, domain = m.group("local").casefold(), m.group("domain").casefold()
            if ".." in local:
                continue  # not an address ("secu...@" is one written out of reach of harvesters)
            parts = regex.split(r"[._+-]", local)
            word_start = max(text.rfind(" ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
            if "://" in text[word_start : m.start()]:
                continue  # user:password@host of a web address (the secret check's)
            if local in sets["role_mailboxes"] or any(p in sets["role_mailboxes"] for p in parts):
                continue
            if any(domain == d or domain.endswith("." + d) for d in sets["example_domains"]):
                continue
            if local in sets["placeholder_people"] or m.group(0).casefold() in sets["public_addresses"]:
                continue
            colleague = any(domain == d or domain.endswith("." + d) for d in sets["company_domains"])
            private = any(domain == d or domain.endswith("." + d) for d in sets["mailbox_domains"])
            # a person: a name-like local part (anna.schmidt@, j.doe@, frie.p@) or any mailbox at a
            # private-mail provider; a single word at an organisation (berlin@, ethics@, fabian@) is as
            # often a role as a person: 0.45, below the default min_confidence
            confidence = 0.9 if _NAME_LIKE.match(local) else (0.8 if private else 0.45)
            yield emit(
                EMAIL,
                m.start(),
                m.end(),
                "A person's e-mail address: post it only with their consent, or use a role address.",
                "Die E-Mail-Adresse einer Person: nur mit Einwilligung posten "
                "oder eine Funktionsadresse nehmen.",
                confidence,
                Severity.INFO if colleague or contact_page else None,
            )
    if _DIGIT.search(text) is None:  # every number pattern below needs a digit
        return
    # and all but a phone number led by "+" need two digits at most a space or hyphen apart: a text
    # without such a pair (a page of markup with a "?q=1" here and there) spares their scans
    paired = _DIGIT_PAIR.search(text) is not None
    nothing: tuple[regex.Match[str], ...] = ()
    numbers: list[tuple[int, int]] = []  # account and card candidates: never read as phone numbers
    for m in _IBAN.finditer(text) if paired else nothing:
        numbers.append(m.span())
        compact = _compact(m.group(0))
        if compact in comp.public_numbers or not iban.is_valid(compact) or not free(*m.span()):
            continue
        yield emit(
            IBAN,
            m.start(),
            m.end(),
            "An account number (IBAN): post it only if it is a public account (list it in the pack).",
            "Eine Kontonummer (IBAN): nur posten, wenn es ein öffentliches Konto ist "
            "(im Regelpaket eintragen).",
            0.95,
        )
    for m in _CARD_CANDIDATE.finditer(text) if paired else nothing:
        digits = _compact(m.group(0))
        if not digits.startswith("0") and text[max(0, m.start() - 1) : m.start()] != "+":
            numbers.append(m.span())  # no card number starts with 0 or +: those may be phone numbers
        if digits in comp.public_numbers or not is_card(digits) or not free(*m.span()):
            continue
        yield emit(
            CARD,
            m.start(),
            m.end(),
            "A payment-card number: never post it.",
            "Eine Kartennummer: nie posten.",
            0.9,
        )
    for m in _RVNR.finditer(text) if paired else nothing:
        if not is_rvnr(m.group(0)) or not free(*m.span()):
            continue
        cued = _cued(comp.cues["social_insurance_cues"], text, m.start())
        yield emit(
            SOCIAL,
            m.start(),
            m.end(),
            "A social-insurance number: never post it.",
            "Eine Sozialversicherungsnummer: nie posten.",
            0.95 if cued else 0.75,
        )
    for m in _IDNR.finditer(text) if paired else nothing:
        compact = _compact(m.group(0))
        if not idnr.is_valid(compact) or not free(*m.span()):
            continue
        cued = _cued(comp.cues["tax_id_cues"], text, m.start())
        yield emit(
            TAX_ID,
            m.start(),
            m.end(),
            "A tax identification number: never post it.",
            "Eine Steuer-Identifikationsnummer: nie posten.",
            0.9 if cued else 0.4,
        )
    for m in _PHONE.finditer(text) if paired or "+" in text else nothing:
        start, end = m.span()
        while end > start and text[end - 1] in " \t-/(.":
            end -= 1
        candidate = text[start:end]
        if _DATE.search(candidate) or not free(start, end) or sum(c.isdigit() for c in candidate) < 7:
            continue
        if any(s < end and start < e for s, e in numbers):
            continue
        e164 = _e164(candidate, comp.regions)
        if e164 is None or e164 in comp.public_numbers or _compact(candidate) in comp.public_numbers:
            continue
        cued = _cued(comp.cues["phone_cues"], text, start, 25)
        mobile = _is_mobile(e164)
        international = candidate.startswith(("+", "00"))
        yield emit(
            PHONE,
            start,
            end,
            "A phone number: post a person's number only with their consent (list public ones in the pack).",
            "Eine Telefonnummer: die Nummer einer Person nur mit Einwilligung posten "
            "(öffentliche im Regelpaket eintragen).",
            # a bare national landline number is as likely a commit id or an order number
            0.9 if cued or mobile else (0.6 if international else 0.45),
            Severity.INFO if contact_page or not (mobile or cued) else None,
        )
    for extra in comp.patterns:
        for m in extra.pattern.finditer(text):
            if m.end() <= m.start() or not free(*m.span()):
                continue
            yield emit(
                PATTERN,
                m.start(),
                m.end(),
                f"Personal data ({extra.name}): leave it out of the post.",
                f"Personenbezogene Daten ({extra.name}): aus dem Beitrag lassen.",
                0.9,
            )
