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

from collections.abc import Iterator

from postguard.plugin import (
    CheckContext,
    Finding,
    PackSet,
    RuleDoc,
    RuleInfo,
    Severity,
    hookimpl,
    load_rules,
    overlaps,
    quote,
)

from .common import (
    EDITORIAL,
    INVALID,
    PLUGIN,
    Lines,
    Settings,
    mask,
)
from .images import (
    AGENCY_CREDIT,
    CREDIT,
    CREDIT_SECTION,
    image_findings,
    image_refs,
    invalid_message,
    invalid_sources,
    social_findings,
)
from .licences import creative_commons
from .quotations import blockquote_findings, quotation_findings
from .settings import parse_copyright, prepare


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("copyright", parse_copyright)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


@hookimpl
def postguard_prepare(packs: PackSet) -> tuple[str, Settings]:
    return __name__, prepare(packs)


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.text
    business = ctx.channel is not None and ctx.channel.business
    settings: Settings = ctx.prepared[__name__]
    lines: Lines | None = None

    def get_lines() -> Lines:
        nonlocal lines
        if lines is None:
            lines = Lines(text)
        return lines

    urls = ctx.urls
    low = text.lower()
    refs = image_refs(ctx, urls, settings, low)
    masked = mask(text, [(r.start, r.end) for r in refs] + urls) if refs or urls else text
    unref = mask(text, [(r.start, r.end) for r in refs]) if refs else text
    invalid = invalid_sources(ctx, settings)
    for inv in invalid:
        yield ctx.finding(INVALID, *invalid_message(ctx, inv))
    if any(r.kind in ("stock", "image") for r in refs):
        bad = [(i.start, i.end) for i in invalid]
        credits = [c.start() for c in CREDIT.finditer(unref) if not overlaps(bad, c.start(), c.start() + 1)]
        slash = unref.find("/")
        while slash > 0:
            j = slash - 1
            while j > 0 and unref[j] in " \t":
                j -= 1
            if unref[j].isalpha() and AGENCY_CREDIT.match(unref, slash):
                credits.append(slash)
            slash = unref.find("/", slash + 1)
        section = CREDIT_SECTION.search(unref) is not None
        yield from image_findings(ctx, refs, credits, section, business, get_lines(), settings)
    yield from social_findings(ctx, refs)
    if "CC" in text or any(k in low for k in ("reative", "ommons", "flickr", "cc-by", "cc by")):
        yield from creative_commons(ctx, masked, business, get_lines(), settings)
    if business:
        for ed in settings.editorial.finditer(text):
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
        yield from quotation_findings(ctx, settings)
        yield from blockquote_findings(ctx, settings)


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
