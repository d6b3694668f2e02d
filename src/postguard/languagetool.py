"""The LanguageTool HTTP API v2 as postguard speaks it: request parsing and the response shape.

Clients written for LanguageTool (language_tool_python, LTeX, the LanguageTool
browser add-on) can point at ``postguard serve`` and get postguard's findings as
LanguageTool matches. The contract is documented in ``docs/server.md``:

* The body is parsed as form data whatever its ``Content-Type``; query
  parameters merge in (the body wins).
* Exactly one of ``text`` or ``data`` (JSON annotations, the text parts and
  ``interpretAs`` values are checked, offsets refer to the original string).
* ``offset``/``length`` (and the context's) count UTF-16 code units, like Java.
* Every postguard category is reported with ``issueType`` ``legal``.

This module is pure: no I/O, no web framework. :mod:`postguard.server` calls it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from postguard.engine import Selection
from postguard.lines import utf16_len
from postguard.masking import mask_source
from postguard.model import Extracted, Finding, OffsetMap, RuleInfo

CONTEXT_CHARS = 40
API_VERSION = 1

#: What ``GET /v2/languages`` lists; language_tool_python refuses any other code.
LANGUAGES: tuple[dict[str, str], ...] = (
    {"name": "German", "code": "de", "longCode": "de"},
    {"name": "German (Germany)", "code": "de", "longCode": "de-DE"},
    {"name": "German (Austria)", "code": "de", "longCode": "de-AT"},
    {"name": "German (Swiss)", "code": "de", "longCode": "de-CH"},
    {"name": "English", "code": "en", "longCode": "en"},
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "English (Australian)", "code": "en", "longCode": "en-AU"},
    {"name": "English (Canadian)", "code": "en", "longCode": "en-CA"},
    {"name": "English (New Zealand)", "code": "en", "longCode": "en-NZ"},
    {"name": "English (South African)", "code": "en", "longCode": "en-ZA"},
)
_BY_LONG_CODE = {entry["longCode"].lower(): entry for entry in LANGUAGES}
_NAMES = {"de": "German", "en": "English"}

#: ITS 2.0 issue type per postguard category: every compliance category is a legal problem;
#: the suppression-comment rules (PG001, PG002) are about postguard itself.
ISSUE_TYPES: Mapping[str, str] = {
    "confidential": "legal",
    "embargo": "legal",
    "imprint": "legal",
    "copyright": "legal",
    "disclosure": "legal",
    "secret": "legal",
    "personal": "legal",
    "suppression": "other",
}
CATEGORY_NAMES: Mapping[str, Mapping[str, str]] = {
    "confidential": {"en": "Confidential information", "de": "Vertrauliches"},
    "embargo": {"en": "Embargo", "de": "Sperrfrist"},
    "imprint": {"en": "Imprint", "de": "Impressum"},
    "copyright": {"en": "Copyright", "de": "Urheberrecht"},
    "disclosure": {"en": "Advertising disclosure", "de": "Werbekennzeichnung"},
    "secret": {"en": "Secrets", "de": "Zugangsdaten"},
    "personal": {"en": "Personal data", "de": "Personenbezogene Daten"},
    "suppression": {"en": "Suppression comments", "de": "Unterdrückungskommentare"},
}


class LanguageToolError(Exception):
    """A request the LanguageTool layer refuses; rendered as ``Error: <message>`` with ``status``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckRequest:
    """A parsed ``/v2/check`` request.

    ``source`` is the original string the answer's offsets refer to;
    ``extracted`` is what is checked (the text parts of ``data``), or ``None``
    for a plain ``text``. ``lang`` is ``de``, ``en`` or ``None`` (auto).
    """

    source: str
    extracted: Extracted | None
    language: str
    lang: str | None
    selection: Selection | None


def parse_params(body: bytes, query: str) -> dict[str, str]:
    """Form fields from the body (whatever the Content-Type says) with the query merged in."""
    params: dict[str, str] = {}
    try:
        params.update(parse_qsl(query, keep_blank_values=True, errors="strict"))
        if body:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise LanguageToolError("the request is not UTF-8 form data (x-www-form-urlencoded)") from None
    return params


def is_valid_unicode(text: str) -> bool:
    """False for a string with unpaired surrogates (JSON can smuggle them in; they are not text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def resolve_language(code: str) -> tuple[str, str | None]:
    """``(language code to echo, de|en|None)`` for a ``language`` parameter."""
    c = code.strip()
    if c.lower() == "auto":
        return "auto", None
    entry = _BY_LONG_CODE.get(c.lower())
    if entry:
        return entry["longCode"], entry["code"]
    base = c.split("-", 1)[0].lower()
    if base in _NAMES and len(c) <= 35:
        return c, base
    raise LanguageToolError(
        "language code not supported by postguard (use de, en, a variant such as de-DE or en-US, or auto)"
    )


def parse_annotation(data: str) -> tuple[str, Extracted]:
    """The original string and the checked text (with its offset map) of a ``data`` parameter."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise LanguageToolError("'data' is not valid JSON") from None
    items = doc.get("annotation") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise LanguageToolError("'data' must be a JSON object with an 'annotation' array")
    source_parts: list[str] = []
    checked_parts: list[str] = []
    segments: list[tuple[int, int]] = []
    src_len = chk_len = 0
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise LanguageToolError(f"'data' annotation {i} is not an object")
        text, markup, interpret = item.get("text"), item.get("markup"), item.get("interpretAs")
        if (text is None) == (markup is None):
            raise LanguageToolError(f"'data' annotation {i} needs exactly one of 'text' or 'markup'")
        if not isinstance(text if text is not None else markup, str) or not isinstance(interpret, str | None):
            raise LanguageToolError(f"'data' annotation {i} has a value that is not a string")
        if text is not None:
            checked = text
            original = text
        else:
            checked = interpret or ""
            original = markup
        if checked:
            segments.append((chk_len, src_len))
            checked_parts.append(checked)
            chk_len += len(checked)
        source_parts.append(original)
        src_len += len(original)
    # a segment after the end, so that offsets past the last part map to the source's end
    segments.append((chk_len, src_len))
    extracted = Extracted(text="".join(checked_parts), offsets=OffsetMap.from_segments(segments))
    source = "".join(source_parts)
    if not (is_valid_unicode(source) and is_valid_unicode(extracted.text)):  # interpretAs too
        raise LanguageToolError("'data' contains an unpaired surrogate, which is not text")
    return source, extracted


def parse_check(params: Mapping[str, str], rules: Mapping[str, RuleInfo], max_length: int) -> CheckRequest:
    """Validate a ``/v2/check`` request (see the module docstring)."""
    text, data = params.get("text"), params.get("data")
    if (text is None) == (data is None):
        raise LanguageToolError("exactly one of the parameters 'text' or 'data' is required")
    if "language" not in params:
        raise LanguageToolError("missing 'language' parameter (e.g. de-DE, en-US or auto)")
    language, lang = resolve_language(params["language"])
    if params.get("preferredVariants") and language != "auto":
        raise LanguageToolError("'preferredVariants' can only be used with language=auto")
    extracted: Extracted | None = None
    if data is not None:
        if len(data) > 4 * max_length + 65536:
            raise LanguageToolError(f"your text exceeds the limit of {max_length} characters", 413)
        source, extracted = parse_annotation(data)
        checked_len = len(extracted.text)
    else:
        source = text or ""
        checked_len = len(source)
    if checked_len > max_length:
        raise LanguageToolError(f"your text exceeds the limit of {max_length} characters", 413)
    return CheckRequest(
        source=source, extracted=extracted, language=language, lang=lang, selection=_selection(params, rules)
    )


def _selection(params: Mapping[str, str], rules: Mapping[str, RuleInfo]) -> Selection | None:
    """Rules to switch off. Unknown rule ids and categories are ignored, as LanguageTool does.

    ``enabledRules`` without ``enabledOnly`` cannot switch on a rule the config
    disables (the config wins); with ``enabledOnly=true`` only the listed rules
    and categories run.
    """
    enabled_rules = {r for r in _split(params.get("enabledRules")) if r in rules}
    disabled_rules = {r for r in _split(params.get("disabledRules")) if r in rules}
    enabled_cats = {c.lower() for c in _split(params.get("enabledCategories"))}
    disabled_cats = {c.lower() for c in _split(params.get("disabledCategories"))}
    enabled_only = params.get("enabledOnly", "false").strip().lower() == "true"
    disabled = set(disabled_rules) | {rid for rid, r in rules.items() if r.category.lower() in disabled_cats}
    if enabled_only:
        if not _split(params.get("enabledRules")) and not enabled_cats:
            raise LanguageToolError("enabledOnly=true needs 'enabledRules' or 'enabledCategories'")
        only = enabled_rules | {rid for rid, r in rules.items() if r.category.lower() in enabled_cats}
        disabled |= set(rules) - only
    return Selection(disabled=frozenset(disabled)) if disabled else None


def _span(f: Finding, source: str) -> tuple[int, int]:
    """The finding's span, never empty (LanguageTool clients need ``length > 0``)."""
    start, end = max(0, min(f.start, len(source))), max(0, min(f.end, len(source)))
    if end > start or not source:
        return start, end
    if start < len(source):
        return start, start + 1
    return len(source) - 1, len(source)


_SENTENCE_END = ".!?…"


def sentence_of(source: str, start: int, end: int) -> str:
    """The sentence (or line) around ``start:end``, by punctuation and line breaks."""
    s = start
    while s > 0:
        prev = source[s - 1]
        if prev in "\n\r" or (source[s - 1].isspace() and s >= 2 and source[s - 2] in _SENTENCE_END):
            break
        s -= 1
    e = max(end, s)
    while e < len(source) and source[e] not in "\n\r":
        e += 1
        if source[e - 1] in _SENTENCE_END and (e == len(source) or source[e].isspace()) and e > end:
            break
    return source[s:e].strip()


def context_of(source: str, start: int, end: int) -> dict[str, int | str]:
    """Up to :data:`CONTEXT_CHARS` characters each side, line breaks shown as spaces (UTF-16 offsets)."""
    left = source[max(0, start - CONTEXT_CHARS) : start]
    match = source[start:end]
    right = source[end : end + CONTEXT_CHARS]
    text = "".join(" " if ch in "\r\n\t" else ch for ch in left + match + right)
    return {"text": text, "offset": utf16_len(left), "length": utf16_len(match)}


def language_dict(language: str, lang: str) -> dict[str, str]:
    entry = _BY_LONG_CODE.get(language.lower())
    if entry:
        return {"name": entry["name"], "code": entry["longCode"]}
    return {"name": _NAMES.get(lang, lang), "code": language if language != "auto" else lang}


def match_dict(f: Finding, source: str, rule: RuleInfo | None, msg_lang: str) -> dict[str, Any]:
    """One finding as a LanguageTool match; offsets in UTF-16 code units of ``source``."""
    start, end = _span(f, source)
    offset = utf16_len(source[:start])
    doc = rule.doc(msg_lang) if rule else None
    cat_names = CATEGORY_NAMES.get(f.category, {})
    return {
        "message": f.message,
        "shortMessage": doc.name if doc else "",
        "replacements": [{"value": r} for r in f.replacements],
        "offset": offset,
        "length": utf16_len(source[start:end]),
        "context": context_of(source, start, end),
        "sentence": sentence_of(source, start, end),
        "type": {"typeName": "Other"},
        "rule": {
            "id": f.rule_id,
            "description": doc.name if doc else f.rule_id,
            "issueType": ISSUE_TYPES.get(f.category, "uncategorized"),
            "category": {
                "id": f.category.upper(),
                "name": cat_names.get(msg_lang) or cat_names.get("en") or f.category,
            },
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def software(version: str) -> dict[str, Any]:
    return {
        "name": "postguard",
        "version": version,
        "buildDate": "",
        "apiVersion": API_VERSION,
        "premium": False,
        "premiumHint": "",
        "status": "",
    }


def check_response(
    *,
    request: CheckRequest,
    findings: Sequence[Finding],
    language: str,
    detected: str,
    confidence: float,
    rules: Mapping[str, RuleInfo],
    version: str,
) -> dict[str, Any]:
    """The ``/v2/check`` answer for the findings of ``request``."""
    source = mask_source(request.source, findings)  # context and sentence never show a secret
    lang_info: dict[str, Any] = language_dict(request.language, language)
    lang_info["detectedLanguage"] = {
        "name": _NAMES.get(detected, detected),
        "code": detected,
        "confidence": round(confidence, 2),
    }
    return {
        "software": software(version),
        "warnings": {"incompleteResults": False},
        "language": lang_info,
        "matches": [match_dict(f, source, rules.get(f.rule_id), language) for f in findings],
    }
