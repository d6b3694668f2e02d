"""Built-in check: the imprint (Impressum, § 5 DDG / § 18 MStV).

A business profile, article or page must reference the imprint: a configured
imprint URL, or an accepted label ("Impressum", "Anbieterkennzeichnung",
"Kontakt", "Imprint", "Legal notice") with a link. Posts inherit the
profile's imprint unless the channel sets ``imprint_on_posts = true``; an
employee's private account owes none. Independent of the channel, citations
of the repealed § 5 TMG and § 55 RStV are flagged with their successors.

An article or post of a site (a file below a repository or site root, see
``ctx.site``) is covered by the site's layout, which links the imprint on
every page, when the site has its own imprint page (a file named as in
``page_names``: ``impressum.md``, ``imprint.html``, ``legal-notice/index.md``
…) or a pack names the imprint the layout links (``layout_url``). A site with
neither is reported once, on its home page, not on every article;
``each_article = true`` asks every article for its own link. Profiles and
pages must always carry the link themselves.

Reads the ``[imprint]`` pack section; the default pack brings the label lists
and page names (see rules/default.toml), later packs add to them or replace them::

    [imprint]
    urls = ["https://www.nordkap.example/impressum"]   # the imprint page(s)
    labels = ["Impressum & Datenschutz"]              # more accepted link labels
    weak_labels = ["Rechtliches"]                     # more labels that hide an imprint
    page_names = ["rechtliches"]                      # more file names of an imprint page
    layout_url = "https://www.nordkap.example/impressum"  # every article's footer links it
    each_article = false                              # true: every article links the imprint itself
    replace = ["weak_labels"]                         # this pack's list replaces the earlier ones
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from postguard.plugin import (
    URL_CHARS,
    CheckContext,
    Finding,
    PackSet,
    Table,
    Where,
    expect_bool,
    expect_str,
    fields,
    hookimpl,
    load_rules,
    merged,
    quote,
    section,
)

PLUGIN = "postguard.checks.imprint"
MISSING, WEAK, HOME, CITATION = "PG301", "PG302", "PG303", "PG304"
REQUIRED_KINDS = ("profile", "article", "page")

LISTS = ("urls", "labels", "weak_labels", "page_names")
#: Kinds a site's layout (its footer) covers when the repository has an imprint page.
LAYOUT_KINDS = ("article", "post")
# Links in prose: with a scheme, starting with www., or a bare host with a path (nordkap.example/impressum).
_URL = regex.compile(
    rf"(?i)(?:https?://|www\.){URL_CHARS}+|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{{2,24}}/{URL_CHARS}*"
)
_BOUNDARY = regex.compile(r"[.!?|·•;]\s|[|·•;]|\n")
_IMPRINT_PATH = regex.compile(r"(?i)impressum|imprint|legal[-_]?notice|anbieterkennzeichnung|/legal(?:/|$)")
_ABSOLUTE = regex.compile(r"(?i)https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d+)?(?:/\S*)?")
# The draft is the imprint itself: a heading "Impressum" or a citation of the imprint duty.
_OWN_IMPRINT = regex.compile(
    r"(?im)^[\s#*_>|]*(?:impressum|imprint|legal\s+notice|anbieterkennzeichnung)[\s*_:|]*$"
    r"|(?:§|Sec(?:t(?:ion)?)?\.?)\s*(?:5\s*(?:Abs\.\s*\d+\s*)?(?:DDG|TMG|ECG)|18\s*(?:Abs\.\s*\d+\s*)?MStV|55\s*(?:Abs\.\s*\d+\s*)?RStV)"
)
_OWN_WORDS = ("impressum", "imprint", "legal notice", "anbieterkennzeichnung")
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/de", "/en", "/home", "/start"})

# § 5 TMG -> § 5 DDG, § 55 RStV -> § 18 MStV (both 2024); "§5 TMG", "§ 55 Abs. 2 RStV", "Sec. 5 TMG".
_SECTION = r"(?:§|Sec(?:t(?:ion)?)?\.?|Section|Paragraph)"
_SUB = (
    r"(?P<sub>(?:\s*(?:Abs(?:atz|\.)?|para\.?|subs?\.?)\s*\d+)?(?:\s*(?:S(?:atz|\.)|sentence)\s*\d+)?"
    r"(?:\s*(?:Nr\.?|no\.?)\s*\d+)?)"
)
_TMG = regex.compile(
    rf"{_SECTION}\s*5{_SUB}\s*(?:(?:des\s+|of\s+the\s+)?(?:TMG|Telemediengesetz(?:es)?|Telemedia\s+Act))\b"
)
_RSTV = regex.compile(
    rf"{_SECTION}\s*55{_SUB}\s*(?:(?:des\s+|of\s+the\s+)?(?:RStV|Rundfunkstaatsvertrag(?:es|s)?))\b"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImprintSpec:
    """The ``[imprint]`` section of one pack."""

    urls: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    weak_labels: tuple[str, ...] = ()
    page_names: tuple[str, ...] = ()
    layout_url: str = ""
    each_article: bool | None = None
    replace: tuple[str, ...] = ()


def _absolute(url: str, where: Where) -> str:
    if not _ABSOLUTE.fullmatch(url.strip()):
        raise where.error(f"{url!r} is not an absolute web address (write https://www.example.com/impressum)")
    return url.strip()


_URL_ITEM = {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}
IMPRINT = Table(
    {
        "urls": fields.strings("The imprint page(s): absolute http(s) URLs.", item=_URL_ITEM),
        "labels": fields.terms("Accepted imprint link labels (the default pack lists the built-in ones)."),
        "weak_labels": fields.terms("Link labels that do not announce an imprint (“Info”, “Mehr”)."),
        "page_names": fields.terms("File names (without extension) of a repository's own imprint page."),
        "layout_url": fields.Key(
            fields.described(_URL_ITEM, "The imprint page the site's layout links on every article."),
            expect_str,
        ),
        "each_article": fields.Key(
            {
                "type": "boolean",
                "description": "true: every article of a site must link the imprint itself (default: a"
                " site's layout answers for its articles; a site without an imprint page is reported once,"
                " on its home page).",
            },
            expect_bool,
        ),
        "replace": fields.replace(LISTS),
    },
    description="Imprint settings (checks PG3xx); see docs/checks-imprint-copyright-disclosure.md.",
)


@section(IMPRINT)
def parse_imprint(t: dict[str, Any], where: Where) -> ImprintSpec:
    urls = tuple(_absolute(u, where.child("urls").child(i)) for i, u in enumerate(t.get("urls", ())))
    names = t.get("page_names", ())
    for i, name in enumerate(names):
        if not regex.fullmatch(r"[\w.-]+", name.strip()):
            raise (
                where.child("page_names")
                .child(i)
                .error(f"{name!r} is not a file name without extension (write impressum or legal-notice)")
            )
    return ImprintSpec(
        urls=urls,
        labels=tuple(x.strip() for x in t.get("labels", ())),
        weak_labels=tuple(x.strip() for x in t.get("weak_labels", ())),
        page_names=tuple(x.strip().casefold() for x in names),
        layout_url=_absolute(t["layout_url"], where.child("layout_url")) if "layout_url" in t else "",
        each_article=t.get("each_article"),
        replace=t.get("replace", ()),
    )


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("imprint", parse_imprint)


@hookimpl
def postguard_prepare(packs: PackSet) -> tuple[str, Prepared]:
    specs: Sequence[ImprintSpec] = packs.sections.get("imprint", ())
    urls = merged(specs, "urls")
    normalised = tuple(normalise_url(u) for u in urls)
    return __name__, Prepared(
        url_list=urls,
        urls=normalised,
        hosts=frozenset(h for h, _ in normalised),
        accepted=_label_regex(merged(specs, "labels")),
        weak=_label_regex(merged(specs, "weak_labels")),
        page_names=frozenset(merged(specs, "page_names")),
        layout=any(s.layout_url for s in specs),
        each_article=any(s.each_article for s in specs),
    )


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


# -- links and their labels -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labelled:
    """A link as the imprint check sees it: where to point, the target, and the label it stands behind."""

    start: int
    end: int
    url: str
    label: str
    label_start: int
    label_end: int


def normalise_url(url: str) -> tuple[str, str]:
    """``(host, path)``, lower-cased, without scheme, ``www.``, query, fragment or trailing slash."""
    u = url.strip().lower()
    u = regex.sub(r"^[a-z][a-z0-9+.-]*://", "", u)
    u = regex.split(r"[?#]", u, maxsplit=1)[0]
    if u.startswith("/"):
        host, path = "", u
    else:
        host, _, rest = u.partition("/")
        path = "/" + rest
        host = host.split("@")[-1].split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    return host, path.rstrip("/")


def find_links(ctx: CheckContext) -> list[Labelled]:
    """Every link the extraction saw, with the label it stands behind.

    The label of an HTML anchor or a Markdown link is its link text; for a
    bare URL or an autolink it is the text just before it on its line
    (``Impressum: https://…``). Links in code or comments are not links.
    """
    text = ctx.text
    links: list[Labelled] = []
    prev_end = 0
    for link in ctx.structure.links:
        if link.target_end > link.target_start >= 0:
            start, end = link.target_start, link.target_end
        elif link.label_end > link.label_start >= 0:
            start, end = link.label_start, link.label_end
        else:
            start, end = link.start, link.end
        if link.kind in ("bare", "autolink"):
            ls, le = _label_before(text, start, prev_end)
            label = text[ls:le]
        else:
            label, ls, le = link.label, link.label_start, link.label_end
        if le <= ls or not label:
            ls, le, label = start, start, ""
        links.append(Labelled(start, end, link.target, label, ls, le))
        prev_end = max(prev_end, end)
    return links


def _label_before(text: str, start: int, prev_end: int) -> tuple[int, int]:
    """The words just before a bare URL on its line, back to a sentence or list boundary."""
    lo = max(prev_end, start - 60)
    if lo > start:
        return start, start
    lo = text.rfind("\n", lo, start) + 1 or lo
    window = text[lo:start]
    cut = 0
    for b in _BOUNDARY.finditer(window):
        if b.end() < len(window):
            cut = b.end()
    ls, le = lo + cut, start
    while ls < le and not text[ls].isalnum():
        ls += 1
    while le > ls and not text[le - 1].isalnum():
        le -= 1
    return ls, le


# -- the check ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """The ``[imprint]`` sections of the loaded packs, merged and compiled once."""

    url_list: tuple[str, ...]
    urls: tuple[tuple[str, str], ...]
    hosts: frozenset[str]
    accepted: Any
    weak: Any
    page_names: frozenset[str]
    layout: bool
    each_article: bool


def _label_regex(labels: tuple[str, ...]) -> Any:
    alts = sorted({r"\s+".join(regex.escape(w) for w in x.split()) for x in labels if x.split()}, key=len)
    if not alts:
        return regex.compile(r"(?!)")
    return regex.compile(r"(?i)(?<![\p{L}\p{N}])(?:" + "|".join(reversed(alts)) + r")(?![\p{L}\p{N}])")


def imprint_required(ctx: CheckContext) -> bool:
    """Whether this draft must carry an imprint reference itself."""
    ch = ctx.channel
    if ch is None or not ch.business:
        return False
    return ctx.draft.kind in REQUIRED_KINDS or (ctx.draft.kind == "post" and ch.imprint_on_posts)


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.text
    if "TMG" in text or "RStV" in text or "Tele" in text or "Rundfunk" in text:
        yield from _citations(ctx)
    if not imprint_required(ctx):
        return
    comp: Prepared = ctx.prepared[__name__]
    links = find_links(ctx)
    referenced = False
    for link in links:
        host, path = normalise_url(link.url)
        configured = (host, path) in comp.urls or (not host and any(path == p for _, p in comp.urls))
        label = link.label
        accepted = bool(label) and comp.accepted.search(label) is not None
        weak = None if accepted or not label else comp.weak.search(label)
        own_site = host in comp.hosts or not host
        if accepted and comp.urls and own_site and path in _HOME_PATHS and not configured:
            yield _home(ctx, link, host)
            referenced = True
            continue
        looks_like_imprint = configured or _IMPRINT_PATH.search(path) is not None
        if configured or accepted:
            referenced = True
        if looks_like_imprint and weak is not None:
            ws, we = link.label_start + weak.start(), link.label_start + weak.end()
            shown = quote(text[ws:we], ctx.msg_lang)
            fix = ("Impressum",) if ctx.lang == "de" else ("Legal notice", "Imprint")
            yield ctx.finding(
                WEAK,
                ws,
                we,
                ctx.message(
                    en=f"The imprint link is labelled {shown}, which doesn't say it leads to the imprint: "
                    "label it “Legal notice” or “Imprint”.",
                    de=f"Der Link zum Impressum heißt {shown}; daran erkennt niemand das Impressum: "
                    "„Impressum“ als Linktext verwenden.",
                ),
                replacements=fix,
            )
    if not referenced and not _is_the_imprint(ctx.text) and not _in_layout(ctx, comp):
        yield _missing(ctx)


def _in_layout(ctx: CheckContext, comp: Prepared) -> bool:
    """Whether the site's layout answers for this draft's imprint (articles and posts of a site only).

    A site's layout links the imprint from every page's footer, outside the Markdown postguard reads.
    So an article of a site is covered when the site has an imprint page or a pack names the imprint
    its layout links (``layout_url``). A site with neither is one problem, not one per article: it is
    reported once, on the site's home page (``index.md``, ``_index.md`` nearest the root); the other
    articles are left alone. ``each_article = true`` asks every article for its own link.
    """
    if ctx.draft.kind not in LAYOUT_KINDS or comp.each_article:
        return False
    if comp.layout:
        return True
    site = ctx.site
    if site.root is None:
        return False
    if comp.page_names and site.pages_named(comp.page_names):
        return True
    return not _is_home(ctx)


def _is_home(ctx: CheckContext) -> bool:
    path = ctx.draft.path
    if not path:
        return False
    here = str(Path(path).resolve())
    return any(str(Path(p).resolve()) == here for p in ctx.site.home_pages())


def _is_the_imprint(text: str) -> bool:
    """Whether the draft is the imprint itself (a heading "Impressum", or "§ 5 DDG")."""
    low = text.lower()
    if not ("§" in text or "sec" in low or any(w in low for w in _OWN_WORDS)):
        return False
    return _OWN_IMPRINT.search(text) is not None


def _home(ctx: CheckContext, link: Labelled, host: str) -> Finding:
    urls: tuple[str, ...] = ctx.prepared[__name__].url_list
    target = next((u for u in urls if not host or normalise_url(u)[0] == host), "")
    shown = quote(link.url, ctx.msg_lang)
    msg = ctx.message(
        en=f"The imprint link {shown} leads to the home page: link the imprint page itself"
        + (f" ({target})." if target else "."),
        de=f"Der Impressumslink {shown} führt auf die Startseite: direkt auf die Impressumsseite verlinken"
        + (f" ({target})." if target else "."),
    )
    return ctx.finding(HOME, link.start, link.end, msg, replacements=(target,) if target else ())


def _first_line(text: str, body_start: int = 0, limit: int = 100) -> tuple[int, int]:
    """The first non-blank line of the body, cut at a word boundary after ``limit`` characters."""
    if not text[body_start:].strip():
        body_start = 0
    start = body_start + len(text[body_start:]) - len(text[body_start:].lstrip())
    end = text.find("\n", start, start + limit + 1)
    if end < 0:
        end = min(len(text), start + limit)
        if end < len(text) and not text[end].isspace():
            cut = text.rfind(" ", start, end)
            end = cut if cut > start else end
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _missing(ctx: CheckContext) -> Finding:
    start, end = _first_line(ctx.text, ctx.structure.body_start)
    url = next(iter(ctx.prepared[__name__].url_list), "")
    kind = ctx.draft.kind
    channel = ctx.channel.name if ctx.channel else ""
    en_where = {
        "profile": "in the profile text (bio)",
        "article": "at the end of the article or in the page footer",
        "page": "in the footer of the page",
        "post": "in the post",
    }[kind]
    de_where = {
        "profile": "in den Profiltext (Bio)",
        "article": "ans Ende des Artikels oder in die Fußzeile",
        "page": "in die Fußzeile der Seite",
        "post": "in den Beitrag",
    }[kind]
    en_this = {"profile": "This profile", "article": "This article", "page": "This page", "post": "This post"}
    de_this = {
        "profile": "Dieses Profil",
        "article": "Dieser Artikel",
        "page": "Diese Seite",
        "post": "Dieser Beitrag",
    }
    en_add = f"“Legal notice: {url}”" if url else "“Legal notice” with a link to the imprint page"
    de_add = f"„Impressum: {url}“" if url else "„Impressum“ mit einem Link auf die Impressumsseite"
    if kind in LAYOUT_KINDS and ctx.site.root is not None and _is_home(ctx):
        return ctx.finding(
            MISSING,
            start,
            end,
            ctx.message(
                en=f"This site on the business channel {quote(channel, 'en')} has no imprint page and its "
                f"home page links none: add an imprint page (impressum.md) or {en_add}; if the layout "
                "links the imprint, name it in `[imprint] layout_url`.",
                de=f"Diese Website auf dem geschäftlichen Kanal {quote(channel, 'de')} hat keine "
                f"Impressumsseite, und ihre Startseite verlinkt keine: eine Impressumsseite (impressum.md) "
                f"oder {de_add} aufnehmen; verlinkt das Layout das Impressum, es in `[imprint] layout_url` "
                "nennen.",
            ),
        )
    return ctx.finding(
        MISSING,
        start,
        end,
        ctx.message(
            en=f"{en_this[kind]} on the business channel {quote(channel, 'en')} has no imprint: "
            f"add {en_add} {en_where}.",
            de=f"{de_this[kind]} auf dem geschäftlichen Kanal {quote(channel, 'de')} hat kein Impressum: "
            f"{de_add} {de_where} aufnehmen.",
        ),
    )


def _citations(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.text
    for pattern, law, new_no in ((_TMG, "DDG", "5"), (_RSTV, "MStV", "18")):
        for m in pattern.finditer(text):
            sub = " ".join(m.group("sub").split())
            sub = regex.sub(r"^(?:Absatz|Abs)\.?\s*", "Abs. ", sub)
            new = f"§ {new_no} {sub + ' ' if sub else ''}{law}"
            shown = quote(m.group(), ctx.msg_lang)
            yield ctx.finding(
                CITATION,
                m.start(),
                m.end(),
                ctx.message(
                    en=f"{shown} cites a repealed law: since 14 May 2024 it is {quote(new, 'en')}.",
                    de=f"{shown} zitiert ein aufgehobenes Gesetz: seit dem 14. Mai 2024 gilt "
                    f"{quote(new, 'de')}.",
                ),
                replacements=(new,),
            )


RULES = load_rules(__name__)
