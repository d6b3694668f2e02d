"""Built-in check: products and news under embargo.

Reads the ``[[embargo]]`` entries of the loaded rule packs. Before an
embargo lifts, every mention of the name or an alias is an error naming the
lift time and how long remains; afterwards, nothing. The moment judged is the
draft's scheduled publication time when it has one, else now.
"""

from __future__ import annotations

from collections.abc import Iterator

from postguard.plugin import (
    CheckContext,
    Finding,
    RuleDoc,
    RuleInfo,
    Severity,
    format_duration,
    format_moment,
    format_remaining,
    hookimpl,
    note_text,
    quote,
)

RULE_ID = "PG201"


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    register(RULE)


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    packs = ctx.packs
    if not packs.embargo:
        return
    for m in packs.embargo_index.find(ctx.pieces):
        entries = [packs.embargo[int(str(r))] for r in m.refs]
        live = [e for e in entries if ctx.moment < e.until]
        if not live:
            continue
        entry = max(live, key=lambda e: e.until)
        lang = ctx.msg_lang
        until = entry.until
        remaining = format_remaining(until - ctx.moment, lang)
        what = quote(entry.name, lang)
        shown = ctx.text[m.start : m.end]
        via = "" if shown.casefold() == entry.name.casefold() else f" ({quote(shown, lang)})"
        when = format_moment(until, lang)
        if ctx.scheduled:
            early = format_duration(until - ctx.moment, lang)
            planned = format_moment(ctx.moment, lang)
            msg = ctx.message(
                en=f"{what}{via} is under embargo until {when}; the post is scheduled for {planned}, "
                f"{early} too early.",
                de=f"{what}{via} steht unter Sperrfrist bis {when}; der Beitrag ist für {planned} geplant, "
                f"{early} zu früh.",
            )
        else:
            msg = ctx.message(
                en=f"{what}{via} is under embargo until {when} ({remaining}).",
                de=f"{what}{via} steht unter Sperrfrist bis {when} ({remaining}).",
            )
        if entry.note:
            msg = f"{msg} {note_text(entry.note, ctx.msg_lang)}"
        yield ctx.finding(RULE_ID, m.start, m.end, msg, confidence=m.confidence, severity=entry.severity)


RULE = RuleInfo(
    id=RULE_ID,
    name="embargo",
    category="embargo",
    severity=Severity.ERROR,
    plugin="postguard.checks.embargo",
    docs={
        "en": RuleDoc(
            name="Under embargo",
            what="Finds products and news listed in `[[embargo]]` entries (name and aliases, with the "
            "same tolerance for spelling as codenames) until their `until` time. A scheduled post is judged "
            "at its publication time.",
            why="Announcing before the lift breaks agreements with press and partners and can spoil a launch "
            "planned for a trade fair.",
            fix="Schedule the post for after the embargo lifts, or leave the product out.",
            example="Der Trekker T5 kommt bald!",
        ),
        "de": RuleDoc(
            name="Sperrfrist",
            what="Findet Produkte und Neuigkeiten aus `[[embargo]]`-Einträgen (Name und Aliasse, mit "
            "derselben Toleranz wie bei Projektnamen) bis zu ihrem `until`-Zeitpunkt. Ein geplanter Beitrag "
            "wird zu seinem Veröffentlichungszeitpunkt beurteilt.",
            why="Eine Ankündigung vor Ablauf der Sperrfrist bricht Absprachen mit Presse und Partnern und "
            "kann einen Messestart verderben.",
            fix="Den Beitrag für nach der Sperrfrist planen oder das Produkt weglassen.",
            example="Der Trekker T5 kommt bald!",
        ),
    },
)
