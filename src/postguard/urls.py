"""Web addresses in prose: where they are, and whether a span overlaps one.

Shared by the core (extraction) and the checks, which reach it through :mod:`postguard.plugin`.
"""

from __future__ import annotations

import bisect
import re

import regex

# Links in prose: with a scheme, starting with www., or a bare host with a path (nordkap.example/impressum).
URL_CHARS = r"[^\s<>\"'\[\]{}|\\^`]"
_BARE_HOST = regex.compile(r"(?i)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}")
_PATH = regex.compile(rf"/{URL_CHARS}*")
_URL_STOP = frozenset(" \t\r\n<>\"'[](){}|\\^`„“”«»")
_FAR = 1 << 62


def trim_url(text: str, start: int, end: int) -> int:
    """The end of a web address at ``text[start:end]`` without trailing punctuation or unpaired ``)``."""
    while True:
        while end > start and text[end - 1] in ".,;:!?'\"”“’»«*_":
            end -= 1
        if end <= start or text[end - 1] != ")":
            return end
        surplus = text.count(")", start, end) - text.count("(", start, end)
        if surplus <= 0:
            return end
        # an unpaired ")" ends the sentence around the address: what stands before it is trimmed
        # too ("(see https://example.com/docs.)" ends at "docs")
        while surplus > 0 and end > start and text[end - 1] == ")":
            end -= 1
            surplus -= 1


#: ``URL_CHARS`` for the stdlib ``re`` (``regex``'s ``\s`` is Unicode's White_Space, ``re``'s is
#: ``str.isspace``): the same characters, code point for code point (tests/test_urls.py checks it).
_URL_CHARS_RE = r"[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000<>\"'\[\]{}|\\^`]"
# Looked for in the lowered text with the stdlib ``re``, which finds a literal start with a fast
# search (``regex`` tries every position, 30 ms per MB); "ſ" is what ``(?i)s`` matches besides "s".
_HTTP_LOW = re.compile(rf"http[s\u017f]?://{_URL_CHARS_RE}+")
_WWW_LOW = re.compile(rf"www\.{_URL_CHARS_RE}+")
#: How every bare host ends before its path: a dot, the top-level domain (the letters ``(?i)[a-z]``
#: matches in ``regex``: ASCII, "İ", "ſ" and the Kelvin sign) and the slash.
_TLD_SLASH = re.compile(r"\.[A-Za-z\u0130\u017f\u212a]{2,24}/")
_TRIMMED = frozenset(".,;:!?'\"”“’»«*_)")


def find_urls(text: str) -> list[tuple[int, int]]:
    """The spans of the web addresses in ``text``, sorted, trailing punctuation trimmed.

    Looks only where an address can start (``http``, ``www.``, a ``/`` after
    a host name), so prose without links costs next to nothing, and stays
    linear in the length of the text.
    """
    taken: list[tuple[int, int]] = []
    # every address with a scheme has "://", every "www." one "w." or "W.": a text without them has
    # none, and a one-character search (":") costs a tenth of one for three characters
    if (":" in text and "://" in text) or "w." in text or "W." in text:
        low = text.lower()
        if len(low) != len(text):  # "İ" lowers to two characters: keep every offset in place
            low = "".join(c if len(c) == 1 else "i" for c in map(str.lower, text))
        taken = _scheme_spans(text, low, _HTTP_LOW, [])
        taken = sorted(taken + _scheme_spans(text, low, _WWW_LOW, taken))
    bare: list[tuple[int, int]] = []
    k = 0
    last_end = -1
    for tld in _TLD_SLASH.finditer(text) if "/" in text else ():
        slash = tld.end() - 1
        if slash < last_end:
            continue  # in the path of the bare address before
        while k < len(taken) and taken[k][1] <= slash:
            k += 1
        if k < len(taken) and taken[k][0] <= slash:
            continue
        start = slash
        while start > 0 and slash - start < 100 and text[start - 1] not in _URL_STOP:
            start -= 1
        while start < slash and not text[start].isalnum():
            start += 1
        if _BARE_HOST.fullmatch(text, start, slash):
            m = _PATH.match(text, slash)
            last_end = trim_url(text, start, m.end() if m else slash + 1)
            bare.append((start, last_end))
    return sorted(taken + bare)


def _scheme_spans(
    text: str, low: str, pattern: re.Pattern[str], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The addresses ``pattern`` finds in ``low`` (``text`` lowered) outside the sorted ``taken`` spans
    and not glued to a word, a path or an address before them ("x@http…", "/www.…")."""
    spans: list[tuple[int, int]] = []
    k = 0
    m = pattern.search(low)
    while m is not None:
        pos = m.start()
        while k < len(taken) and taken[k][1] <= pos:
            k += 1
        if (k < len(taken) and taken[k][0] <= pos) or (
            pos and (text[pos - 1].isalnum() or text[pos - 1] in "_@./-")
        ):
            m = pattern.search(low, pos + 1)
            continue
        end = m.end()
        if text[end - 1] in _TRIMMED:
            end = trim_url(text, pos, end)
        spans.append((pos, end))
        m = pattern.search(low, end)
    return spans


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_right(spans, (start, _FAR)) - 1
    return (i >= 0 and spans[i][1] > start) or (i + 1 < len(spans) and spans[i + 1][0] < end)
