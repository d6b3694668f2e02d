"""Web addresses in prose: where they are, and whether a span overlaps one.

Shared by the core (extraction) and the checks, which reach it through :mod:`postguard.plugin`.
"""

from __future__ import annotations

import bisect

import regex

# Links in prose: with a scheme, starting with www., or a bare host with a path (nordkap.example/impressum).
URL_CHARS = r"[^\s<>\"'\[\]{}|\\^`]"
_SCHEME_URL = regex.compile(rf"(?i)(?:https?://|www\.){URL_CHARS}+")
_BARE_HOST = regex.compile(r"(?i)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}")
_PATH = regex.compile(rf"/{URL_CHARS}*")
_URL_STOP = frozenset(" \t\r\n<>\"'[](){}|\\^`„“”«»")
_FAR = 1 << 62


def trim_url(text: str, start: int, end: int) -> int:
    """The end of a web address at ``text[start:end]`` without trailing punctuation or unpaired ``)``."""
    while end > start and text[end - 1] in ".,;:!?'\"”“’»«*_":
        end -= 1
    if end > start and text[end - 1] == ")":
        surplus = text.count(")", start, end) - text.count("(", start, end)
        while surplus > 0 and end > start and text[end - 1] == ")":
            end -= 1
            surplus -= 1
    return end


def find_urls(text: str) -> list[tuple[int, int]]:
    """The spans of the web addresses in ``text``, sorted, trailing punctuation trimmed.

    Looks only where an address can start (``http``, ``www.``, a ``/`` after
    a host name), so prose without links costs next to nothing, and stays
    linear in the length of the text.
    """
    maybe = "ttp" in text or "ww." in text or "TTP" in text or "WW." in text
    low = text.lower() if maybe else ""
    found: list[list[tuple[int, int]]] = []
    for needle in ("http", "www."):
        spans: list[tuple[int, int]] = []
        taken = found[0] if found else []
        k = 0
        last_end = 0
        pos = low.find(needle) if low else -1
        while pos >= 0:
            while k < len(taken) and taken[k][1] <= pos:
                k += 1
            inside = pos < last_end or (k < len(taken) and taken[k][0] <= pos)
            prev = text[pos - 1] if pos else " "
            if not inside and not (prev.isalnum() or prev in "_@./-"):
                m = _SCHEME_URL.match(text, pos)
                if m:
                    last_end = trim_url(text, pos, m.end())
                    spans.append((pos, last_end))
            pos = low.find(needle, max(pos + 1, last_end))
        found.append(spans)
    taken = sorted(found[0] + found[1]) if found else []
    bare: list[tuple[int, int]] = []
    k = 0
    slash = text.find("/")
    while slash > 0:
        while k < len(taken) and taken[k][1] <= slash:
            k += 1
        if k < len(taken) and taken[k][0] <= slash:
            slash = text.find("/", taken[k][1])
            continue
        # a bare host has a dot within the 100 characters before its slash: without one (a path,
        # base64) no walk back, which cost a Python loop of 100 steps per slash of a blob
        if text[slash - 1].isalnum() and text.rfind(".", max(0, slash - 100), slash) >= 0:
            start = slash
            while start > 0 and slash - start < 100 and text[start - 1] not in _URL_STOP:
                start -= 1
            while start < slash and not text[start].isalnum():
                start += 1
            if "." in text[start:slash] and _BARE_HOST.fullmatch(text, start, slash):
                m = _PATH.match(text, slash)
                end = trim_url(text, start, m.end() if m else slash + 1)
                bare.append((start, end))
                slash = end
        slash = text.find("/", slash + 1)
    return sorted(taken + bare)


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_right(spans, (start, _FAR)) - 1
    return (i >= 0 and spans[i][1] > start) or (i + 1 < len(spans) and spans[i + 1][0] < end)
