"""``lint()``: source text -> extraction -> engine (spaCy doc, rule plugins) -> suppression -> Report."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from postguard.engine import Engine, Selection
from postguard.errors import InputError
from postguard.extract import extract
from postguard.masking import mask_report
from postguard.model import Draft, Extracted, Report
from postguard.suppress import suppress_findings

if TYPE_CHECKING:
    from postguard.imagelint import ImageOptions, Loader


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
    report_unused_suppressions: bool = False,
    images: Loader | None = None,
    image_options: ImageOptions | None = None,
) -> Report:
    """Check one source text and return its :class:`Report`.

    Explicit arguments win over what the source's front matter says, which
    wins over the config's defaults. ``extracted`` replaces the extraction
    step when the caller already knows the prose (e.g. LanguageTool's
    ``data`` annotations). With ``images`` (a loader of referenced files),
    the local images a Markdown or HTML source shows are checked with it
    (see :mod:`postguard.imagelint`).
    """
    if extracted is None:
        extracted = extract(source, path=path, fmt=fmt, formats=engine.formats)
    meta = extracted.metadata
    if publish_at is None and meta.get("publish_at"):
        publish_at = parse_moment(meta["publish_at"], f"{name}: front matter publish_at")
    channel = channel or meta.get("channel") or engine.config.channel
    requested = lang if lang and lang != "auto" else meta.get("lang")
    code = _language_code(requested)
    notices: tuple[str, ...] = ()
    if requested and requested != "auto" and code is None:
        code = engine.default_language(channel)
        notices = (
            f"language {requested!r} is not supported (postguard checks de and en): checked as {code}",
        )
    draft = Draft(
        text=source,
        lang=code,
        channel=channel,
        kind=kind or meta.get("kind") or engine.config.kind,
        publish_at=publish_at,
        path=path,
    )
    result = engine.check(draft, extracted, now=now, selection=selection)
    findings = result.findings
    if images is not None:
        from dataclasses import replace

        from postguard.extract import format_for
        from postguard.imagelint import ImageOptions, image_findings

        judged = replace(
            image_options or ImageOptions(),
            channel=draft.channel,
            kind=draft.kind,
            lang=draft.lang or result.language,
            publish_at=publish_at,
            now=now,
            selection=selection,
        )
        findings, image_notices = image_findings(
            engine, source, fmt or format_for(path), findings, images, judged
        )
        notices += image_notices
    suppressed = 0
    if "postguard-" in source:
        sel = engine.merge(engine.base_selection, selection) if selection else engine.base_selection
        findings, suppressed = suppress_findings(
            findings,
            source,
            rules=engine.rules,
            disabled=sel.disabled,
            report_unused=report_unused_suppressions,
        )
    report = Report(
        name=name,
        source=source,
        findings=findings,
        language=result.language,
        suppressed=suppressed,
        notices=notices,
    )
    # Secrets and personal data never leave lint() unmasked (postguard.masking).
    return mask_report(report)


def _language_code(value: str | None) -> str | None:
    """``de``/``en`` from ``de``, ``de-DE``, ``en_US``...; ``None`` (detect) for anything else."""
    base = (value or "").replace("_", "-").split("-")[0].lower()
    return base if base in ("de", "en") else None
