"""Quotations: verbatim quotations and block quotes longer than ``quote_words`` without a source."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from postguard.plugin import (
    CheckContext,
    Finding,
    overlaps,
)

from .common import (
    QUOTE,
    _Settings,
)

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")


_SPEECH = (
    r"sagt|sagte|sagten|schreibt|schrieb|erklärt|erklärte|betont|betonte|meint|meinte|zitiert|so|laut"
    r"|berichtet|berichtete|ergänzt|ergänzte|erzählt|erzählte|fragt|fragte|antwortet|antwortete|fügt|fügte"
    r"|gibt\s+zu\s+bedenken|fasst\s+zusammen|resümiert|kommentiert|kommentierte|twitterte|postete"
    r"|said|says|writes|wrote|explains|explained|notes|noted|added|adds|according\s+to|put\s+it|reports"
    r"|reported|told|tells|asks|asked|replied|replies|tweeted|posted|commented|continues|continued"
)


_SOURCE_AFTER = regex.compile(
    rf"(?i)^\s*[,.;:]?\s*(?:[—–―~]|--?\s|\((?=[^)]*(?-i:\p{{Lu}}))|(?:{_SPEECH})\b)"
)


_SOURCE_NEAR = regex.compile(
    r"(?i)\b(?:quelle|source|zitiert\s+(?:nach|aus)|quoted\s+from)\s*:|https?://|www\."
)


_SOURCE_BEFORE = regex.compile(rf"(?i)\b(?:{_SPEECH})\b[^.!?\n]{{0,80}}$")


def _source_links(ctx: CheckContext) -> list[tuple[int, int]]:
    """Spans of the links that can name a quotation's source: not anchors within the page (``#abb1``)."""
    return [
        (link.start, link.end)
        for link in ctx.structure.links
        if link.kind != "bare" and link.target.strip() and not link.target.strip().startswith("#")
    ]


def _heading_before(ctx: CheckContext, start: int) -> str:
    """The text of a heading that stands right before ``start`` (only blank lines between)."""
    for heading in reversed(ctx.structure.headings):
        if heading.end <= start:
            return heading.text if not ctx.text[heading.end : start].strip(" \t\r\n#>") else ""
    return ""


def _quotations(ctx: CheckContext, settings: _Settings) -> Iterator[Finding]:
    text = ctx.text
    links = _source_links(ctx)
    for block in ctx.structure.blocks:
        if block.kind != "quotation":
            continue
        words = len(_WORD.findall(text, block.start + 1, block.end - 1))
        if words <= settings.quote_words:
            continue
        if _has_source(text, block.start, block.end, links, _heading_before(ctx, block.start)):
            continue
        yield _quote_finding(ctx, block.start, block.end, words, settings)


_BLANK = regex.compile(r"\r?\n[ \t]*\r?\n")
# A lead-in paragraph that names where the quotation comes from ("Aus dem Protokoll:", "Comment by @x:").
_LEAD_IN = regex.compile(
    rf"(?i)\b(?:{_SPEECH}|lautet|heißt\s+es|wortlaut|aus\s+(?:dem|der|einem|einer|seinem|ihrem)|from\s+(?:the|a|an|his|her)"
    r"|comment(?:ed)?\s+by|kommentar\s+von|protokoll|pressemitteilung|mitteilung|stellungnahme|bericht"
    r"|statement|report|press\s+release|announcement|blog\s*post|article|artikel|interview|quote\s+from"
    r"|as\s+follows|wie\s+folgt|describes|beschreibt|formuliert|puts\s+it"
    r"|zitat\s+(?:von|aus))\b|@[\w.]+|https?://|www\."
)
_EXAMPLE = regex.compile(r"(?i)\b(?:beispiel|beispielsweise|example|for\s+instance)\b")
_SENTENCE_END = regex.compile(r"[.!?](?=\s+[\p{Lu}\p{Lt}\"„“»(])|\n[ \t]*\n")  # not "Abb. 1"
_END_ATTRIBUTION = regex.compile(r"(?:^|\s)(?:[—–―~]|--)\s*\S[^\n]{0,80}$")
_SPEECH_ANYWHERE = regex.compile(rf"(?i)\b(?:{_SPEECH})\b")


_NAME = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}&.-]{2,}")


def _names_in_both(heading: str, quote_head: str) -> bool:
    """Whether a heading names someone the quotation's start names too: "Communiqué officiel de DENIC"
    above "… – Die DENIC eG verzeichnet …" (a capitalised word of the heading, not its first)."""
    names = {m.group().rstrip(".-") for m in _NAME.finditer(heading) if m.start() > 0}
    return any(
        regex.search(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(n)}(?![\p{{L}}\p{{N}}])", quote_head)
        for n in names
    )


def _paragraph_bounds(text: str, at: int, reach: int = 600) -> tuple[int, int]:
    """The paragraph around ``at`` (between blank lines), no further than ``reach`` either side."""
    lo = max(0, at - reach)
    breaks = [m.end() for m in _BLANK.finditer(text, lo, at)]
    start = breaks[-1] if breaks else lo
    after = _BLANK.search(text, at, at + reach)
    return start, after.start() if after else min(len(text), at + reach)


def _has_source(
    text: str, start: int, end: int, links: list[tuple[int, int]] | None = None, heading: str = ""
) -> bool:
    """Whether a quotation at ``text[start:end]`` names its source: right after it, at the end of its
    last line, before it in its paragraph, in the lead-in paragraph before or a heading right above it
    ("Stellungnahme der DENIC"), a link (not an anchor in the page) before it in its paragraph or on
    the lead-in line, or in the paragraph after."""
    if heading and (_LEAD_IN.search(heading) or _names_in_both(heading, text[start : start + 300])):
        return True
    links = links or []
    last_line = text[text.rfind("\n", start, end) + 1 : end].rstrip(' \t\r\n”“"»«')
    if _END_ATTRIBUTION.search(last_line):
        return True
    para_start, para_end = _paragraph_bounds(text, start)
    para_end = max(para_end, min(len(text), end))
    after_end = _BLANK.search(text, end, end + 300)
    after = text[end : after_end.start() if after_end else min(len(text), end + 300)]
    if _SOURCE_AFTER.match(after) or _SOURCE_NEAR.search(after):
        return True
    before = text[max(para_start, start - 300) : start]
    if _SOURCE_BEFORE.search(before.rstrip(" \t:,")) or _SPEECH_ANYWHERE.search(before):
        return True
    if _SOURCE_NEAR.search(before):
        return True
    # a link to the quoted page or post, in the quotation's paragraph before it
    if before.strip() and overlaps(links, max(para_start, start - 300), start):
        return True
    # the lead-in paragraph before, when the quotation opens its own paragraph
    if not before.strip() and para_start > 0:
        lead_start, _ = _paragraph_bounds(text, max(0, para_start - 3))
        lo = max(lead_start, para_start - 400)
        lead = text[lo:para_start].rstrip()
        # its last sentence: "Aus dem Protokoll:", "[fast.ai](…) describes the problem as follows:"
        ends = [m.end() for m in _SENTENCE_END.finditer(lead)]
        sentence_start = lo + (ends[-1] if ends else 0)
        sentence = text[sentence_start : lo + len(lead)]
        if sentence.endswith(":") and (
            _LEAD_IN.search(sentence)
            or _EXAMPLE.search(sentence)  # "Ein Beispiel hierzu:": the writer's own example, set apart
            or overlaps(links, max(sentence_start, text.rfind("\n", 0, lo + len(lead)) + 1), lo + len(lead))
        ):
            return True
    # the paragraph right after the quotation
    if after_end is not None:
        nxt_end = _BLANK.search(text, after_end.end(), after_end.end() + 300)
        nxt = text[after_end.end() : nxt_end.start() if nxt_end else min(len(text), after_end.end() + 300)]
        if _SOURCE_AFTER.match(nxt) or regex.match(r"(?i)\s*(?:quelle|source|zitiert|quoted)\b", nxt):
            return True
        if _NAME_LINE.fullmatch(nxt.strip()):  # "_Todd Moore, Node.js Foundation Director_"
            return True
    return False


# A line that only names someone: "Todd Moore, Node.js Foundation Director", "*Anna Berg*".
_NAME_LINE = regex.compile(
    r"[*_]{0,2}@?\p{Lu}[\p{L}.'’-]+(?:\s+(?:(?:von|van|de|der|zu)\s+)?\p{Lu}[\p{L}.'’-]+){1,3}"
    r"(?:\s*[,(]\s*[^\n!?]{1,80}?\)?)?[*_]{0,2}(?<![.:;])"
)


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of ``text[start:end]``, without surrounding blanks."""
    out = []
    pos = start
    while pos < end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        a, b = pos, line_end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
        pos = line_end + 1
    return out


def _attributed_in_block(ctx: CheckContext, start: int, end: int) -> bool:
    """Whether a block quote names its source on its first or last line: a line that is only a link
    ("[Laurie Voss (@seldo) June 23, 2018](https://x.com/…)", "<cite>[Name, via social media](…)</cite>")
    or, after a blank line, only a name ("_Todd Moore, Node.js Foundation Director_")."""
    text = ctx.text
    lines = _line_spans(text, start, end)
    if len(lines) < 2:
        return False
    for a, b in (lines[0], lines[-1]):
        rest = list(text[a:b])
        for link in ctx.structure.links:
            lo, hi = max(a, link.start), min(b, link.end)
            if lo < hi and link.target.strip() and not link.target.startswith("#"):
                rest[lo - a : hi - a] = " " * (hi - lo)
        if not regex.search(r"[\p{L}\p{N}]", "".join(rest)):
            return True
    last_a, last_b = lines[-1]
    blank_before = (
        not text[lines[-2][1] : last_a].strip("\n \t\r") or text.count("\n", lines[-2][1], last_a) > 1
    )
    return blank_before and _NAME_LINE.fullmatch(text[last_a:last_b].strip(" —–-")) is not None


def _blockquotes(ctx: CheckContext, settings: _Settings) -> Iterator[Finding]:
    """Block quotes (not callouts) longer than ``quote_words`` with no attribution in or around them."""
    text = ctx.text
    links = _source_links(ctx)
    sourced_until = (
        -1
    )  # the end of the last block quote that has a source: the next one right after shares it
    for block in ctx.structure.blocks:
        if block.kind != "quote":
            continue
        if 0 <= sourced_until <= block.start and not text[sourced_until : block.start].strip():
            sourced_until = block.end
            continue
        if block.cite:
            sourced_until = block.end
            continue
        words = len(_WORD.findall(text, block.start, block.end))
        if words <= settings.quote_words:
            continue
        first = _first_line(text, block.start, block.end)
        if first is None:
            continue
        if _attributed_in_block(ctx, block.start, block.end) or _has_source(
            text, first[0], block.end, links, _heading_before(ctx, block.start)
        ):
            sourced_until = block.end
            continue
        yield _quote_finding(ctx, first[0], first[1], words, settings)


def _first_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the first non-blank line in ``text[start:end]``, without surrounding blanks."""
    lines = _line_spans(text, start, end)
    return lines[0] if lines else None


def _quote_finding(ctx: CheckContext, start: int, end: int, words: int, settings: _Settings) -> Finding:
    limit = settings.quote_words
    return ctx.finding(
        QUOTE,
        start,
        end,
        ctx.message(
            en=f"A verbatim quotation of {words} words (more than {limit}) without a source: name the author "
            "and where it appeared (“— Name, Title”), as § 63 UrhG requires.",
            de=f"Ein wörtliches Zitat mit {words} Wörtern (mehr als {limit}) ohne Quelle: Urheber und "
            "Fundstelle nennen („— Name, Titel“), wie § 63 UrhG es verlangt.",
        ),
        confidence=0.8,
    )
