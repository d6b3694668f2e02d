"""Images: stock photos, re-uploads, uncredited images, sources that name nobody, editorial use."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import regex

from postguard.plugin import (
    CheckContext,
    Finding,
    Image,
    image_space,
    overlaps,
    quote,
)

from .common import (
    IMAGE,
    REUPLOAD,
    STOCK,
    Lines,
    Ref,
    Settings,
    host_of,
    host_on,
    shorten,
)

_STOCK_PICTURE = regex.compile(
    r"(?i)/(?:images?|image-(?:photo|vector|illustration)|photos?|fotos?|detail|id|videos?|vektoren|vectors?"
    r"|illustrations?|bilder|stock-photo)/|\.(?:jpe?g|png|gif|webp|tiff?)(?:[?#]|$)|-gm\d{5,}"
)


_FREE_FILE = regex.compile(r"(?i)-unsplash\.(?:jpe?g|png|webp)\b|\bpexels-photo-\d+|\bpixabay\b")


CREDIT = regex.compile(
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
    | \bCC[\s-]*(?:BY|0)\b | \bcreative\s+commons\b | creativecommons\.org/  # a licence (PG405 judges it)
    | \b(?:public\s+domain|gemeinfrei)\b
    """
)


CREDIT_SECTION = regex.compile(
    r"(?im)^[\s#*_>]*(?:bildnachweise?|bildquellen|fotonachweise?|image\s+credits|photo\s+credits|picture\s+credits"
    r"|credits)\s*[:\n]"
)


AGENCY_CREDIT = regex.compile(
    r"(?i)\s*/\s*(?:shutterstock|getty\s*images|istock(?:photo)?|fotolia|adobe\s*stock)\b"
)


_INVALID_LABEL = regex.compile(
    r"(?i)(?<![\p{L}\p{N}])(?:quelle|quellen|bildquelle|bildnachweis|foto|fotos|bild|bilder|source|image|photo"
    r"|picture|credit|credits|grafik)\s*$"
)


#: What every agency's file name has ("AdobeStock_123456"): a stdlib scan spares most drafts the
#: agencies' pattern.
_NUMBERED_FILE = re.compile(r"[_-]\d{4}")
_BARE_REST = regex.compile(r"[\s.,;:!)\]–—-]*(?:\n|$)")


def image_refs(ctx: CheckContext, urls: Sequence[tuple[int, int]], settings: Settings, low: str) -> list[Ref]:
    """Stock, social-host, free and other image references, by span in the checked text."""
    text = ctx.text
    refs: list[Ref] = []
    stock_hosts = tuple(settings.stock_hosts)
    # a page links the same few hosts, often the same few addresses, again and again (a page of minified
    # HTML: thousands of times): each host's suffix lookups and each address's verdict once per draft
    kinds: dict[str, tuple[str | None, bool, bool]] = {}
    verdicts: dict[str, tuple[str, str] | None] = {}
    for start, end in urls:
        url = text[start:end]
        if url in verdicts:
            verdict = verdicts[url]
        else:
            host = host_of(url)
            known = kinds.get(host)
            if known is None:
                known = kinds[host] = (
                    host_on(host, stock_hosts),
                    host_on(host, settings.social_hosts) is not None,
                    host_on(host, settings.free_hosts) is not None,
                )
            verdict = verdicts[url] = _url_kind(url, host, known, settings)
        if verdict is not None:
            refs.append(Ref(start, end, *verdict))
    occupied = [(r.start, r.end) for r in refs]
    for m in settings.stock_file.finditer(text) if _NUMBERED_FILE.search(text) else ():
        if not overlaps(occupied, m.start(), m.end()):
            refs.append(Ref(m.start(), m.end(), "stock", settings.file_agencies[m.group("prefix").lower()]))
    occupied = sorted((r.start, r.end) for r in refs)
    seen: set[int] = set()
    in_draft: dict[str, int] | None = None
    for image in ctx.structure.images:
        pos, end = image.src_start, image.src_end
        if end <= pos or pos in seen or overlaps(occupied, pos, end):
            continue
        seen.add(pos)
        if _FREE_FILE.search(image.src):
            refs.append(Ref(pos, end, "free"))
            continue
        own = own_file(image.src) or _of_site(ctx, image.src, settings) or _own_upload(image.src, settings)
        if not own and _storable(image.src, settings):
            # a store the site keeps its pictures in: it embeds `asset_images` or more from it
            if in_draft is None:
                in_draft = _spaces(ctx)
            used = max(in_draft.get(image_space(image.src), 0), ctx.site.images_from(image.src))
            own = used >= settings.asset_images
        if own and (_own_artwork(ctx, image, settings) or _shows_own_service(ctx, image)):
            continue  # a file of the repository or of the site's own hosts and stores (a screenshot)
        if not own and _storable(image.src, settings) and _mark_of_linked_site(ctx, image, settings):
            continue  # the logo or banner of the site the draft links, served by that site
        refs.append(Ref(pos, end, "image", own=own))
    refs.sort(key=lambda r: r.start)
    return refs


def _url_kind(
    url: str, host: str, known: tuple[str | None, bool, bool], settings: Settings
) -> tuple[str, str] | None:
    """What a web address in the text is: a stock picture (and its agency), a social network's media, a
    free picture, or nothing to judge (``None``: a stock agency's search page, any other address)."""
    stock, social, free = known
    if stock and _is_stock_image(host, url):
        return "stock", settings.stock_hosts[stock]
    if stock:
        return None  # a search or portfolio page, not a picture
    if social:
        return "social", ""
    if free or _FREE_FILE.search(url):
        return "free", ""
    if m := settings.stock_file.search(url):
        return "stock", settings.file_agencies[m.group("prefix").lower()]
    return None


def _of_site(ctx: CheckContext, src: str, settings: Settings) -> bool:
    """Whether an image is served by the site: from one of its hosts (``stats.ffmuc.net``), or from a
    forge that serves files by account (``[copyright] repository_hosts``) under the site's own account
    (``raw.githubusercontent.com/nodejs/Release/…`` for nodejs.org, whose repository is on
    ``github.com/nodejs``). A forge host is never the site's own by itself."""
    host = host_of(src)
    forge = settings.repository_hosts.get(host)
    if forge is None:
        return ctx.site.owns(host)
    path = _SCHEME_HOST.sub("", src.strip())
    account = path.split("/", 1)[0].split("?", 1)[0]
    return bool(account) and ctx.site.has_account(forge, account)


_SCHEME_HOST = regex.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//[^/]*/?")


def _storable(src: str, settings: Settings) -> bool:
    """Whether a hot-linked image may lie in a store of the site's own: on the web (``http(s)://``),
    not on a public media library where anyone's pictures live (``[copyright] media_hosts``: Wikimedia,
    Flickr, Imgur), not on a forge under another account (``repository_hosts``)."""
    host = host_of(src)
    return (
        bool(regex.match(r"(?i)\s*https?://", src))
        and host_on(host, settings.media_hosts) is None
        and host not in settings.repository_hosts
    )


def _spaces(ctx: CheckContext) -> dict[str, int]:
    """How many of the draft's images lie in each storage space (:func:`postguard.plugin.image_space`)."""
    counts: dict[str, int] = {}
    for image in ctx.structure.images:
        if regex.match(r"(?i)\s*https?://", image.src):
            space = image_space(image.src)
            counts[space] = counts.get(space, 0) + 1
    return counts


def _own_upload(src: str, settings: Settings) -> bool:
    """Whether an image is on a host where the team uploads its own pictures (``[copyright] own_hosts``:
    a host, or a host and path such as ``github.com/user-attachments``)."""
    host = host_of(src)
    path = _SCHEME_HOST.sub("", src.strip()).lower()
    for own in settings.own_hosts:
        own_host, _, prefix = own.partition("/")
        if (host == own_host or host.endswith("." + own_host)) and (
            not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/")
        ):
            return True
    return False


def _shows_own_service(ctx: CheckContext, image: Image) -> bool:
    """Whether an image is the label of a link to a service the site runs on a subdomain of its own
    (``[![Konferenz System](/assets/meet.png)](https://meet.ffmuc.net)`` on ``ffmuc.net``): a picture of
    that service, whatever its alt text says, not a photo of people. A link to the site's pages (its
    own host, a relative path) says nothing about what the picture shows."""
    for link in ctx.structure.links:
        if link.start <= image.start and image.end <= link.end and link.target.strip():
            host = host_of(link.target)
            if regex.match(r"(?i)https?://", link.target.strip()) and host not in ctx.site.hosts:
                return ctx.site.owns(host)
    return False


def _own_artwork(ctx: CheckContext, image: Image, settings: Settings) -> bool:
    """Whether an image of the site is the team's artwork, not a photo of people or an event: no people
    word in its file name, alt text or title, or an artwork word there ("logo-esplendor.png" of the
    "Esplendor Group", a "Screenshot" of a conference system). The directories of its path count too
    ("/team/anna.jpg"), except the sections the page itself stands in: ``/konferenz/2020/chart.png`` on
    the page ``content/konferenz/2020/bericht.md`` lies in the page's section, which says nothing of the
    picture (an index page's own directory, ``team/`` of ``team/index.md``, still counts)."""
    described = f"{_unshared_path(ctx, image.src)} {image.alt} {image.title}"
    return not settings.people.search(described) or settings.artwork.search(described) is not None


def _unshared_path(ctx: CheckContext, src: str) -> str:
    """``src`` without the leading directories the draft's own path also has (its section)."""
    if not ctx.draft.path or not own_file(src):
        return src
    dirs = regex.split(r"[/\\]", ctx.draft.path)
    if dirs[-1].rsplit(".", 1)[0].casefold() in ("index", "_index"):
        dirs = dirs[:-1]  # an index page's directory is the page itself, named for what it shows ("team/")
    page = {p.casefold() for p in dirs[:-1]}
    parts = src.strip().lstrip("./").split("/")
    k = 0
    while k < len(parts) - 1 and parts[k].casefold() in page:
        k += 1
    return "/".join(parts[k:])


#: Graphics formats (a logo, a banner, a link button), not photos (JPEG, WebP, HEIC).
_GRAPHIC = regex.compile(r"(?i)\.(?:png|gif|svg)(?:[?#]|$)")


def _mark_of_linked_site(ctx: CheckContext, image: Image, settings: Settings) -> bool:
    """Whether a hot-linked image is the mark of the site that serves it, which the draft links:

    * named a logo or banner (``logo_words``: "josm.openstreetmap.de/logo.png" on the page linking JOSM;
      the site may be linked under another top-level domain: a LinuxTag logo on ``linuxtag.org``, the
      link to ``linuxtag.de``);
    * a graphic (PNG, GIF, SVG) named after that site and nothing else (``geoforallC.png`` from
      ``geoforall.org``, ``fossgis-konferenz-2017.png`` from ``fossgis-konferenz.de``);
    * a graphic without a people word that is itself the label of a link to its host (a conference's
      banner linking the conference).

    A photo (JPEG) linking the page it comes from, a graphic named after its site and more
    ("geostyler-codesprint-2025-members.png"), a logo from a host the draft does not link and a public
    media library's files still need a credit."""
    host = host_of(image.src)
    if not host:
        return False
    label = _site_label(host)
    linked = [host_of(link.target) for link in ctx.structure.links]
    described = f"{image.src} {image.alt} {image.title}"
    if settings.logo.search(described) and any(
        _same_site(host, h) or (len(label) >= 4 and h and _site_label(h) == label) or _same_name(host, h)
        for h in linked
    ):
        return True  # a logo of the site linked, also under another top-level domain (linuxtag.org, .de)
    if not any(_same_site(host, h) for h in linked):
        return False
    if not _GRAPHIC.search(image.src):
        return False
    stem = regex.sub(r"\.[a-z0-9]+$", "", image.src.split("?")[0].rstrip("/").rsplit("/", 1)[-1].lower())
    if len(label) >= 4 and _NAMED_AFTER.fullmatch(stem.replace(label, "\x00", 1)):
        return True
    # the site's own name in a file or alt text is no people word ("fossgis-konferenz.de")
    if settings.people.search(described.lower().replace(label, " ")):
        return False
    return any(
        link.start <= image.start and image.end <= link.end and _same_site(host, host_of(link.target))
        for link in ctx.structure.links
    )


#: A file stem that is the site's name (``\x00``) with at most a year, a number or a letter or two.
_NAMED_AFTER = regex.compile(r"[\d_.-]*\x00[\d_.-]*[a-z]{0,2}[\d_.-]*")


_SECOND_LEVELS = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})


def _site_label(host: str) -> str:
    """The name part of a host: ``fossgis-konferenz`` of ``fossgis-konferenz.de``, ``foss4g`` of
    ``2009.foss4g.org`` (the label before the last, or before a generic second level: ``bbc`` of
    ``bbc.co.uk``)."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVELS and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else host


def _name_parts(host: str) -> tuple[str, ...]:
    """The words and numbers of a host's name, without ``www`` and its top-level (and generic second-level)
    domain, sorted: ``foss4g2016.org`` and ``2016.foss4g.org`` both give ``2016, foss, g, 4``."""
    labels = host.lower().removeprefix("www.").split(".")
    keep = 2 if len(labels) >= 3 and labels[-2] in _SECOND_LEVELS and len(labels[-1]) == 2 else 1
    return tuple(sorted(regex.findall(r"[a-z]+|\d+", "".join(labels[:-keep]))))


def _same_name(a: str, b: str) -> bool:
    """Whether two hosts carry the same name in another order, as an event's edition is served from its
    own domain and linked as a subdomain of the series (``foss4g2016.org``, ``2016.foss4g.org``)."""
    parts = _name_parts(a) if a and b else ()
    return len("".join(parts)) >= 6 and parts == _name_parts(b)


def _same_site(a: str, b: str) -> bool:
    """Whether two hosts are one site: equal, or one a subdomain of the other."""
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _is_stock_image(host: str, url: str) -> bool:
    """A picture on a stock site (not its search or contributor pages)."""
    return (
        host.startswith(("media.", "image.", "images."))
        or host.endswith("ftcdn.net")
        or bool(_STOCK_PICTURE.search(url))
    )


def own_file(src: str) -> bool:
    """Whether an image source is a file of the repository itself (a relative path, no host)."""
    s = src.strip()
    return not regex.match(r"(?i)(?:[a-z][a-z0-9+.-]*:|//|www\.)", s)


def image_findings(
    ctx: CheckContext,
    refs: Sequence[Ref],
    credits: Sequence[int],
    section: bool,
    business: bool,
    lines: Lines,
    settings: Settings,
) -> Iterator[Finding]:
    text = ctx.text
    lang = ctx.msg_lang

    ranks = sorted(lines.rank[lines.line(c)] for c in credits)
    near = settings.near_lines

    def credited(ref: Ref) -> bool:
        if section:
            return True
        here = lines.rank[lines.line(ref.start)]
        i = bisect.bisect_left(ranks, here - near)
        return i < len(ranks) and ranks[i] <= here + near

    for ref in refs:
        shown = quote(shorten(text[ref.start : ref.end]), lang)
        if ref.kind == "stock" and not credited(ref):
            fmt = settings.credit_formats.get(ref.agency, "© Name")
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
            yield _uncredited(ctx, ref, shown, settings)


def _uncredited(ctx: CheckContext, ref: Ref, shown: str, settings: Settings) -> Finding:
    """PG408 for one image. The site's own photos of people or events (a file of the repository, its
    hosts or stores) without a credit are a habit of the site when many files show them: each such
    finding carries the site's ``pattern``, so that a run over many of its files reports them once
    (:mod:`postguard.sitewide`); a file checked alone, or ``[copyright] each_image = true``, gets one
    finding per image."""
    if ref.own and ctx.site.root is not None:
        msg = ctx.message(
            en=f"The image {shown}, one of the site's own photos of people or an event, has no photographer "
            "credit: name the photographer (“Photo: Name”) next to it, or list it under “Image credits”.",
            de=f"Das Bild {shown}, ein eigenes Foto der Website von Menschen oder einer Veranstaltung, hat "
            "keinen Bildnachweis: den Fotografen („Foto: Name“) beim Bild oder unter „Bildnachweis“ nennen.",
        )
        found = ctx.finding(IMAGE, ref.start, ref.end, msg, confidence=0.8)
        return found if settings.each_image else replace(found, pattern=f"{OWN_PHOTOS} {ctx.site.root}")
    msg = ctx.message(
        en=f"The image {shown} has no credit: name the photographer (“Photo: Name”) next to it, "
        "or list it under “Image credits”.",
        de=f"Das Bild {shown} hat keinen Bildnachweis: den Urheber („Foto: Name“) beim Bild oder "
        "unter „Bildnachweis“ nennen.",
    )
    return ctx.finding(IMAGE, ref.start, ref.end, msg, confidence=0.8)


#: The pattern key of the site's own people and event photos without a credit (with the site's root).
OWN_PHOTOS = "PG408 own photos without credit"


def social_findings(ctx: CheckContext, refs: Sequence[Ref]) -> Iterator[Finding]:
    for ref in refs:
        if ref.kind == "social":
            shown = quote(shorten(ctx.text[ref.start : ref.end]), ctx.msg_lang)
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


@dataclass(frozen=True, slots=True)
class _Invalid:
    start: int
    end: int
    source: str


def invalid_sources(ctx: CheckContext, settings: Settings) -> list[_Invalid]:
    """``Quelle: Internet``, ``Foto: Google``, ``via Pinterest``, a bare ``Quelle: Wikipedia``.

    Looks only after credit labels and after "via", so it costs little on prose. "via" counts
    only where it credits: heading its line, on a credit line, or beside an image ("login via
    Google" and "via the web interface" are not sources).
    """
    text = ctx.text
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
            if (pos == 0 or not text[pos - 1].isalnum()) and _credits_here(ctx, pos):
                starts.append((pos, pos + 3))
            pos = text.find(needle, pos + 1)
    for start, after in sorted(starts):
        m = settings.invalid.match(text, after)
        if m is None or (m.group("bare") and not _BARE_REST.match(text, m.end())):
            continue
        named = text[m.start("src") : m.start("src") + 40].casefold()
        if any(named.startswith(v) for v in settings.valid_sources):
            continue
        found.append(_Invalid(start, m.end(), m.group("src")))
    return found


def _credits_here(ctx: CheckContext, pos: int) -> bool:
    """Whether ``pos`` is in credit context: heading its line, on a credit line, or beside an image."""
    text = ctx.text
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:pos].strip(" \t*_>-–—•·|([,;"):
        return True
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    if any(c.start < line_end and c.end > line_start for c in ctx.structure.credits):
        return True
    lo = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    hi = text.find("\n", line_end + 1)
    hi = len(text) if hi < 0 else hi
    return any(i.start < hi and i.end > lo for i in ctx.structure.images)


def invalid_message(ctx: CheckContext, m: _Invalid) -> tuple[int, int, str]:
    shown = quote(ctx.text[m.start : m.end], ctx.msg_lang)
    src = m.source
    msg = ctx.message(
        en=f"{shown} names no author: {src} is where you found it, not who made it. Credit the author "
        "(and the licence), e.g. “Photo: Name / source, licence”.",
        de=f"{shown} nennt keinen Urheber: {src} ist der Fundort, nicht der Urheber. Den Urheber (und die "
        "Lizenz) nennen, z. B. „Foto: Name / Quelle, Lizenz“.",
    )
    return m.start, m.end, msg
