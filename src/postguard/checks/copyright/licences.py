"""Creative Commons licences: NC on business channels, ND with edits, credits that lack parts."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import regex

from postguard.plugin import (
    CheckContext,
    Finding,
    quote,
    trim_url,
)

from .common import (
    CC_INCOMPLETE,
    NC,
    ND,
    Lines,
    Settings,
)
from .images import CREDIT, own_file

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


# Wikimedia Commons and Flickr as the source of a work; "Wikimedia" alone is an organisation.
_CC_HOST_WORD = regex.compile(r"(?i)\b(?:wikimedia\s+commons|commons\.wikimedia\.org|flickr(?:\.com)?)\b")
# A line that speaks of a picture: a licence there is a credit, not news about a data set.
_PICTURE_WORD = regex.compile(
    r"(?i)©|\(c\)|(?<![\p{L}])(?:foto|fotos|photo|photos|bild|bilder|titelbild|beitragsbild|headerbild"
    r"|image|images|picture|pictures|grafik|illustration|abbildung|aufnahme|cover|screenshot)(?![\p{L}])"
    r"|\b(?:by|von)\s+(?-i:\p{Lu})[\p{L}.'-]+(?:\s+(?-i:\p{Lu})[\p{L}.'-]+)*\s*(?:[,/(|]|is\s+licen[cs]ed|ist\s+lizen)"
)
_CREDIT_SEGMENTS = regex.compile(r"\s*(?:[/|,;–—]|\s-\s)\s*")


_AUTHOR_LABEL = regex.compile(
    r"(?i)(?:©|\(c\))\s*(?:\d{4}\s*)?(?P<n1>[^,;|/\n]{2,60})"
    r"|\b(?:foto|photo|bild|image|picture|autor|autorin|author|urheber|urheberin|fotograf|fotografin|photographer"
    r"|credit|illustration|grafik)\s*:\s*(?P<n2>[^,;|/\n]{2,60})"
    # "by Name", also "by <a href=…>Name</a>" (the masked link target between them)
    r"|\b(?:by|von)\s+(?:(?:\x00+|(?:https?:)?//\S+)\s*)?(?P<n3>@?[\p{Lu}\w][^,;|/\n\x00]{1,60})"
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


def creative_commons(
    ctx: CheckContext, masked: str, business: bool, lines: Lines, settings: Settings
) -> Iterator[Finding]:
    text = ctx.text
    lang = ctx.msg_lang
    by_line: dict[int, list[tuple[int, int]]] = {}
    for m in _CC.finditer(text):
        by_line.setdefault(lines.line(m.start()), []).append((m.start(), m.end()))
    judged: list[tuple[int | None, Finding | None, Finding | None, Finding | None]] = []
    for line_no, spans in by_line.items():
        start, end = spans[0]
        line_start = max(lines.starts[line_no], start - _REACH)
        line_end = text.find("\n", start, start + _REACH)
        if line_end < 0:
            line_end = min(len(text), start + _REACH)
        if not credit_context(ctx, lines, settings, line_start, line_end):
            continue  # a licence in prose (a data set's, the site's own) is not an image credit
        licence = " ".join(text[a:b] for a, b in spans)
        if _CC_ZERO.search(licence):
            continue
        end = min(max(b for _, b in spans), line_end) if len(spans) == 1 else end
        end = trim_url(text, start, end)
        shown = quote(" ".join(text[start:end].split()), lang)
        own = _FIRST_PERSON.search(text, line_start, line_end) is not None
        w_start, w_end = _in_item(ctx, start, _clamp(lines.span_of_lines(start, 1, text), start))
        nc: Finding | None = None
        nd: Finding | None = None
        incomplete: Finding | None = None
        if _CC_NC.search(licence) and business and not own:
            nc = ctx.finding(
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
                nd = ctx.finding(
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
        owner = _image_of(ctx, lines, settings, start)
        if own:
            judged.append((owner, nc, nd, None))
            continue
        missing = []
        if not _has_author(masked, w_start, w_end, line_start, line_end):
            missing.append(("author", "Urheber"))
        if not _SOURCE_WORD.search(text, w_start, w_end) and not _own_gallery(
            ctx, masked, line_start, line_end
        ):
            missing.append(("source", "Quelle"))
        if missing:
            incomplete = _incomplete(ctx, start, end, shown, missing, confidence=0.8)
        judged.append((owner, nc, nd, incomplete))
    yield from _once_per_image(judged)
    # credits on Wikimedia Commons or Flickr without any licence
    if "ommons" in text or "lickr" in text:
        for m in _CC_HOST_WORD.finditer(text):
            line_no = lines.line(m.start())
            if line_no in by_line:
                continue
            w_start, w_end = _in_item(
                ctx, m.start(), _clamp(lines.span_of_lines(m.start(), 1, text), m.start())
            )
            # the licence of a multi-line credit ("CC BY-SA 3.0, / by Name / via Wikimedia Commons")
            lic_start, lic_end = _in_item(
                ctx, m.start(), _clamp(lines.span_of_lines(m.start(), 2, text), m.start())
            )
            if _CC.search(text, lic_start, lic_end):
                continue
            line_start = max(lines.starts[line_no], m.start() - _REACH)
            if not CREDIT.search(masked, line_start, w_end) and not _names_author(masked, w_start, w_end):
                continue
            shown = quote(m.group(), lang)
            yield _incomplete(ctx, m.start(), m.end(), shown, [("licence", "Lizenz")], confidence=0.8)
            by_line[line_no] = []


_REACH = 300


def _image_of(ctx: CheckContext, lines: Lines, settings: Settings, at: int) -> int | None:
    """The image a licence at ``at`` belongs to: the one whose alt text or title holds it, else the
    nearest within ``near_lines`` non-blank lines (its caption); ``None`` for none."""
    best: tuple[int, int] | None = None
    here = lines.rank[lines.line(at)]
    for k, image in enumerate(ctx.structure.images):
        if image.start <= at < image.end:
            return k
        distance = abs(lines.rank[lines.line(image.start)] - here)
        if distance <= settings.near_lines and (best is None or distance < best[0]):
            best = (distance, k)
    return best[1] if best else None


def _once_per_image(
    judged: list[tuple[int | None, Finding | None, Finding | None, Finding | None]],
) -> Iterator[Finding]:
    """The findings of each licence mention, one of each rule per image: a licence named in an image's
    alt text and again in its caption is one licence. The image's credit is incomplete (PG405) only when
    every mention of it is: a complete caption completes the alt text's bare licence."""
    seen: set[tuple[int, str]] = set()
    complete = {owner for owner, _, _, incomplete in judged if owner is not None and incomplete is None}
    for owner, *found in judged:
        for f in found:
            if f is None:
                continue
            if owner is not None:
                if (owner, f.rule_id) in seen or (f.rule_id == CC_INCOMPLETE and owner in complete):
                    continue
                seen.add((owner, f.rule_id))
            yield f


def credit_context(ctx: CheckContext, lines: Lines, settings: Settings, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a line) credits a work: a credit line, a picture word, a credit's
    shape (``Name / Source / Licence``), or an image within ``near_lines`` lines."""
    text = ctx.text
    if any(c.start < end and c.end > start for c in ctx.structure.credits):
        return True
    if _PICTURE_WORD.search(text, start, end):
        return True
    segments = [s for s in _CREDIT_SEGMENTS.split(text[start:end].strip(" \t*_>#-•")) if s.strip()]
    if len(segments) >= 2 and all(len(s.split()) <= 5 for s in segments):
        return True
    return any(lines.near(i.start, start, settings.near_lines) for i in ctx.structure.images)


def _clamp(window: tuple[int, int], at: int) -> tuple[int, int]:
    """A window of lines, cut to :data:`_REACH` characters either side of ``at`` (long lines stay cheap)."""
    return max(window[0], at - _REACH), min(window[1], at + _REACH)


def _in_item(ctx: CheckContext, at: int, window: tuple[int, int]) -> tuple[int, int]:
    """``window`` cut to the list item ``at`` stands in: a credit does not run into the next entry."""
    items = ctx.structure.list_items
    k = bisect.bisect_right(items, (at, len(ctx.text))) - 1
    if k < 0 or not items[k][0] <= at < items[k][1]:
        return window
    return max(window[0], items[k][0]), min(window[1], items[k][1])


def _names_author(masked: str, start: int, end: int) -> bool:
    """Whether an author label in ``masked[start:end]`` (“Foto: …”, “© …”, “by …”) names someone."""
    for m in _AUTHOR_LABEL.finditer(masked, start, end):
        name = (m.group("n1") or m.group("n2") or m.group("n3") or "").strip(" \t\"'„“”«»")
        if name and not _NOT_A_NAME.match(name) and _NAME.match(name):
            return True
    return False


def _has_author(masked: str, w_start: int, w_end: int, line_start: int, line_end: int) -> bool:
    if _names_author(masked, w_start, w_end):
        return True
    line = masked[line_start:line_end].strip(" \t*_>#-•")
    first = _SEGMENTS.split(line, maxsplit=1)[0].strip(" \t\"'„“”«»")
    first = regex.sub(r"(?i)^(?:foto|photo|bild|image)\s*:\s*", "", first)
    return bool(first) and not _NOT_A_NAME.match(first) and _NAME.fullmatch(first) is not None


_GALLERY_WORD = regex.compile(r"(?i)(?<![\p{L}])(?:fotos|bilder|aufnahmen|photos|pictures|images)(?![\p{L}])")
_AUTHOR_LIST = regex.compile(r"(?i)\b(?:von|by)\s+(?P<names>[^;|\n]{2,120})")
_LIST_SPLIT = regex.compile(r"\s*(?:,|\bund\b|\band\b|&)\s*")


def _own_gallery(ctx: CheckContext, masked: str, line_start: int, line_end: int) -> bool:
    """Whether a licence line credits a gallery of the site's own pictures to the people who took them
    ("### Fotoeindrücke" / "Fotos von mstock, nakaner, hafi; CC-BY 4.0" above the section's photos):
    a plural picture word, two or more authors after "von"/"by", and two or more images below it in its
    section, every one a file of the repository. The files published here are the originals, so there
    is no other source to name. A single credited picture ("Foto: Anna Berg, CC BY 4.0") may have been
    copied from elsewhere and still needs its source, as does a gallery with a hot-linked picture."""
    line = masked[line_start:line_end]
    if not _GALLERY_WORD.search(line):
        return False
    m = _AUTHOR_LIST.search(line)
    if m is None:
        return False
    names = [n for n in _LIST_SPLIT.split(_CC.split(m.group("names"))[0]) if n.strip()]
    if len(names) < 2:
        return False
    section_end = next((h.start for h in ctx.structure.headings if h.start >= line_end), len(ctx.text))
    below = [i for i in ctx.structure.images if line_end <= i.start < section_end]
    return len(below) >= 2 and all(own_file(i.src) for i in below)


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
