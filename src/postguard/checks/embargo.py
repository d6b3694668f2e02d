"""Built-in check: products and news under embargo.

Reads the ``[[embargo]]`` entries of the loaded rule packs. Before an
embargo lifts, every mention of the name or an alias is an error naming the
lift time and how long remains; afterwards, nothing. The moment judged is the
draft's scheduled publication time when it has one, else now.
"""

from __future__ import annotations

from collections.abc import Iterator

from postguard.plugin import CheckContext, Finding, hookimpl, load_rules, note_text, quote, under_embargo

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
        entries = [packs.embargo[r] for r in m.refs]
        live = [e for e in entries if ctx.moment < e.until]
        if not live:
            continue
        entry = max(live, key=lambda e: e.until)
        lang = ctx.msg_lang
        # only what the draft wrote: an alias must never reveal the internal name behind it
        what = quote(ctx.text[m.start : m.end], lang)
        # a hashed pack: say that the name is protected (the draft's words are all there is)
        via = ctx.message(en=", a protected name,", de=", ein geschützter Name,") if entry.protected else ""
        msg = under_embargo(f"{what}{via}", entry.until, ctx.moment, lang, scheduled=ctx.scheduled)
        if entry.note:
            msg = f"{msg} {note_text(entry.note, ctx.msg_lang)}"
        yield ctx.finding(RULE_ID, m.start, m.end, msg, confidence=m.confidence, severity=entry.severity)


RULE = load_rules(__name__)[0]
