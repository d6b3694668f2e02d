"""``lint()``: source text -> extraction -> engine (spaCy doc, rule plugins) -> suppression -> Report."""

from __future__ import annotations

from datetime import datetime

from postguard.engine import Engine, Selection
from postguard.errors import InputError
from postguard.extract import extract
from postguard.model import Draft, Extracted, Report


def parse_moment(value: str, what: str) -> datetime:
    """An ISO 8601 date-time from an option or front matter; naive means UTC."""
    from datetime import UTC

    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{what}: {value!r} is not an ISO 8601 date-time (e.g. 2027-05-04T09:00+02:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lint(
    engine: Engine,
    source: str,
    *,
    name: str = "<text>",
    path: str | None = None,
    fmt: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    lang: str | None = None,
    publish_at: datetime | None = None,
    now: datetime | None = None,
    selection: Selection | None = None,
    extracted: Extracted | None = None,
) -> Report:
    """Check one source text and return its :class:`Report`.

    Explicit arguments win over what the source's front matter says, which
    wins over the config's defaults. ``extracted`` replaces the extraction
    step when the caller already knows the prose (e.g. LanguageTool's
    ``data`` annotations).
    """
    if extracted is None:
        extracted = extract(source, path=path, fmt=fmt)
    meta = extracted.metadata
    if publish_at is None and meta.get("publish_at"):
        publish_at = parse_moment(meta["publish_at"], f"{name}: front matter publish_at")
    draft = Draft(
        text=source,
        lang=lang if lang in ("de", "en") else (meta.get("lang") or engine.config.lang),
        channel=channel or meta.get("channel") or engine.config.channel,
        kind=kind or meta.get("kind") or engine.config.kind,
        publish_at=publish_at,
        path=path,
    )
    if draft.lang not in ("de", "en"):
        draft = Draft(
            text=draft.text,
            lang=None,
            channel=draft.channel,
            kind=draft.kind,
            publish_at=draft.publish_at,
            path=draft.path,
        )
    result = engine.check(draft, extracted, now=now, selection=selection)
    findings = result.findings
    suppressed = 0
    if "postguard-" in source:
        from postguard.suppress import apply_suppressions, parse_suppressions

        outcome = apply_suppressions(findings, source, parse_suppressions(source))
        findings = tuple(outcome.kept)
        suppressed = len(outcome.suppressed)
    return Report(
        name=name, source=source, findings=findings, language=result.language, suppressed=suppressed
    )
