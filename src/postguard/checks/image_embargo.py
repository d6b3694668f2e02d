"""Built-in check: embargoed pictures (press photos, product shots, collection looks).

An ``[[embargo]]`` entry may list ``images`` (files beside the pack, hashed
when the pack loads) or ``image_hashes``. Until the lift time, a picture whose
perceptual hash is within :data:`~postguard.plugin.IMAGE_MATCH_THRESHOLD` bits
of one of them is an error, whether resized, recompressed, recoloured, filtered
or cropped by up to about 20%. The message never names the entry: the caller
sent a picture, not the product's name, and pack terms stay secret.
"""

from __future__ import annotations

from collections.abc import Iterator

from postguard.plugin import (
    IMAGE_MATCH_THRESHOLD,
    Finding,
    ImageContext,
    hookimpl,
    image_distance,
    load_rules,
    note_text,
    under_embargo,
)

RULE_ID = "PG801"


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    register(RULE)


@hookimpl
def postguard_check_image(ctx: ImageContext) -> Iterator[Finding]:
    best: tuple[int, int] | None = None  # (distance, entry index)
    for n, entry in enumerate(ctx.packs.embargo):
        if not entry.image_hashes or ctx.moment >= entry.until:
            continue
        d = image_distance(ctx.image.phash, entry.image_hashes)
        if d <= IMAGE_MATCH_THRESHOLD and (best is None or d < best[0]):
            best = (d, n)
    if best is None:
        return
    distance, n = best
    entry = ctx.packs.embargo[n]
    lang = ctx.msg_lang
    what = ctx.message(en="This picture", de="Dieses Bild")
    msg = under_embargo(what, entry.until, ctx.moment, lang, scheduled=ctx.scheduled)
    msg += " " + ctx.message(
        en=f"It matches a picture in the rule pack ({distance} of 64 bits differ).",
        de=f"Es gleicht einem Bild im Regelpaket ({distance} von 64 Bits verschieden).",
    )
    if entry.note:
        msg = f"{msg} {note_text(entry.note, lang)}"
    confidence = 1.0 - distance / (2 * (IMAGE_MATCH_THRESHOLD + 1))
    yield ctx.finding(RULE_ID, msg, confidence=confidence, severity=entry.severity)


RULE = load_rules(__name__)[0]
