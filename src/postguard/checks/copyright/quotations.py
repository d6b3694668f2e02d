"""Quotations: verbatim quotations and block quotes longer than ``quote_words`` without a source."""

from __future__ import annotations

from collections.abc import Iterator

import regex
from anyascii import anyascii

from postguard.plugin import (
    CheckContext,
    Finding,
    overlaps,
)

from .common import (
    QUOTE,
    Settings,
    host_of,
)

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")


_SOURCE_NEAR = regex.compile(
    r"(?i)\b(?:quelle|source|zitiert\s+(?:nach|aus)|quoted\s+from)\s*:|https?://|www\."
)


def _source_links(ctx: CheckContext) -> list[tuple[int, int]]:
    """Spans of the links that can name a quotation's source: not anchors within the page (``#abb1``)."""
    return [
        (link.start, link.end)
        for link in ctx.structure.links
        if link.kind != "bare" and link.target.strip() and not link.target.strip().startswith("#")
    ]


def _section_links_elsewhere(ctx: CheckContext, start: int) -> bool:
    """Whether the heading of the section ``start`` lies in links a page of another site: the section
    is about that page ("### [CVE-2017-3736](https://cve.example.org/…): Carry propagating bug"), and a
    quotation in it comes from there."""
    for heading in reversed(ctx.structure.headings):
        if heading.end <= start:
            return _links_elsewhere(ctx, heading.start, heading.end)
    return False


def _heading_before(ctx: CheckContext, start: int) -> str:
    """The text of a heading that stands right before ``start`` (only blank lines between)."""
    for heading in reversed(ctx.structure.headings):
        if heading.end <= start:
            return heading.text if not ctx.text[heading.end : start].strip(" \t\r\n#>") else ""
    return ""


def quotation_findings(ctx: CheckContext, settings: Settings) -> Iterator[Finding]:
    text = ctx.text
    links = _source_links(ctx)
    voices: set[str] | None = None
    for block in ctx.structure.blocks:
        if block.kind != "quotation":
            continue
        words = len(_WORD.findall(text, block.start + 1, block.end - 1))
        if words <= settings.quote_words:
            continue
        if _has_source(ctx, settings, block.start, block.end, links, _heading_before(ctx, block.start)):
            continue
        if voices is None:
            voices = {m.group("name") for m in _SPEAKER_LINE.finditer(text)}
        if len(voices) >= 2 and _SPEAKER_LINE.match(
            text, text.rfind("\n", 0, block.start) + 1, block.start + 1
        ):
            continue  # one of several voices, each named before its quotation
        yield _quote_finding(ctx, block.start, block.end, words, settings)


#: A line that opens with a speaker's name and a quotation: a list item or paragraph of voices
#: ("* Astrid Emde: "…"", "[Florian] "…"", "**Anna Berg:** „…“"). Two or more different names so
#: set apart name their quotations' speakers; one such line alone ("Das Fazit: "…"") names nobody.
_SPEAKER_LINE = regex.compile(
    r"(?m)^[ \t]*(?:[-*•+][ \t]+|\d{1,2}[.)][ \t]+)?"
    r"(?:\[[ \t]*(?P<name>\p{Lu}[\p{L}.'’-]+(?:[ \t]+\p{Lu}[\p{L}.'’-]+){0,2})[ \t]*\]"
    r"|[*_]{0,2}(?P<name>\p{Lu}[\p{L}.'’-]+(?:[ \t]+\p{Lu}[\p{L}.'’-]+){0,2})[ \t]*:[*_]{0,2})"
    r"[ \t]*[\"„“»«]"
)


_BLANK = regex.compile(r"\r?\n[ \t]*\r?\n")
#: How far back a link in a quotation's paragraph or list may stand (a bound on the scan, not a rule).
_LIST_REACH = 2000
_EXAMPLE = regex.compile(r"(?i)\b(?:beispiel|beispielsweise|example|for\s+instance)\b")
_SENTENCE_END = regex.compile(r"[.!?](?=\s+[\p{Lu}\p{Lt}\"„“»(])|\n[ \t]*\n")  # not "Abb. 1"
_END_ATTRIBUTION = regex.compile(r"(?:^|\s)(?:[—–―~]|--)\s*\S[^\n]{0,80}$")


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
    ctx: CheckContext,
    settings: Settings,
    start: int,
    end: int,
    links: list[tuple[int, int]],
    heading: str = "",
) -> bool:
    """Whether a quotation at ``text[start:end]`` names its source: right after it, at the end of its
    last line, before it in its paragraph, in a lead-in ending in ":" right before it (in its paragraph
    or the one before) or a heading right above it ("Stellungnahme der DENIC"), a link (not an anchor in
    the page) before it in its paragraph or on the lead-in line, or in the paragraph after (a name, a
    "Quelle:", a link to another site)."""
    text = ctx.text
    if heading and (
        settings.source_words.search(heading) or _names_in_both(heading, text[start : start + 300])
    ):
        return True
    if _section_links_elsewhere(ctx, start):
        return True
    last_line = text[text.rfind("\n", start, end) + 1 : end].rstrip(' \t\r\n”“"»«')
    if _END_ATTRIBUTION.search(last_line):
        return True
    para_start, para_end = _paragraph_bounds(text, start)
    para_end = max(para_end, min(len(text), end))
    after_end = _BLANK.search(text, end, end + 300)
    after = text[end : after_end.start() if after_end else min(len(text), end + 300)]
    if settings.source_after.match(after) or _SOURCE_NEAR.search(after):
        return True
    before = text[max(para_start, start - 300) : start]
    if settings.speech.search(before):  # "sagte Anna Berg:", "according to the report"
        return True
    if _SOURCE_NEAR.search(before):
        return True
    # a link to the quoted page or document, before it in its paragraph or list (the lines up to the
    # blank line before it: "1. the [statutes](satzung.pdf) … - Active membership: "…"")
    if before.strip() and overlaps(links, _paragraph_bounds(text, start, _LIST_REACH)[0], start):
        return True
    if before.strip():
        # a lead-in in its own paragraph: "Marco und Stefan … Das sind ihre Pläne für den Abend: „…“"
        lead_end = start - (len(before) - len(before.rstrip(" \t\r\n\"„“”»«'*_")))
        if text[lead_end - 1 : lead_end] == ":" and _lead_in_names(
            ctx, settings, max(para_start, start - 300), lead_end, links
        ):
            return True
    elif para_start > 0:
        # the lead-in paragraph before, when the quotation opens its own paragraph
        lead_start, _ = _paragraph_bounds(text, max(0, para_start - 3))
        lo = max(lead_start, para_start - 400)
        lead_end = lo + len(text[lo:para_start].rstrip())
        if text[lead_end - 1 : lead_end] == ":" and _lead_in_names(ctx, settings, lo, lead_end, links):
            return True
    # the paragraph right after the quotation
    if after_end is not None:
        nxt_end = _BLANK.search(text, after_end.end(), after_end.end() + 300)
        nxt_stop = nxt_end.start() if nxt_end else min(len(text), after_end.end() + 300)
        nxt = text[after_end.end() : nxt_stop]
        if settings.source_after.match(nxt) or regex.match(r"(?i)\s*(?:quelle|source|zitiert|quoted)\b", nxt):
            return True
        if _NAME_LINE.fullmatch(nxt.strip()):  # "_Todd Moore, Node.js Foundation Director_"
            return True
        if _links_elsewhere(ctx, after_end.end(), nxt_stop):  # "For more, visit [Reddit](https://…)."
            return True
    return False


def _lead_in_names(
    ctx: CheckContext, settings: Settings, lo: int, lead_end: int, links: list[tuple[int, int]]
) -> bool:
    """Whether the last sentence of ``text[lo:lead_end]`` (a lead-in ending in ":") names or links the
    quotation's source: "Aus dem Protokoll:", "Comment by @x:", "[fast.ai](…) describes it as follows:",
    "their plans for the evening:" (a pronoun for someone named before: the pack's ``lead_in_words``),
    or sets the writer's own example apart ("Ein Beispiel hierzu:")."""
    text = ctx.text
    lead = text[lo:lead_end]
    ends = [m.end() for m in _SENTENCE_END.finditer(lead)]
    sentence_start = lo + (ends[-1] if ends else 0)
    sentence = text[sentence_start:lead_end]
    return bool(
        settings.source_words.search(sentence)
        or settings.lead_in.search(sentence)
        or _EXAMPLE.search(sentence)
        or overlaps(links, max(sentence_start, text.rfind("\n", 0, lead_end) + 1), lead_end)
    )


def _links_elsewhere(ctx: CheckContext, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` links a page of another site (an absolute web address, not one of
    the site's own hosts): the place a quotation appeared."""
    for link in ctx.structure.links:
        if link.end <= start or link.start >= end:
            continue
        target = link.target.strip()
        if regex.match(r"(?i)https?://", target) and not ctx.site.owns(host_of(target)):
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


def blockquote_findings(ctx: CheckContext, settings: Settings) -> Iterator[Finding]:
    """Block quotes (not callouts) longer than ``quote_words`` with no attribution in or around them."""
    text = ctx.text
    links = _source_links(ctx)
    sourced_until = (
        -1
    )  # the end of the last block quote that has a source: the next one right after shares it
    for block in ctx.structure.blocks:
        if block.kind != "quote" or block.label.casefold().replace("\ufe0f", "") in settings.callout_labels:
            continue  # a callout ("> Hinweis: …", "> **Note** …"), not a quotation
        if 0 <= sourced_until <= block.start and not text[sourced_until : block.start].strip():
            sourced_until = block.end
            continue
        if block.cite:
            sourced_until = block.end
            continue
        words = len(_WORD.findall(text, block.start, block.end))
        if words <= settings.quote_words or _note_to_reader(ctx, settings, block.start, block.end):
            continue
        if _links_own_section(ctx, block.start, block.end):
            continue  # written for this page: it links one of the page's own sections
        if _opens_with_author(ctx, block.start, block.end):
            continue  # the author's note ("> Bartek Płotka has been a maintainer since 2019 …")
        first = _first_line(text, block.start, block.end)
        if first is None:
            continue
        if _attributed_in_block(ctx, block.start, block.end) or _has_source(
            ctx, settings, first[0], block.end, links, _heading_before(ctx, block.start)
        ):
            sourced_until = block.end
            continue
        yield _quote_finding(ctx, first[0], first[1], words, settings)


def _note_to_reader(ctx: CheckContext, settings: Settings, start: int, end: int) -> bool:
    """Whether a block quote is the writer's note to the reader, as docs sites set them apart: it
    addresses the reader or points at the page itself (``[copyright] reader_words``: "you", "dein",
    "euch", "this post") and points to links or
    code of its own ("> Wenn deine ESLint-Voreinstellung … verwende [`prettier --check`](…)"). A quoted
    passage that speaks to its reader but carries no link or code stays a quotation."""
    if not settings.reader.search(ctx.text, start, end):
        return False
    return any(c.start < end and c.end > start for c in ctx.structure.code) or any(
        link.start < end and link.end > start and link.kind != "bare" for link in ctx.structure.links
    )


def _links_own_section(ctx: CheckContext, start: int, end: int) -> bool:
    """Whether a block quote links a section of this very page (``[composite values](#compositevalues)``
    under the heading "CompositeValues"): a passage written for this page, a specification's own
    rationale note, not text quoted from elsewhere, whose anchors would point into another document.
    An anchor no heading of the page answers (a footnote, ``#fn1``) says nothing."""
    anchors = {
        _slug(link.target[1:])
        for link in ctx.structure.links
        if link.start < end and link.end > start and link.target.startswith("#") and len(link.target) > 1
    }
    return bool(anchors) and any(_slug(h.text) in anchors for h in ctx.structure.headings)


#: Front-matter keys (compared without ``_``/``-``, case-folded) that name the document's author.
_AUTHOR_KEYS = frozenset({"author", "authors", "authorname", "authornames"})
_AUTHOR_SPLIT = regex.compile(r"\s*(?:[,;&/]|\band\b|\bund\b)\s*")
_AUTHOR_WORD = regex.compile(r"\p{Lu}[\p{L}'’-]{2,}")
#: How many words at the block's start may come before the author's name (its subject, not a mention).
_SUBJECT_WORDS = 4


def _fold_name(word: str) -> str:
    """A name as its plain letters: "Płotka" and "Plotka" alike. anyascii transliterates letters that
    Unicode does not decompose (ł, ø, đ), which NFKD and the matcher's folding leave as they are."""
    return anyascii(word).casefold()


def _author_surnames(ctx: CheckContext) -> set[str]:
    """The last names of the document's authors, from its front matter (``author: Julius Volz``,
    ``author_name: Bartlomiej Plotka (@bwplotka)``, ``authors: [A, B]``), folded."""
    out: set[str] = set()
    for f in ctx.structure.fields:
        if f.key.replace("_", "").replace("-", "").casefold() not in _AUTHOR_KEYS:
            continue
        value = regex.sub(r"\([^)]*\)|@\S+|<[^>]*>", " ", f.value)
        for name in _AUTHOR_SPLIT.split(value):
            words = _AUTHOR_WORD.findall(name)
            if len(words) >= 2:  # a first and a last name: a last name alone may be anyone's word
                out.add(_fold_name(words[-1]))
    return out


def _opens_with_author(ctx: CheckContext, start: int, end: int) -> bool:
    """Whether a block quote opens with the name of the document's author from its front matter as its
    subject ("> Bartek Płotka has been a Prometheus maintainer since 2019 …" under ``author_name:
    Bartlomiej Plotka``): the author's note about themselves, set apart as blogs set bios, not a
    quotation of someone else's work. A block opening with another person's name stays a quotation."""
    surnames = _author_surnames(ctx)
    if not surnames:
        return False
    head = _WORD.findall(ctx.text, start, min(end, start + 200))[: _SUBJECT_WORDS + 1]
    return any(_fold_name(w) in surnames for w in head)


def _slug(s: str) -> str:
    """A heading or anchor as its letters and digits, lower-cased
    (``CompositeValues``, ``composite-values``)."""
    return "".join(c for c in s.casefold() if c.isalnum())


def _first_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the first non-blank line in ``text[start:end]``, without surrounding blanks."""
    lines = _line_spans(text, start, end)
    return lines[0] if lines else None


def _quote_finding(ctx: CheckContext, start: int, end: int, words: int, settings: Settings) -> Finding:
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
