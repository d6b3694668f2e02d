"""Images through the pipeline: bytes -> facts (OCR, hash, metadata) -> checks -> findings with boxes.

The text in an image (OCR, plus the metadata values, one per line) is checked
by the same ``postguard_check`` plugins as any draft; each finding then gets
the image's name and the box of its words, or, for a finding in a metadata
value, the field's name in front of its message. What only pictures have
(hash, GPS, credit fields) goes to the ``postguard_check_image`` plugins.

:func:`lint_image` checks one image file or upload; :func:`image_findings`
(called by :func:`postguard.pipeline.lint`) checks the local images a Markdown
or HTML post shows and adds their findings on the span of each reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from postguard.engine import Engine, Selection
from postguard.errors import InputError
from postguard.images import ImageError, ImageFacts, analyse
from postguard.images.refs import Accept, embedded_bytes, find_refs, head_end, is_embedded, resolve
from postguard.messages import in_language
from postguard.model import Draft, Extracted, Finding, Report

#: Reads the bytes a reference names; raises :class:`InputError` when it cannot.
Loader = Callable[[str], bytes]

#: An image a post shows could not be read. A rule of the core (``imagelint.rules.toml`` beside this
#: module, registered by the engine), so it can be listed, explained, disabled and re-rated.
UNREADABLE = "PG806"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageOptions:
    """How a draft's images are judged: the draft's own channel, kind, language and time."""

    channel: str | None = None
    kind: str | None = None
    lang: str | None = None
    publish_at: datetime | None = None
    now: datetime | None = None
    selection: Selection | None = None
    ocr: bool = True
    cache: Path | None = None
    #: Which references of a post are followed: local files and ``data:`` URLs (``None``) or, on
    #: the server, only ``data:`` URLs (:func:`postguard.images.refs.is_embedded`).
    refs: Accept | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageResult:
    """The checked text of one image (OCR and metadata lines) and its findings."""

    facts: ImageFacts
    text: str
    findings: tuple[Finding, ...]
    language: str


def checked_text(facts: ImageFacts) -> tuple[str, list[tuple[int, int, str]]]:
    """OCR text, then each metadata value on its own line; returns the ranges of the values and labels."""
    text = facts.ocr.text if facts.ocr else ""
    ranges: list[tuple[int, int, str]] = []
    for field in facts.metadata.fields:
        text += "\n\n" if text else ""
        ranges.append((len(text), len(text) + len(field.value), field.label))
        text += field.value
    return text, ranges


def check_facts(engine: Engine, facts: ImageFacts, options: ImageOptions) -> ImageResult:
    """Run the text checks on the image's text and the image checks on its facts."""
    text, ranges = checked_text(facts)
    draft = Draft(
        text=text,
        lang=options.lang if options.lang in ("de", "en") else None,
        channel=options.channel or engine.config.channel,
        kind=options.kind or engine.config.kind,
        publish_at=options.publish_at,
        path=facts.name,
    )
    findings: list[Finding] = []
    language = draft.lang or "en"
    if text.strip():
        result = engine.check(draft, Extracted(text=text), now=options.now, selection=options.selection)
        language = result.language
        for f in result.findings:
            findings.append(_place(f, facts, ranges))
    draft = replace(draft, lang=language)
    findings.extend(engine.check_image(facts, draft, now=options.now, selection=options.selection))
    findings.sort(key=lambda f: (f.start, f.end, f.rule_id))
    return ImageResult(facts=facts, text=text, findings=tuple(findings), language=language)


def _place(f: Finding, facts: ImageFacts, ranges: Sequence[tuple[int, int, str]]) -> Finding:
    for start, end, label in ranges:
        if start <= f.start < end + 1:
            return replace(f, image=facts.name, message=f"{label}: {f.message}", replacements=())
    box = facts.ocr.box_of(f.start, f.end) if facts.ocr else None
    # a replacement text cannot be typed into pixels: image findings suggest none
    return replace(f, image=facts.name, box=(box.x, box.y, box.w, box.h) if box else None, replacements=())


def lint_image(engine: Engine, data: bytes, *, name: str, options: ImageOptions | None = None) -> Report:
    """Check one image; an unreadable image is a report with ``error`` set."""
    options = options or ImageOptions()
    try:
        facts = analyse(data, name, ocr=options.ocr, cache=options.cache)
    except ImageError as exc:
        return Report(name=name, source="", error=str(exc).removeprefix(f"{name}: "))
    result = check_facts(engine, facts, options)
    notices = (facts.ocr_skipped,) if facts.ocr_skipped and options.ocr else ()
    return Report(
        name=name, source=result.text, findings=result.findings, language=result.language, notices=notices
    )


def file_loader(post: Path, root: Path | None) -> Loader:
    """A loader for references of the post at ``post``: local files and ``data:`` URLs, size-checked."""
    from postguard.images import MAX_BYTES

    embedded = embedded_loader(MAX_BYTES)

    def load(src: str) -> bytes:
        if is_embedded(src):
            return embedded(src)
        path = resolve(src, post, root)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise InputError(f"{src}: image too large (over {MAX_BYTES // 1_048_576} MB)")
            return path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{src}: no such file") from None
        except OSError as exc:
            raise InputError(f"{src}: cannot read ({exc.strerror or exc})") from None

    return load


def embedded_loader(max_bytes: int) -> Loader:
    """A loader for ``data:image/...;base64,`` references: the picture is in the text itself."""

    def load(src: str) -> bytes:
        try:
            return embedded_bytes(src, max_bytes)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    return load


def image_findings(
    engine: Engine,
    source: str,
    fmt: str,
    findings: Sequence[Finding],
    loader: Loader,
    options: ImageOptions,
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """``findings`` plus those of the images ``source`` references, on each reference's span.

    ``options.refs`` picks the references (local files by default; ``is_embedded`` for ``data:``
    URLs, whose findings end at the URL's ``,``). Each image is read and analysed once, however
    often it is referenced. Returns the findings and the notices to show (OCR skipped here).
    """
    if fmt not in ("markdown", "html"):
        return tuple(findings), ()
    refs = find_refs(source, fmt, options.refs)
    if not refs:
        return tuple(findings), ()
    found: list[Finding] = list(findings)
    checked: dict[str, ImageResult | str] = {}
    for ref in refs:
        if ref.src not in checked:
            checked[ref.src] = _check_ref(engine, ref.src, loader, options)
        outcome = checked[ref.src]
        end = head_end(source, ref)
        match = source[ref.start : end]
        shown = ref.src if end == ref.end else "embedded image"
        if isinstance(outcome, str):
            found.extend(_unreadable(engine, outcome, ref.start, end, match, shown, options))
            continue
        for f in outcome.findings:
            found.append(replace(f, start=ref.start, end=end, match=match, image=shown))
    found.sort(key=lambda f: (f.start, f.end, f.rule_id))
    skipped = [r.facts.ocr_skipped for r in checked.values() if isinstance(r, ImageResult)]
    notices = tuple(dict.fromkeys(why for why in skipped if why and options.ocr))
    return tuple(found), notices


def _check_ref(engine: Engine, src: str, loader: Loader, options: ImageOptions) -> ImageResult | str:
    name = src if len(src) <= 200 else "embedded image"
    try:
        facts = analyse(loader(src), name, ocr=options.ocr, cache=options.cache)
    except InputError as exc:
        return str(exc).removeprefix(f"{src}: ").removeprefix(f"{name}: ")
    return check_facts(engine, facts, options)


def _unreadable(
    engine: Engine, why: str, start: int, end: int, match: str, src: str, options: ImageOptions
) -> list[Finding]:
    sel = (
        engine.merge(engine.base_selection, options.selection) if options.selection else engine.base_selection
    )
    rule = engine.rules.get(UNREADABLE)
    if rule is None or UNREADABLE in sel.disabled:
        return []
    lang = options.lang or engine.config.messages_lang or ""
    msg = in_language(lang, en=f"Image not checked: {why}.", de=f"Bild nicht geprüft: {why}.")
    severity = (sel.severity or {}).get(UNREADABLE)
    return [rule.finding(msg, start=start, end=end, match=match, severity=severity, image=src)]
