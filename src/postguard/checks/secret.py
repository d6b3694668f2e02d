"""Built-in check: credentials in a post (PG6xx).

Four kinds, all read from the ``[secrets]`` section of the rule packs (the
default pack ships the shapes and vocabularies, docs/checks-secrets-personal.md):

- provider tokens with a known shape (``[[secrets.token]]``: AWS, GitHub, Slack, ...);
- a high-entropy value assigned to a key-like name (``api_key = "..."``);
- a password inside a URL (``postgres://user:pass@host``);
- a password in prose, German or English ("Passwort: X", "the password is X",
  "Zugangsdaten: max / X", "login: x pass: y").

Every finding is ``sensitive``: outputs show the value masked (``AKIA…X7QZ``).
Placeholders (``<password>``, ``xxxx``, ``changeme``, ``your-api-key``, the
providers' documented example keys) and ordinary words are never reported.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    CheckContext,
    Code,
    Finding,
    PackSet,
    Table,
    Where,
    fields,
    hookimpl,
    load_rules,
    section,
)

from .scantest import Required, Words, ascii_fold, required

RULES = load_rules(__name__)
TOKEN, ASSIGNMENT, URL, PASSWORD = "PG601", "PG602", "PG603", "PG604"

_SECTION_KEYS = (
    "token",
    "placeholders",
    "documented_examples",
    "key_names",
    "password_labels",
    "password_links",
    "user_labels",
    "user_password_labels",
    "credential_labels",
)
_LIST_KEYS = _SECTION_KEYS[1:]


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenShape:
    name: str
    pattern: Any
    min_entropy: float = 3.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretSpec:
    """One pack's ``[secrets]`` section."""

    tokens: tuple[TokenShape, ...] = ()
    lists: dict[str, tuple[str, ...]]


def _entropy(value: Any, where: Where) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 8:
        raise where.error("expected a number of bits per character, 0 to 8")
    return float(value)


_LIST_TEXT = {
    "placeholders": "A value containing one of these is an example (changeme, your-api-key).",
    "documented_examples": "The providers' documented example keys.",
    "key_names": "Key-like names a high-entropy value is assigned to (api_key).",
    "password_labels": "Words that label a password in prose (Passwort, password).",
    "password_links": "Words between a password label and the password (ist, lautet, is, :).",
    "user_labels": "Words that label a user name (Benutzer, login).",
    "user_password_labels": "Words that label the password after a user name (pass, pw).",
    "credential_labels": "Words that introduce a user and password pair (Zugangsdaten, credentials).",
}
TOKEN_SHAPE = Table(
    {
        "name": fields.string(),
        "pattern": fields.pattern("regular expression; a group named secret marks the part to mask"),
        "min_entropy": fields.Key(
            {
                "type": "number",
                "minimum": 0,
                "maximum": 8,
                "default": 3.0,
                "description": "Bits per character.",
            },
            _entropy,
        ),
    },
    required=("name", "pattern"),
)
SECRETS = Table(
    {
        "token": fields.tables(TOKEN_SHAPE, "Provider tokens with a known shape ([[secrets.token]])."),
        **{k: fields.strings(_LIST_TEXT[k], empty_ok=True) for k in _LIST_KEYS},
    },
    description="Secret checks (PG6xx): token shapes, placeholders, key names and prose labels;"
    " see docs/checks-secrets-personal.md.",
)


@section(SECRETS)
def parse_secrets(t: dict[str, Any], where: Where) -> SecretSpec:
    tokens = tuple(
        TokenShape(name=s["name"], pattern=s["pattern"], min_entropy=s.get("min_entropy", 3.0))
        for s in t.get("token", ())
    )
    return SecretSpec(tokens=tokens, lists={k: t[k] for k in _LIST_KEYS if k in t})


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("secrets", parse_secrets)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


# -- judging a value ------------------------------------------------------------------


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def classes(value: str) -> int:
    """How many of lower case, upper case, digits and other characters ``value`` mixes."""
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


_REFERENCE_START = tuple("<[{$%(@#")
_TRAILING = ".,;:)]}\"'“”»«’‘`"
_MASKED = regex.compile(r"^(.)\1{3,}$|^[*•xX.#_-]+$")


@dataclass(frozen=True, slots=True)
class _Compiled:
    tokens: tuple[TokenShape, ...]
    placeholders: tuple[str, ...]
    examples: frozenset[str]
    label_words: frozenset[str]
    token_tests: tuple[Required | None, ...]  # a token's scan runs only where its test says it may match
    key_words: Words  # the assignment scan runs only when one occurs (``_`` and ``-`` squeezed out)
    cue_words: Words  # the prose scans run only when one occurs
    assignment: Any
    url: Any
    prose: Any
    pair: Any
    login: Any


def _alternatives(words: Sequence[str]) -> str:
    parts = sorted(
        {regex.escape(w).replace(r"\ ", r"[ \t]+") for w in words if w.strip()}, key=len, reverse=True
    )
    return "|".join(parts) or r"(?!x)x"


def _build(specs: Sequence[SecretSpec]) -> _Compiled:
    lists: dict[str, list[str]] = {k: [] for k in _LIST_KEYS}
    for spec in specs:
        for k, v in spec.lists.items():
            lists[k].extend(v)
    keys = _alternatives([k.replace("_", "-") for k in lists["key_names"]]).replace(r"\-", "[-_]?")
    value = r"(?P<secret>[^\s\"'`,;<>]{6,200})"
    # the key name whole, or a part between _ . - (GITHUB_TOKEN, apiKey), never inside a word
    # (attachauth): the one-character lookbehind fails at once inside a word, which made the scan of
    # 1 MB of prose 40 % cheaper than trying the key names there; the operator and the value on the
    # same line (a blanked code block must not join two lines)
    assignment = regex.compile(
        rf"(?i)(?<![^\W_])(?P<key>(?:{keys})(?:[_.-][^\W_]+)*)(?![\w])[\"']?"
        rf"[ \t]*(?:=>|:=|=|:)[ \t]*(?P<q>[\"'`]?){value}(?P=q)",
        regex.VERSION1,
    )
    # starts at the "://" (found by a fast literal search), the scheme read behind it: trying a
    # scheme at every position cost 35 ms per MB of minified HTML
    url = regex.compile(
        r"://(?<=(?i:\b[a-z][a-z0-9+.-]{1,15})://)(?P<user>[^\s:/@?#\"'<>]{1,64}):(?P<secret>[^\s/@?\"'<>]{1,128})@"
        r"[\w.-]+",
        regex.VERSION1,
    )
    labels = _alternatives(lists["password_labels"])
    links = _alternatives(lists["password_links"])
    quote = "[\"'„“”‚‘’»«]?"
    prose = regex.compile(
        rf"(?i)(?<![\w-])(?:{labels})"
        r"(?:[ \t]+(?:für|fürs|for|des|der|vom|of|zum|zur|to|ins)(?:[ \t]+[\w-]+){1,3}?)?"
        rf"[ \t]*(?:{links})[ \t]*{quote}(?P<secret>[^\s\"“”„»«‘’]{{4,64}})",
        regex.VERSION1,
    )
    pair = regex.compile(
        rf"(?i)(?<![\w-])(?:{_alternatives(lists['credential_labels'])})"
        rf"[ \t]*:[ \t]*{quote}(?P<user>[^\s/]{{2,64}})"
        rf"[ \t]+/[ \t]+(?P<secret>[^\s/]{{3,64}})",
        regex.VERSION1,
    )
    login = regex.compile(
        rf"(?i)(?<![\w-])(?:{_alternatives(lists['user_labels'])})"
        r"[ \t]*[:=][ \t]*(?P<user>\S{2,64}?)[,;/]?[ \t]+"
        rf"(?:(?:and|und)[ \t]+)?(?:{_alternatives(lists['user_password_labels'])})[ \t]*[:=][ \t]*{quote}"
        r"(?P<secret>[^\s\"“”„»«‘’]{3,64})",
        regex.VERSION1,
    )
    label_words = frozenset(
        w.casefold()
        for k in ("password_labels", "user_labels", "user_password_labels", "key_names")
        for w in lists[k]
    )
    tokens = tuple(t for s in specs for t in s.tokens)
    patterns = [t.pattern for t in tokens]
    return _Compiled(
        tokens=tokens,
        # a test of one or two strings is cheaper than the scan it saves (1-2 µs against 3-9 µs per
        # 2 KB); one of five short strings (the AWS prefixes) costs as much as the scan
        token_tests=tuple(
            t if t is not None and len(t.strings) <= 2 else None for t in map(required, patterns)
        ),
        placeholders=tuple(p.casefold() for p in lists["placeholders"]),
        examples=frozenset(lists["documented_examples"]),
        label_words=label_words,
        key_words=Words.of(
            (k.casefold().replace("_", "").replace("-", "") for k in lists["key_names"]), squeeze=True
        ),
        cue_words=Words.of(
            w.casefold().split()[0]
            for k in ("password_labels", "user_labels", "credential_labels")
            for w in lists[k]
            if w.strip()
        ),
        assignment=assignment,
        url=url,
        prose=prose,
        pair=pair,
        login=login,
    )


@hookimpl
def postguard_prepare(packs: PackSet) -> tuple[str, _Compiled | None]:
    """Compile the ``[secrets]`` sections once per loaded pack set."""
    specs: Sequence[SecretSpec] = packs.sections.get("secrets", ())
    return __name__, (_build(specs) if specs else None)


def is_placeholder(value: str, comp: _Compiled) -> bool:
    """An example, a reference to a variable or a masked value, not a secret."""
    if not value or value.startswith(_REFERENCE_START) or value in comp.examples:
        return True
    if _MASKED.match(value) or value.casefold() in comp.label_words:
        return True
    folded = value.casefold()
    return any(p in folded for p in comp.placeholders)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def _is_word(value: str) -> bool:
    """An ordinary word (or one with ! or ? after it): letters only, at most an initial capital."""
    core = value.rstrip("!?")
    return core.isalpha() and (core[1:].islower() or core.isupper() or core.islower())


# -- the check ----------------------------------------------------------------------


def _with_code(text: str, code: Sequence[Code]) -> str:
    """The checked text with its code put back (where the extraction lined it up): same offsets."""
    parts: list[str] = []
    at = 0
    for c in code:
        if c.text and c.start >= at:
            parts += (text[at : c.start], c.text)
            at = c.end
    if not parts:
        return text
    parts.append(text[at:])
    return "".join(parts)


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    comp: _Compiled | None = ctx.prepared[__name__]
    if comp is None:
        return
    text = ctx.text
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    def emit(rule: str, start: int, end: int, en: str, de: str, confidence: float) -> Finding:
        taken.append((start, end))
        return ctx.finding(rule, start, end, ctx.message(en=en, de=de), confidence=confidence, sensitive=True)

    # provider tokens (their own shapes, rarely met by chance) count in code too: a key pasted into
    # a snippet of a post is the slip; the looser patterns below read the prose only
    with_code = _with_code(text, ctx.structure.code)
    fold = ascii_fold(text)  # the case-folded text for the word tests, read once (None: casefold it)
    code_fold = fold if with_code is text else ascii_fold(with_code)
    for shape, test in zip(comp.tokens, comp.token_tests, strict=True):
        if test is not None and not test.maybe_in(with_code, code_fold):
            continue  # a string every match contains is missing: the scan cannot match
        for m in shape.pattern.finditer(with_code):
            group = "secret" if "secret" in m.groupdict() else 0
            start, end = m.span(group)
            value = with_code[start:end]
            body = value.split("_", 1)[-1] if "_" in value[:12] else value
            if is_placeholder(value, comp) or entropy(body) < shape.min_entropy or not free(start, end):
                continue
            yield emit(
                TOKEN,
                start,
                end,
                f"A secret ({shape.name}) in the text: revoke it and take it out.",
                f"Ein Geheimnis ({shape.name}) im Text: widerrufen und herausnehmen.",
                0.95,
            )
    for m in comp.url.finditer(text):
        start, end = m.span("secret")
        value = m.group("secret")
        if is_placeholder(value, comp) or len(value) < 3 or not free(start, end):
            continue
        yield emit(
            URL,
            start,
            end,
            "A password inside a web address: change it and take it out.",
            "Ein Passwort in einer Adresse: ändern und herausnehmen.",
            0.9,
        )
    for m in comp.assignment.finditer(text) if comp.key_words.any_in(text, fold) else ():
        key_start = m.start("key")
        if key_start and text[key_start - 1].isalnum():
            continue  # inside a word: attachauth=
        start, end = _trim(text, *m.span("secret"))
        value = text[start:end]
        quoted = bool(m.group("q"))
        strong = entropy(value) >= 3.0 and classes(value) >= 2 and len(value) >= 10
        password_key = any(w in m.group("key").casefold() for w in ("pass", "pwd", "kennwort"))
        weak = quoted and password_key and classes(value) >= 2 and not _is_word(value)
        if value.isdigit() or is_placeholder(value, comp) or not (strong or weak) or not free(start, end):
            continue
        yield emit(
            ASSIGNMENT,
            start,
            end,
            "A secret assigned in a configuration snippet: revoke it and show a placeholder instead.",
            "Ein Geheimnis in einer Konfiguration: widerrufen und einen Platzhalter zeigen.",
            0.85 if strong else 0.7,
        )
    if not comp.cue_words.any_in(text, fold):
        return
    for pattern, words_ok in ((comp.pair, True), (comp.login, True), (comp.prose, False)):
        for m in pattern.finditer(text):
            start, end = _trim(text, *m.span("secret"))
            value = text[start:end]
            if len(value) < 4 or is_placeholder(value, comp) or not free(start, end):
                continue
            if _is_word(value) and not words_ok:
                continue
            mixed = classes(value) >= 2 or value.isdigit()
            yield emit(
                PASSWORD,
                start,
                end,
                "A password in the text: change it and share it privately, never in a post.",
                "Ein Passwort im Text: ändern und nur privat weitergeben, nie in einem Beitrag.",
                0.85 if mixed else 0.6,
            )
