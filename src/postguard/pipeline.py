"""``lint()``: source text -> extraction -> engine (spaCy doc, rule plugins) -> suppression -> Report."""

from __future__ import annotations

from datetime import datetime

from postguard.engine import Engine, Selection
from postguard.errors import InputError
from postguard.extract import extract
from postguard.model import Draft, Extracted, Finding, Report, RuleInfo


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
) -> Report:
    """Check one source text and return its :class:`Report`.

    Explicit arguments win over what the source's front matter says, which
    wins over the config's defaults. ``extracted`` replaces the extraction
    step when the caller already knows the prose (e.g. LanguageTool's
    ``data`` annotations).
    """
    if extracted is None:
        extracted = extract(source, path=path, fmt=fmt, formats=engine.formats)
    meta = extracted.metadata
    if publish_at is None and meta.get("publish_at"):
        publish_at = parse_moment(meta["publish_at"], f"{name}: front matter publish_at")
    wanted = lang if lang in ("de", "en") else (meta.get("lang") or engine.config.lang)
    draft = Draft(
        text=source,
        lang=_language_code(wanted),
        channel=channel or meta.get("channel") or engine.config.channel,
        kind=kind or meta.get("kind") or engine.config.kind,
        publish_at=publish_at,
        path=path,
    )
    result = engine.check(draft, extracted, now=now, selection=selection)
    findings = result.findings
    suppressed = 0
    if "postguard-" in source:
        findings, suppressed = _suppress(engine, findings, source, report_unused_suppressions, selection)
    return Report(
        name=name, source=source, findings=findings, language=result.language, suppressed=suppressed
    )


def _language_code(value: str | None) -> str | None:
    """``de``/``en`` from ``de``, ``de-DE``, ``en_US``...; ``None`` (detect) for anything else."""
    base = (value or "").replace("_", "-").split("-")[0].lower()
    return base if base in ("de", "en") else None


def _suppress(
    engine: Engine,
    findings: tuple[Finding, ...],
    source: str,
    report_unused: bool,
    selection: Selection | None,
) -> tuple[tuple[Finding, ...], int]:
    """Apply inline suppressions; report malformed directives (PG002) and, if asked, unused ones (PG001)."""
    from postguard.checks.suppressions import INVALID, UNUSED
    from postguard.suppress import apply_suppressions

    known = {k for r in engine.rules.values() for k in (r.id, r.name, r.category)}
    outcome = apply_suppressions(findings, source, known=known)
    extra: list[Finding] = []
    disabled = (
        engine.merge(engine.base_selection, selection).disabled
        if selection
        else engine.base_selection.disabled
    )
    if INVALID not in disabled:
        rule = engine.rules[INVALID]
        for p in outcome.problems:
            extra.append(_meta_finding(rule, p.message, p.start, p.end, source))
    if report_unused and UNUSED not in disabled:
        rule = engine.rules[UNUSED]
        for u in outcome.unused:
            what = ", ".join(u.rules) if u.rules else "any rule"
            s = u.suppression
            extra.append(
                _meta_finding(rule, f"This suppression of {what} matched nothing.", s.start, s.end, source)
            )
    kept = tuple(sorted((*outcome.kept, *extra), key=lambda f: (f.start, f.end, f.rule_id)))
    return kept, len(outcome.suppressed)


def _meta_finding(rule: RuleInfo, message: str, start: int, end: int, source: str) -> Finding:
    end = max(end, start + 1)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        category=rule.category,
        severity=rule.severity,
        message=message,
        start=start,
        end=end,
        match=source[start:end],
    )
