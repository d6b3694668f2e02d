"""Built-in check: copyright risks in images, credits and quotations.

What it looks at, in the checked prose (link targets and image sources stay
visible in extracted Markdown and HTML) and in the markup of the source:

* stock photos (URLs and file names of Adobe Stock, Fotolia, Shutterstock,
  Getty Images, iStock) with no credit line *near* them;
* media served from social networks' image hosts (a re-upload);
* images (Markdown ``![alt](src)``, HTML ``<img src>``) on a business channel
  with no credit near them;
* sources that name nobody ("Quelle: Internet", "Foto: Google", Pinterest,
  a bare "Wikipedia");
* Creative Commons: NC licences in business content, ND licences next to
  edit words, CC credits missing author, source or licence;
* verbatim quotations longer than ``quote_words`` words with no source;
* "editorial use only" material on a business channel.

*Near* means: on the same line, or at most ``near_lines`` non-blank lines
before or after (default 2), so a caption above or below an image counts. A
credit section anywhere in the draft ("Bildnachweis", "Image credits")
credits every image. Pixabay, Unsplash and Pexels images need no credit.

Reads the optional ``[copyright]`` pack section::

    [copyright]
    free_hosts = ["cdn.nordkap.example"]  # images here need no credit (own photos)
    quote_words = 40                      # longer quotations need a source
    near_lines = 2                        # how far a credit may be from its image
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    CheckContext,
    Finding,
    RuleDoc,
    RuleInfo,
    Severity,
    Where,
    expect_int,
    expect_str_list,
    expect_table,
    find_urls,
    hookimpl,
    load_rules,
    overlaps,
    quote,
    trim_url,
)

PLUGIN = "postguard.checks.copyright"
STOCK, INVALID, NC, ND, CC_INCOMPLETE, QUOTE, REUPLOAD, IMAGE, EDITORIAL = (
    "PG401", "PG402", "PG403", "PG404", "PG405", "PG406", "PG407", "PG408", "PG409",
)  # fmt: skip
QUOTE_WORDS = 40
NEAR_LINES = 2

#: Stock agencies by host suffix, with the credit format they ask for.
STOCK_HOSTS: dict[str, str] = {
    "stock.adobe.com": "Adobe Stock",
    "adobestock.com": "Adobe Stock",
    "ftcdn.net": "Adobe Stock",
    "fotolia.com": "Fotolia",
    "shutterstock.com": "Shutterstock",
    "gettyimages.com": "Getty Images",
    "gettyimages.de": "Getty Images",
    "gettyimages.co.uk": "Getty Images",
    "gettyimages.ch": "Getty Images",
    "gettyimages.at": "Getty Images",
    "istockphoto.com": "iStock",
}
CREDIT_FORMAT: dict[str, str] = {
    "Adobe Stock": "© Name – stock.adobe.com",
    "Fotolia": "© Name – Fotolia.com",
    "Shutterstock": "Name/Shutterstock",
    "Getty Images": "Photo by Name/Getty Images",
    "iStock": "iStock.com/Name",
}
SOCIAL_HOSTS = ("fbcdn.net", "cdninstagram.com", "twimg.com", "pinimg.com", "tiktokcdn.com")
FREE_HOSTS = ("pixabay.com", "unsplash.com", "pexels.com")

_STOCK_FILE = regex.compile(
    r"(?i)(?<![\p{L}\p{N}])(?P<agency>AdobeStock|Fotolia|shutterstock|GettyImages|iStock|istockphoto)"
    r"[_-]\d{4,}[\w.-]*"
)
_STOCK_PICTURE = regex.compile(
    r"(?i)/(?:images?|image-(?:photo|vector|illustration)|photos?|fotos?|detail|id|videos?|vektoren|vectors?"
    r"|illustrations?|bilder|stock-photo)/|\.(?:jpe?g|png|gif|webp|tiff?)(?:[?#]|$)|-gm\d{5,}"
)
_FREE_FILE = regex.compile(r"(?i)-unsplash\.(?:jpe?g|png|webp)\b|\bpexels-photo-\d+|\bpixabay\b")

_CREDIT = regex.compile(
    r"""(?ix)
    (?:©|\(c\)|\bcopyright\b)\s*(?:\d{4}\s*)?[\p{L}@]
    | \b(?:foto|fotos|photo|photos|bild|bilder|bildquelle|bildquellen|bildnachweis|bildnachweise|bildrechte
        |quelle|source|image|images|picture|credit|credits|fotograf|fotografin|photographer|illustration
        |grafik|abbildung|titelbild|headerbild|beitragsbild|aufmacherbild|cover)
      \s*(?:\(s\)\s*)?[:|]\s*[\p{L}@©]
    | \b(?:photo|foto|bild|image|picture|aufnahme|illustration)\s+(?:by|von)\s+@?(?-i:\p{Lu})
    | [–—-]\s*(?:stock\.adobe\.com|fotolia\.com|adobestock\.com)\b
    | \bistock(?:photo)?\.com\s*/\s*\p{L}
    | \bvia\s+getty\s*images\b
    """
)
_CREDIT_SECTION = regex.compile(
    r"(?im)^[\s#*_>]*(?:bildnachweise?|bildquellen|fotonachweise?|image\s+credits|photo\s+credits|picture\s+credits"
    r"|credits)\s*[:\n]"
)
_AGENCY_CREDIT = regex.compile(
    r"(?i)\s*/\s*(?:shutterstock|getty\s*images|istock(?:photo)?|fotolia|adobe\s*stock)\b"
)
_INVALID_LABEL = regex.compile(
    r"(?i)(?<![\p{L}\p{N}])(?:quelle|quellen|bildquelle|bildnachweis|foto|fotos|bild|bilder|source|image|photo"
    r"|picture|credit|credits|grafik)\s*$"
)
_INVALID = regex.compile(
    r"""(?ix)
    [ \t]*(?:das\s+|the\s+)?
    (?P<src>(?P<always>internet|netz|world\s+wide\s+web|www(?!\.)|web(?!-)|unbekannt|unknown|pinterest
        |google(?!\s+(?:maps|earth|trends|scholar|street\s*view))(?:\s+(?:bilder|images|bildersuche|image\s+search))?)
      |(?P<bare>wikipedia|facebook|instagram|twitter|tiktok))(?![\w.])
    """
)
_BARE_REST = regex.compile(r"[\s.,;:!)\]–—-]*(?:\n|$)")
_CC = regex.compile(
    r"""(?ix)
    creativecommons\.org/(?:licenses|publicdomain)/[a-z-]+
    | \bCC[\s-]?(?:0|zero)\b
    | \bCC[\s-]*BY(?:[\s-]*(?:NC|ND|SA)){0,3}(?:[\s-]*\d\.\d)?
      (?:[\s-]+(?:DE|AT|CH|international|intl\.?|unported|generic)\b)?
    | \bcreative[\s-]*commons\b
      (?:[\s,–—-]+(?:attribution|namensnennung|non-?commercial|nicht[\s-]?kommerziell|no-?derivatives
        |no-?derivs|keine|bearbeitungen?|share-?alike|weitergabe|unter|gleichen|bedingungen|zero|international
        |lizenz|license|licence|generic|unported|deutschland|by|nc|nd|sa|de|at|ch|\d\.\d)\b)*
    """
)
_CC_ZERO = regex.compile(r"(?i)\bCC[\s-]?(?:0|zero)\b|\bzero\b|publicdomain|public\s+domain|gemeinfrei")
_CC_NC = regex.compile(r"(?i)(?<![\p{L}])NC(?![\p{L}])|non[\s-]?commercial|nicht[\s-]?kommerziell")
_CC_ND = regex.compile(r"(?i)(?<![\p{L}])ND(?![\p{L}])|no[\s-]?deriv|keine\s+bearbeitung")
_EDIT = regex.compile(
    r"(?i)\b(?:bearbeitet|bearbeitung\s*:|zugeschnitten|beschnitten|verändert|retuschiert|montiert|koloriert"
    r"|freigestellt|edited|cropped|modified|retouched|adapted|remixed|colou?ri[sz]ed|altered|photoshopped)\b"
)
_FIRST_PERSON = regex.compile(r"(?i)\b(?:wir|unser[emnrs]?|we|our|ours|ich|mein[emnrs]?|my|I)\b")
_SOURCE_WORD = regex.compile(
    r"(?i)\b(?:wikimedia|commons|flickr|wikipedia|openverse|europeana|pixabay|unsplash)\b|(?:quelle|source)\s*:"
    r"|\bvia\s+\S|\b[\w-]+\.(?:org|com|de|net|at|ch|eu|io)\b"
)
_CC_HOST_WORD = regex.compile(
    r"(?i)\b(?:wikimedia(?:\s+commons)?|commons\.wikimedia\.org|flickr(?:\.com)?)\b"
)
_AUTHOR_LABEL = regex.compile(
    r"(?i)(?:©|\(c\))\s*(?:\d{4}\s*)?(?P<n1>[^,;|/\n]{2,60})"
    r"|\b(?:foto|photo|bild|image|picture|autor|autorin|author|urheber|urheberin|fotograf|fotografin|photographer"
    r"|credit|illustration|grafik)\s*:\s*(?P<n2>[^,;|/\n]{2,60})"
    r"|\b(?:by|von)\s+(?P<n3>@?[\p{Lu}\w][^,;|/\n]{1,60})"
)
_NAME = regex.compile(
    r"@?\p{Lu}[\p{L}'.-]*(?:\s+(?:(?:von|van|de|der|den|da|di|le|la|zu)\s+)?\p{Lu}[\p{L}'.-]*){0,3}"
    r"|@?[\p{L}\p{N}]+[_.\d][\w.]*"
)
_NOT_A_NAME = regex.compile(
    r"(?i)^(?:wikimedia|commons|wikipedia|flickr|cc|creative|lizenz|license|licence|quelle|source|via|pixabay"
    r"|unsplash|public|gemeinfrei|foto|photo|bild|image|internet|google|pinterest|the|der|die|das|is|ist)\b"
)
_SEGMENTS = regex.compile(r"\s*(?:[,;|/–—]|\s-\s)\s*")
_EDITORIAL = regex.compile(
    r"(?i)\b(?:editorial\s+use\s+only|for\s+editorial\s+use|nur\s+(?:zur\s+|für\s+)?redaktionelle[nr]?\s+"
    r"(?:nutzung|verwendung|zwecke|berichterstattung)|redaktionelle\s+nutzung)\b"
)


_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")
_SPEECH = (
    r"sagt|sagte|sagten|schreibt|schrieb|erklärt|erklärte|betont|betonte|meint|meinte|zitiert|so|laut"
    r"|said|says|writes|wrote|explains|explained|notes|noted|added|according\s+to|put\s+it"
)
_SOURCE_AFTER = regex.compile(
    rf"(?i)^\s*[,.;:]?\s*(?:[—–―~]|--?\s|\((?=[^)]*(?-i:\p{{Lu}}))|(?:{_SPEECH})\b)"
)
_SOURCE_NEAR = regex.compile(
    r"(?i)\b(?:quelle|source|zitiert\s+(?:nach|aus)|quoted\s+from)\s*:|https?://|www\."
)
_SOURCE_BEFORE = regex.compile(rf"(?i)\b(?:{_SPEECH})\b[^.!?\n]{{0,80}}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyrightSpec:
    """The ``[copyright]`` section of one pack."""

    free_hosts: tuple[str, ...] = ()
    quote_words: int | None = None
    near_lines: int | None = None


def parse_copyright(value: Any, where: Where) -> CopyrightSpec:
    t = expect_table(value, where, ("free_hosts", "quote_words", "near_lines"))
    hosts = expect_str_list(t["free_hosts"], where.child("free_hosts")) if "free_hosts" in t else ()
    for i, host in enumerate(hosts):
        if not regex.fullmatch(r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+", host.strip()):
            raise (
                where.child("free_hosts")
                .child(i)
                .error(f"{host!r} is not a host name (write cdn.example.com, without scheme or path)")
            )
    words = expect_int(t["quote_words"], where.child("quote_words"), 10, 1000) if "quote_words" in t else None
    near = expect_int(t["near_lines"], where.child("near_lines"), 0, 20) if "near_lines" in t else None
    free = tuple(h.strip().lower() for h in hosts)
    return CopyrightSpec(free_hosts=free, quote_words=words, near_lines=near)


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("copyright", parse_copyright)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


# -- helpers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Settings:
    free_hosts: tuple[str, ...]
    quote_words: int
    near_lines: int


def _settings(ctx: CheckContext) -> _Settings:
    specs: list[CopyrightSpec] = ctx.packs.sections.get("copyright", [])
    words = [s.quote_words for s in specs if s.quote_words is not None]
    near = [s.near_lines for s in specs if s.near_lines is not None]
    return _Settings(
        free_hosts=FREE_HOSTS + tuple(h for s in specs for h in s.free_hosts),
        quote_words=min(words) if words else QUOTE_WORDS,
        near_lines=max(near) if near else NEAR_LINES,
    )


def host_of(url: str) -> str:
    u: str = regex.sub(r"(?i)^[a-z][a-z0-9+.-]*://", "", url.strip()).lower()
    host: str = regex.split(r"[/?#]", u, maxsplit=1)[0].split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def _on(host: str, suffixes: Sequence[str]) -> str | None:
    for s in suffixes:
        if host == s or host.endswith("." + s):
            return s
    return None


class _Lines:
    """Line numbers of offsets, counting only non-blank lines (so blank lines don't add distance)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in regex.finditer(r"\n", text)]
        rank = []
        n = -1
        for i, s in enumerate(self.starts):
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(text)
            if text[s:end].strip():
                n += 1
            rank.append(max(n, 0))
        self.rank = rank

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def near(self, a: int, b: int, lines: int) -> bool:
        return abs(self.rank[self.line(a)] - self.rank[self.line(b)]) <= lines

    def span_of_lines(self, offset: int, around: int, text: str) -> tuple[int, int]:
        """Offsets of the lines within ``around`` non-blank lines of ``offset``."""
        here = self.rank[self.line(offset)]
        first = last = self.line(offset)
        while first > 0 and here - self.rank[first - 1] <= around:
            first -= 1
        while last + 1 < len(self.starts) and self.rank[last + 1] - here <= around:
            last += 1
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(text)
        return self.starts[first], end


@dataclass(frozen=True, slots=True)
class _Ref:
    start: int
    end: int
    kind: str  # "stock", "social", "free", "image"
    agency: str = ""


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = "\x00" * (b - a)
    return "".join(chars)


# -- the check -----------------------------------------------------------------------------


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.text
    business = ctx.channel is not None and ctx.channel.business
    settings = _settings(ctx)
    lines: _Lines | None = None

    def get_lines() -> _Lines:
        nonlocal lines
        if lines is None:
            lines = _Lines(text)
        return lines

    urls = find_urls(text)
    low = text.lower()
    refs = _refs(ctx, urls, settings, low)
    masked = _mask(text, [(r.start, r.end) for r in refs] + urls) if refs or urls else text
    unref = _mask(text, [(r.start, r.end) for r in refs]) if refs else text
    invalid = _invalid_sources(text)
    for inv in invalid:
        yield ctx.finding(INVALID, *_invalid_message(ctx, inv))
    if any(r.kind in ("stock", "image") for r in refs):
        bad = [(i.start, i.end) for i in invalid]
        credits = [c.start() for c in _CREDIT.finditer(unref) if not overlaps(bad, c.start(), c.start() + 1)]
        slash = unref.find("/")
        while slash > 0:
            j = slash - 1
            while j > 0 and unref[j] in " \t":
                j -= 1
            if unref[j].isalpha() and _AGENCY_CREDIT.match(unref, slash):
                credits.append(slash)
            slash = unref.find("/", slash + 1)
        section = _CREDIT_SECTION.search(unref) is not None
        yield from _images(ctx, refs, credits, section, business, get_lines(), settings)
    yield from _social(ctx, refs)
    if "CC" in text or any(k in low for k in ("reative", "ommons", "flickr", "cc-by", "cc by")):
        yield from _creative_commons(ctx, masked, business, get_lines(), settings)
    if business and ("ditorial" in text or "edaktionell" in text):
        for ed in _EDITORIAL.finditer(text):
            yield ctx.finding(
                EDITORIAL,
                ed.start(),
                ed.end(),
                ctx.message(
                    en=f"{quote(ed.group(), 'en')}: material licensed for editorial use only must not appear "
                    "in company or promotional content; use a commercially licensed image.",
                    de=f"{quote(ed.group(), 'de')}: nur redaktionell lizenziertes Material darf nicht in "
                    "Unternehmens- oder Werbeinhalten erscheinen; ein kommerziell lizenziertes Bild "
                    "verwenden.",
                ),
            )
    if ctx.structure.blocks:
        yield from _quotations(ctx, settings)
        yield from _blockquotes(ctx, settings)


def _refs(ctx: CheckContext, urls: Sequence[tuple[int, int]], settings: _Settings, low: str) -> list[_Ref]:
    """Stock, social-host, free and other image references, by span in the checked text."""
    text = ctx.text
    refs: list[_Ref] = []
    for start, end in urls:
        url = text[start:end]
        host = host_of(url)
        stock = _on(host, tuple(STOCK_HOSTS))
        getty = host.startswith("gettyimages.") or ".gettyimages." in host
        if (stock or getty) and _is_stock_image(host, url):
            refs.append(_Ref(start, end, "stock", STOCK_HOSTS[stock] if stock else "Getty Images"))
        elif stock or getty:
            continue  # a search or portfolio page, not a picture
        elif _on(host, SOCIAL_HOSTS):
            refs.append(_Ref(start, end, "social"))
        elif _on(host, settings.free_hosts) or _FREE_FILE.search(url):
            refs.append(_Ref(start, end, "free"))
        elif m := _STOCK_FILE.search(url):
            refs.append(_Ref(start, end, "stock", _agency(m.group("agency"))))
    occupied = [(r.start, r.end) for r in refs]
    if "stock" in low or "fotolia" in low or "getty" in low:
        for m in _STOCK_FILE.finditer(text):
            if not overlaps(occupied, m.start(), m.end()):
                refs.append(_Ref(m.start(), m.end(), "stock", _agency(m.group("agency"))))
        occupied = sorted((r.start, r.end) for r in refs)
    seen: set[int] = set()
    for image in ctx.structure.images:
        pos, end = image.src_start, image.src_end
        if end <= pos or pos in seen or overlaps(occupied, pos, end):
            continue
        seen.add(pos)
        kind = "free" if _FREE_FILE.search(image.src) else "image"
        refs.append(_Ref(pos, end, kind))
    refs.sort(key=lambda r: r.start)
    return refs


def _is_stock_image(host: str, url: str) -> bool:
    """A picture on a stock site (not its search or contributor pages)."""
    return (
        host.startswith(("media.", "image.", "images."))
        or host.endswith("ftcdn.net")
        or bool(_STOCK_PICTURE.search(url))
    )


def _agency(name: str) -> str:
    n = name.lower()
    if n.startswith("adobe"):
        return "Adobe Stock"
    if n.startswith("fotolia"):
        return "Fotolia"
    if n.startswith("shutter"):
        return "Shutterstock"
    if n.startswith("getty"):
        return "Getty Images"
    return "iStock"


def _images(
    ctx: CheckContext,
    refs: Sequence[_Ref],
    credits: Sequence[int],
    section: bool,
    business: bool,
    lines: _Lines,
    settings: _Settings,
) -> Iterator[Finding]:
    text = ctx.text
    lang = ctx.msg_lang

    ranks = sorted(lines.rank[lines.line(c)] for c in credits)
    near = settings.near_lines

    def credited(ref: _Ref) -> bool:
        if section:
            return True
        here = lines.rank[lines.line(ref.start)]
        i = bisect.bisect_left(ranks, here - near)
        return i < len(ranks) and ranks[i] <= here + near

    for ref in refs:
        shown = quote(_short(text[ref.start : ref.end]), lang)
        if ref.kind == "stock" and not credited(ref):
            fmt = CREDIT_FORMAT.get(ref.agency, "© Name")
            yield ctx.finding(
                STOCK,
                ref.start,
                ref.end,
                ctx.message(
                    en=f"{shown} is a stock photo ({ref.agency}) without a credit: add "
                    f"{quote(fmt, 'en')} next to the image.",
                    de=f"{shown} ist ein Stockfoto ({ref.agency}) ohne Bildnachweis: "
                    f"{quote(fmt, 'de')} beim Bild angeben.",
                ),
            )
        elif ref.kind == "image" and business and not credited(ref):
            yield ctx.finding(
                IMAGE,
                ref.start,
                ref.end,
                ctx.message(
                    en=f"The image {shown} has no credit: name the photographer (“Photo: Name”) next to it, "
                    "or list it under “Image credits”.",
                    de=f"Das Bild {shown} hat keinen Bildnachweis: den Urheber („Foto: Name“) beim Bild oder "
                    "unter „Bildnachweis“ nennen.",
                ),
                confidence=0.8,
            )


def _social(ctx: CheckContext, refs: Sequence[_Ref]) -> Iterator[Finding]:
    for ref in refs:
        if ref.kind == "social":
            shown = quote(_short(ctx.text[ref.start : ref.end]), ctx.msg_lang)
            yield ctx.finding(
                REUPLOAD,
                ref.start,
                ref.end,
                ctx.message(
                    en=f"{shown} is served by a social network's image host: re-uploading someone else's "
                    "picture needs the rights holder's consent. Link or embed the original post instead.",
                    de=f"{shown} stammt vom Bildserver eines sozialen Netzwerks: fremde Bilder erneut "
                    "hochzuladen braucht die Zustimmung des Rechteinhabers. Den Originalbeitrag verlinken "
                    "oder einbetten.",
                ),
            )


def _short(s: str, limit: int = 60) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class _Invalid:
    start: int
    end: int
    source: str


def _invalid_sources(text: str) -> list[_Invalid]:
    """``Quelle: Internet``, ``Foto: Google``, ``via Pinterest``, a bare ``Quelle: Wikipedia``.

    Looks only after colons and after "via", so it costs little on prose.
    """
    found: list[_Invalid] = []
    starts: list[tuple[int, int]] = []
    pos = text.find(":")
    while pos >= 0:
        label = _INVALID_LABEL.search(text, max(0, pos - 16), pos)
        if label:
            starts.append((label.start(), pos + 1))
        pos = text.find(":", pos + 1)
    for needle in ("via ", "Via ", "VIA "):
        pos = text.find(needle)
        while pos >= 0:
            if pos == 0 or not text[pos - 1].isalnum():
                starts.append((pos, pos + 3))
            pos = text.find(needle, pos + 1)
    for start, after in sorted(starts):
        m = _INVALID.match(text, after)
        if m is None or (m.group("bare") and not _BARE_REST.match(text, m.end())):
            continue
        found.append(_Invalid(start, m.end(), m.group("src")))
    return found


def _invalid_message(ctx: CheckContext, m: _Invalid) -> tuple[int, int, str]:
    shown = quote(ctx.text[m.start : m.end], ctx.msg_lang)
    src = m.source
    msg = ctx.message(
        en=f"{shown} names no author: {src} is where you found it, not who made it. Credit the author "
        "(and the licence), e.g. “Photo: Name / source, licence”.",
        de=f"{shown} nennt keinen Urheber: {src} ist der Fundort, nicht der Urheber. Den Urheber (und die "
        "Lizenz) nennen, z. B. „Foto: Name / Quelle, Lizenz“.",
    )
    return m.start, m.end, msg


# -- Creative Commons ------------------------------------------------------------------------


def _creative_commons(
    ctx: CheckContext, masked: str, business: bool, lines: _Lines, settings: _Settings
) -> Iterator[Finding]:
    text = ctx.text
    lang = ctx.msg_lang
    by_line: dict[int, list[tuple[int, int]]] = {}
    for m in _CC.finditer(text):
        by_line.setdefault(lines.line(m.start()), []).append((m.start(), m.end()))
    for line_no, spans in by_line.items():
        start, end = spans[0]
        line_start = max(lines.starts[line_no], start - _REACH)
        line_end = text.find("\n", start, start + _REACH)
        if line_end < 0:
            line_end = min(len(text), start + _REACH)
        licence = " ".join(text[a:b] for a, b in spans)
        if _CC_ZERO.search(licence):
            continue
        end = min(max(b for _, b in spans), line_end) if len(spans) == 1 else end
        end = trim_url(text, start, end)
        shown = quote(" ".join(text[start:end].split()), lang)
        own = _FIRST_PERSON.search(text, line_start, line_end) is not None
        w_start, w_end = _clamp(lines.span_of_lines(start, 1, text), start)
        if _CC_NC.search(licence) and business and not own:
            yield ctx.finding(
                NC,
                start,
                end,
                ctx.message(
                    en=f"{shown} is a NonCommercial licence: a company channel is commercial use. Ask the "
                    "author for a licence or use another image.",
                    de=f"{shown} ist eine NonCommercial-Lizenz: ein Firmenkanal ist kommerzielle Nutzung. "
                    "Den Urheber um eine Lizenz bitten oder ein anderes Bild verwenden.",
                ),
            )
        if _CC_ND.search(licence):
            n_start, n_end = _clamp(lines.span_of_lines(start, settings.near_lines, text), start)
            for e in _EDIT.finditer(text, n_start, n_end):
                if any(a <= e.start() < b for a, b in spans):
                    continue
                yield ctx.finding(
                    ND,
                    start,
                    end,
                    ctx.message(
                        en=f"{shown} is a NoDerivatives licence, but the work was {quote(e.group(), 'en')}: "
                        "ND forbids edits. Use the unedited work or ask the author.",
                        de=f"{shown} ist eine NoDerivatives-Lizenz, das Werk ist aber "
                        f"{quote(e.group(), 'de')}: ND verbietet Bearbeitungen. Das Original verwenden oder "
                        "den Urheber fragen.",
                    ),
                )
                break
        if own:
            continue
        missing = []
        if not _has_author(masked, w_start, w_end, line_start, line_end):
            missing.append(("author", "Urheber"))
        if not _SOURCE_WORD.search(text, w_start, w_end):
            missing.append(("source", "Quelle"))
        if missing:
            yield _incomplete(ctx, start, end, shown, missing, confidence=0.8)
    # credits on Wikimedia Commons or Flickr without any licence
    if "ommons" in text or "lickr" in text:
        for m in _CC_HOST_WORD.finditer(text):
            line_no = lines.line(m.start())
            if line_no in by_line:
                continue
            w_start, w_end = _clamp(lines.span_of_lines(m.start(), 1, text), m.start())
            if _CC.search(text, w_start, w_end):
                continue
            line_start = max(lines.starts[line_no], m.start() - _REACH)
            if not _CREDIT.search(masked, line_start, w_end) and not _AUTHOR_LABEL.search(
                masked, w_start, w_end
            ):
                continue
            shown = quote(m.group(), lang)
            yield _incomplete(ctx, m.start(), m.end(), shown, [("licence", "Lizenz")], confidence=0.8)
            by_line[line_no] = []


_REACH = 300


def _clamp(window: tuple[int, int], at: int) -> tuple[int, int]:
    """A window of lines, cut to :data:`_REACH` characters either side of ``at`` (long lines stay cheap)."""
    return max(window[0], at - _REACH), min(window[1], at + _REACH)


def _has_author(masked: str, w_start: int, w_end: int, line_start: int, line_end: int) -> bool:
    for m in _AUTHOR_LABEL.finditer(masked, w_start, w_end):
        name = (m.group("n1") or m.group("n2") or m.group("n3") or "").strip(" \t\"'„“”«»")
        if name and not _NOT_A_NAME.match(name) and _NAME.match(name):
            return True
    line = masked[line_start:line_end].strip(" \t*_>#-•")
    first = _SEGMENTS.split(line, maxsplit=1)[0].strip(" \t\"'„“”«»")
    first = regex.sub(r"(?i)^(?:foto|photo|bild|image)\s*:\s*", "", first)
    return bool(first) and not _NOT_A_NAME.match(first) and _NAME.fullmatch(first) is not None


def _incomplete(
    ctx: CheckContext, start: int, end: int, shown: str, missing: list[tuple[str, str]], *, confidence: float
) -> Finding:
    en = ", ".join(a for a, _ in missing)
    de = ", ".join(b for _, b in missing)
    return ctx.finding(
        CC_INCOMPLETE,
        start,
        end,
        ctx.message(
            en=f"The Creative Commons credit {shown} lacks: {en}. Give title, author, source and licence "
            "(“Photo: Name, Wikimedia Commons, CC BY-SA 4.0”).",
            de=f"Beim Creative-Commons-Nachweis {shown} fehlt: {de}. Titel, Urheber, Quelle und Lizenz "
            "angeben („Foto: Name, Wikimedia Commons, CC BY-SA 4.0“).",
        ),
        confidence=confidence,
    )


# -- quotations ------------------------------------------------------------------------------


def _quotations(ctx: CheckContext, settings: _Settings) -> Iterator[Finding]:
    text = ctx.text
    for block in ctx.structure.blocks:
        if block.kind != "quotation":
            continue
        words = len(_WORD.findall(text, block.start + 1, block.end - 1))
        if words <= settings.quote_words:
            continue
        if _has_source(text, block.start, block.end):
            continue
        yield _quote_finding(ctx, block.start, block.end, words, settings)


def _has_source(text: str, start: int, end: int) -> bool:
    para_end = text.find("\n\n", end, end + 200)
    after = text[end : para_end if para_end >= 0 else min(len(text), end + 200)]
    if _SOURCE_AFTER.match(after) or _SOURCE_NEAR.search(after):
        return True
    para_start = text.rfind("\n\n", max(0, start - 150), start)
    before = text[para_start + 1 if para_start >= 0 else max(0, start - 150) : start]
    if _SOURCE_BEFORE.search(before.rstrip(" \t:,")) is not None:
        return True
    return _SOURCE_NEAR.search(before) is not None


def _blockquotes(ctx: CheckContext, settings: _Settings) -> Iterator[Finding]:
    """Block quotes (not callouts) longer than ``quote_words`` with no attribution in or around them."""
    text = ctx.text
    for block in ctx.structure.blocks:
        if block.kind != "quote" or block.cite:
            continue
        words = len(_WORD.findall(text, block.start, block.end))
        if words <= settings.quote_words:
            continue
        first = _first_line(text, block.start, block.end)
        if first is None or _has_source(text, first[0], block.end):
            continue
        yield _quote_finding(ctx, first[0], first[1], words, settings)


def _first_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the first non-blank line in ``text[start:end]``, without surrounding blanks."""
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
            return a, b
        pos = line_end + 1
    return None


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


# -- rules ------------------------------------------------------------------------------------


def _doc(name: str, what: str, why: str, fix: str, example: str = "") -> RuleDoc:
    return RuleDoc(name=name, what=what, why=why, fix=fix, example=example)


def _rule(rule_id: str, name: str, severity: Severity, en: RuleDoc, de: RuleDoc) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        name=name,
        category="copyright",
        severity=severity,
        plugin=PLUGIN,
        docs={"en": en, "de": de},
    )


RULES = load_rules(__name__)
