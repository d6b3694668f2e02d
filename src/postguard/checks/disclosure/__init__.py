"""Built-in check: advertising disclosure (§ 5a Abs. 4 UWG, FTC Endorsement Guides).

A draft that names the employer's brands or products (``[disclosure] brands``
and ``company``, plus the names of embargoed products) *and* shows a cue of
promotion (a discount code, "Rabatt", "% off", a shop link, "jetzt kaufen",
"link in bio") needs an advertising label at its start: "Werbung",
"Anzeige", "Ad", "#ad", "#werbung", "#anzeige", "#<company>employee" or a
label from ``[disclosure] labels``.

"At the start" means: the label begins within the first
:data:`START_CHARS` characters of the text, before the first promotion cue,
and is not the last thing in it (only hashtags, mentions and punctuation
after it). A label anywhere else, e.g. in a cluster of closing hashtags, is
late; "#spon", "#collab", "sponsored by", "powered by", "präsentiert von"
and the like are weak.

Applies to every kind of draft on a private account (an employee promoting
the employer must disclose it there too) and to posts on business channels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import regex

from postguard.plugin import (
    CheckContext,
    Finding,
    PackSet,
    RuleDoc,
    Severity,
    hookimpl,
    load_rules,
    quote,
)

from .cues import find_cues
from .labels import find_labels, placement, text_start
from .settings import NEAR_TOKENS, START_CHARS, Compiled, parse_disclosure, prepare

PLUGIN = "postguard.checks.disclosure"


MISSING, LATE, WEAK = "PG501", "PG502", "PG503"


WEAK_CUE_CONFIDENCE = 0.7  # findings on weak cues alone: confidence scaled by this, severity info


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("disclosure", parse_disclosure)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


@hookimpl
def postguard_prepare(packs: PackSet) -> tuple[str, Compiled | None]:
    return __name__, prepare(packs)


def _near_a_brand(ctx: CheckContext, brands: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether a span belongs with one of the brands: in a brand's sentence, or a few tokens away."""

    def near(start: int, end: int) -> bool:
        for b_start, b_end in brands:
            s_start, s_end = ctx.sentence_at(b_start)
            if s_start <= start < s_end:
                return True
            if start >= b_end:
                gap = ctx.word_index(start) - ctx.word_index(b_end)
            else:
                gap = ctx.word_index(b_start) - ctx.word_index(end)
            if abs(gap) <= NEAR_TOKENS:
                return True
        return False

    return near


def _applies(ctx: CheckContext) -> bool:
    ch = ctx.channel
    if ch is None or not ch.business:
        return True
    return ctx.draft.kind == "post"


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    comp: Compiled | None = ctx.prepared[__name__]
    if comp is None or not _applies(ctx):
        return
    text = ctx.text
    brands = comp.brands.find(ctx.pieces)
    if not brands:
        return
    near = _near_a_brand(ctx, [(b.start, b.end) for b in brands])
    cues = find_cues(text, comp, near)
    if cues is None:
        return
    brand = brands[0]
    # An employee presenting a new product with a pointer to buy ("Die neuen Trekker sind da, Link
    # in Bio!") promotes it: a warning, even though "Link in Bio" alone is only a hint.
    launch = None
    if not cues.strong and cues.pointer is not None:
        launch = next((m for m in comp.launch.finditer(text) if near(*m.span())), None)
    business = ctx.channel is not None and ctx.channel.business
    lang = ctx.msg_lang
    what = quote(text[brand.start : brand.end], lang)
    cue_text = quote(" ".join(text[cues.shown[0] : cues.shown[1]].split()), lang)
    # Only words everyday posts use too: every finding is a hint (info), at a lower confidence.
    hint = not cues.strong and launch is None
    confidence = round(brand.confidence * WEAK_CUE_CONFIDENCE, 3) if hint else brand.confidence
    hint_severity = Severity.INFO if hint else None
    de_label = ctx.lang == "de"
    labels = find_labels(text, comp)
    strong = [lb for lb in labels if not lb.weak]
    content_start = text_start(text)
    early = [lb for lb in strong if lb.start - content_start < START_CHARS]
    if any(placement(text, lb, cues.first) == "start" for lb in early):
        return
    if strong:
        lb = strong[0]
        where = placement(text, lb, cues.first)
        shown = quote(text[lb.start : lb.end], lang)
        en_where = {
            "cluster": "only at the end, in a cluster of hashtags",
            "end": "only at the end",
            "after": f"only after the promotion ({cue_text})",
            "late": f"only after the first {START_CHARS} characters",
        }[where]
        de_where = {
            "cluster": "erst am Ende zwischen anderen Hashtags",
            "end": "erst am Ende",
            "after": f"erst nach der Werbung ({cue_text})",
            "late": f"erst nach den ersten {START_CHARS} Zeichen",
        }[where]
        yield ctx.finding(
            LATE,
            lb.start,
            lb.end,
            ctx.message(
                en=f"The advertising label {shown} stands {en_where}, where readers miss it: move it to the "
                f"start of the post (“Ad: …”).",
                de=f"Die Werbekennzeichnung {shown} steht {de_where}, wo man sie übersieht: an den Anfang "
                f"des Beitrags setzen („Werbung: …“).",
            ),
            confidence=confidence,
            severity=hint_severity,
        )
        return
    weak = [lb for lb in labels if lb.weak]
    if weak:
        lb = weak[0]
        shown = quote(text[lb.start : lb.end], lang)
        at_start = placement(text, lb, cues.first) == "start"
        if not at_start:
            fix = "Werbung" if de_label else "Ad"
        elif lb.kind == "tag":
            fix = "#werbung" if de_label else "#ad"
        elif lb.kind == "by":
            fix = "Werbung für" if de_label else "Ad for"
        else:
            fix = "Werbung" if de_label else "Ad"
        move_en = "" if at_start else " at the start of the post"
        move_de = "" if at_start else " am Anfang des Beitrags"
        yield ctx.finding(
            WEAK,
            lb.start,
            lb.end,
            ctx.message(
                en=f"{shown} does not clearly say this is advertising for {what}: write "
                f"{quote(fix, 'en')}{move_en} instead.",
                de=f"{shown} kennzeichnet die Werbung für {what} nicht eindeutig: stattdessen "
                f"{quote(fix, 'de')}{move_de} schreiben.",
            ),
            replacements=(fix,) if at_start else (),
            confidence=confidence,
            severity=hint_severity,
        )
        return
    start = text_start(text, ctx.structure.body_start)
    word = regex.match(r"\S{1,60}", text, pos=start)
    end = word.end() if word else min(len(text), start + 1)
    label = "Werbung" if de_label else "Ad"
    if business:
        en_why, de_why = "", ""
    else:
        en_why = " Employees promoting their employer must disclose it on private accounts too."
        de_why = " Wer für den eigenen Arbeitgeber wirbt, muss das auch privat kennzeichnen."
    severity: Severity | None
    if launch is not None:
        message = ctx.message(
            en=f"This post presents {what} as new and points to where to buy it ({cue_text}): that is "
            f"promotion and needs an advertising label: start it with {quote(label, 'en')}.{en_why}",
            de=f"Dieser Beitrag stellt {what} als neu vor und verweist zum Kauf ({cue_text}): das ist "
            f"Werbung und muss gekennzeichnet sein: mit {quote(label, 'de')} beginnen.{de_why}",
        )
        severity = Severity.WARNING
    elif cues.strong:
        message = ctx.message(
            en=f"This post promotes {what} ({cue_text}) but has no advertising label: start it with "
            f"{quote(label, 'en')}.{en_why}",
            de=f"Dieser Beitrag wirbt für {what} ({cue_text}), ist aber nicht als Werbung gekennzeichnet: "
            f"mit {quote(label, 'de')} beginnen.{de_why}",
        )
        severity = Severity.WARNING if business else None
    else:
        message = ctx.message(
            en=f"If this post promotes {what} ({cue_text}), it needs an advertising label: start it with "
            f"{quote(label, 'en')}.{en_why}",
            de=f"Falls dieser Beitrag für {what} wirbt ({cue_text}), muss er als Werbung gekennzeichnet "
            f"sein: mit {quote(label, 'de')} beginnen.{de_why}",
        )
        severity = hint_severity
    yield ctx.finding(
        MISSING,
        start,
        end,
        message,
        replacements=(f"{label}: {text[start:end]}",),
        confidence=confidence,
        severity=severity,
    )


def _doc(name: str, what: str, why: str, fix: str, example: str = "") -> RuleDoc:
    return RuleDoc(name=name, what=what, why=why, fix=fix, example=example)


RULES = load_rules(__name__)
