"""Human output in the style of ruff and rustc: location, rule, message, the line, a caret underline."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import click

from postguard.formatters import RenderOptions
from postguard.lines import LineIndex
from postguard.model import Report, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _width(s: str) -> int:
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def render(reports: Sequence[Report], options: RenderOptions, /) -> str:
    color, lang = options.color, options.lang

    def st(text: str, **kw: object) -> str:
        return click.style(text, **kw) if color else text  # type: ignore[arg-type]

    out: list[str] = []
    counts = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}
    files_with = 0
    for report in reports:
        if report.error:
            out.append(
                f"{st(report.name, bold=True)}: {st('input error', fg='red', bold=True)}: {report.error}"
            )
            continue
        if report.findings:
            files_with += 1
        index = LineIndex(report.source)
        for f in report.findings:
            counts[f.severity] += 1
            line, col = index.position(f.start)
            end_line, end_col = index.position(max(f.start, f.end - 1))
            text = index.line_text(line)
            where = f"{report.name}:{line}:{col}:"
            if f.image is not None and f.end <= f.start:  # about the picture or its file, not a text span
                where = f"{report.name}:"
            head = (
                f"{st(where, bold=True)} "
                f"{st(f.rule_id, fg=_COLOURS[f.severity], bold=True)} "
                f"{st('[' + f.severity.value + ']', fg=_COLOURS[f.severity])} {f.message}"
            )
            out.append(head)
            gutter = " " * len(str(line))
            if f.image is not None:
                box = f" at x={f.box[0]}, y={f.box[1]}, {f.box[2]}x{f.box[3]} px" if f.box else ""
                label = "Bild" if lang == "de" else "image"
                out.append(f"{gutter} {st('=', fg='blue')} {label}: {f.image}{box}")
                if f.end <= f.start:
                    out.append("")
                    continue
            shown = text.replace("\t", " ")
            underline_end = end_col if end_line == line else len(text) + 1
            pad = _width(shown[: col - 1])
            marks = max(1, _width(shown[col - 1 : underline_end]))
            out.append(f"{gutter} {st('|', fg='blue')}")
            out.append(f"{st(str(line), fg='blue')} {st('|', fg='blue')} {shown}")
            out.append(f"{gutter} {st('|', fg='blue')} {' ' * pad}{st('^' * marks, fg=_COLOURS[f.severity])}")
            if f.replacements:
                label = "Vorschlag" if lang == "de" else "fix"
                shown_fixes = ", ".join(f"“{r}”" if r else "(delete)" for r in f.replacements)
                out.append(f"{gutter} {st('=', fg='blue')} {label}: {shown_fixes}")
            out.append("")
    for r in reports:
        skipped = r.language is None and r.error is None  # an empty input: a note only when verbose
        if r.notices and (options.verbose or not (skipped or options.quiet)):
            out += [f"{st(r.name, bold=True)}: note: {note}" for note in r.notices]
    total = sum(counts.values())
    errors = sum(1 for r in reports if r.error)
    if total and not options.quiet:
        parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
        parts.reverse()
        checked = sum(1 for r in reports if not r.error)
        plural = "s" if total != 1 else ""
        if files_with == checked:
            where = f"{files_with} input{'s' if files_with != 1 else ''}"
        else:
            where = f"{files_with} of {checked} inputs"
        out.append(f"Found {total} problem{plural} ({', '.join(parts)}) in {where}.")
    elif not errors and not options.quiet:
        out.append(st("No problems found.", fg="green"))
    if errors:
        out.append(f"{errors} input{'s' if errors != 1 else ''} could not be checked.")
    return "\n".join(out)
