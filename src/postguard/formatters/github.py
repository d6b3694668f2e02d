"""GitHub Actions workflow commands: one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=PG101 confidential-codename::MESSAGE``

``error`` and ``warning`` keep their names, ``info`` becomes ``notice``. Columns
are 1-based UTF-16 code units (as in SARIF); ``endColumn`` is the column after
the last character. Values are escaped as the runner expects: ``%``, ``\\r`` and
``\\n`` everywhere, ``:`` and ``,`` also in properties. A report that could not be
checked becomes an ``::error`` for its file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from postguard.formatters import RenderOptions
from postguard.formatters.sarif import relative_path
from postguard.lines import LineIndex
from postguard.model import Report, Severity

COMMANDS: Mapping[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: Sequence[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name} {props}::{escape_data(message)}"


def render(reports: Sequence[Report], options: RenderOptions, /) -> str:
    rules = options.rules
    out: list[str] = []
    for report in reports:
        path = relative_path(report.name)
        if report.error:
            out.append(_command("error", [("file", path), ("title", "postguard: input error")], report.error))
            continue
        lines = LineIndex(report.source)
        for finding in report.findings:
            line, col = lines.utf16_position(finding.start)
            end_line, end_col = lines.utf16_position(max(finding.end, finding.start))
            rule = rules.get(finding.rule_id)
            name = finding.rule_name or (rule.name if rule else "")
            title = f"{finding.rule_id} {name}".strip()
            properties: list[tuple[str, object]] = [
                ("file", path),
                ("line", line),
                ("col", col),
                ("endLine", end_line),
                ("endColumn", end_col),
                ("title", title),
            ]
            out.append(_command(COMMANDS[finding.severity], properties, finding.message))
    return "\n".join(out)
