"""Inline suppressions, read from the source text as the author wrote it.

One syntax for every format (an HTML comment, which Markdown and HTML do not
render and which reads fine in a plain text file)::

    <!-- postguard-disable RULE[, RULE] -->          until the matching enable, or to the end
    <!-- postguard-enable RULE[, RULE] -->           ends those disables (no RULE: ends every disable)
    <!-- postguard-disable-next-line RULE -- reason -->
    text <!-- postguard-disable-line RULE -->        the line the comment starts on

A RULE is a rule id (``PG101``), a rule name (``confidential-codename``) or a
category (``confidential``), compared case-insensitively (messages show it as
written); no RULE means every rule. Anything after `` -- `` is a free-text
reason. A finding is suppressed when its start lies in a directive's scope and
a RULE matches it.

Directives are found anywhere in the source, including inside code blocks
(so a document that shows the syntax in a code block should use ``&lt;!--``).
Malformed directives are reported by :func:`directive_problems`, not ignored.

Suppression handling is part of the core, not a plugin: the rules about the
directives themselves, PG001 (unused, with ``--report-unused-suppressions``) and
PG002 (invalid, always, severity ``error`` so that a mistyped directive fails a
pre-commit hook under the default ``fail_on``), are declared in
``suppress.rules.toml`` beside this module; the engine registers them before any
plugin's rules, and :func:`suppress_findings` reports them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from postguard.lines import LineIndex
from postguard.model import Finding, RuleInfo

UNUSED = "PG001"
INVALID = "PG002"

KINDS: tuple[str, ...] = ("disable", "enable", "disable-next-line", "disable-line")

_COMMENT = re.compile(r"<!--\s*postguard-([A-Za-z-]*)(.*?)-->", re.DOTALL)
_RULE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    """One disable directive and the source range it covers (``scope_start <= finding.start < scope_end``).

    ``rules`` are the selectors as the author wrote them (compared casefolded); empty means every
    rule. ``start``/``end`` are the comment's own offsets, ``line``/``column`` its 1-based position.
    """

    kind: str
    rules: tuple[str, ...]
    reason: str
    start: int
    end: int
    line: int
    column: int
    scope_start: int
    scope_end: int

    def selector_for(self, finding: Finding) -> str | None:
        """The selector that suppresses ``finding`` (``""`` for "all rules"), or ``None``."""
        if not self.scope_start <= finding.start < self.scope_end:
            return None
        if not self.rules:
            return ""
        names = {finding.rule_id.casefold(), finding.rule_name.casefold(), finding.category.casefold()}
        for rule in self.rules:
            if rule.casefold() in names:
                return rule
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectiveProblem:
    """A ``postguard-`` comment that is not a valid directive, or an enable with nothing to end."""

    message: str
    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True, slots=True, kw_only=True)
class UnusedSuppression:
    """Selectors of a directive that suppressed nothing (``rules == ()`` for a directive without RULE)."""

    suppression: Suppression
    rules: tuple[str, ...]

    @property
    def line(self) -> int:
        return self.suppression.line

    @property
    def column(self) -> int:
        return self.suppression.column


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressionResult:
    kept: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    unused: tuple[UnusedSuppression, ...]
    problems: tuple[DirectiveProblem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Directive:
    kind: str
    rules: tuple[str, ...]
    reason: str
    start: int
    end: int


def _scan(source: str, index: LineIndex) -> tuple[list[_Directive], list[DirectiveProblem]]:
    directives: list[_Directive] = []
    problems: list[DirectiveProblem] = []

    def problem(message: str, start: int, end: int) -> None:
        line, column = index.position(start)
        problems.append(DirectiveProblem(message=message, start=start, end=end, line=line, column=column))

    for m in _COMMENT.finditer(source):
        kind = m.group(1).lower()
        body = m.group(2)
        if kind not in KINDS:
            problem(
                f"unknown directive 'postguard-{m.group(1)}' (expected one of: "
                + ", ".join(f"postguard-{k}" for k in KINDS)
                + ")",
                m.start(),
                m.end(),
            )
            continue
        if body and not body[0].isspace():
            problem(f"unknown directive 'postguard-{m.group(1)}{body.split()[0]}'", m.start(), m.end())
            continue
        spec, sep, reason = body.partition("--")
        names = [part for part in re.split(r"[\s,]+", spec.strip()) if part]
        bad = [name for name in names if not _RULE.fullmatch(name)]
        if bad:
            problem(
                f"invalid rule {bad[0]!r} in postguard-{kind} (write rule ids, names or categories "
                "separated by commas, then ' -- reason')",
                m.start(),
                m.end(),
            )
            continue
        directives.append(
            _Directive(
                kind=kind,
                rules=tuple(names),
                reason=reason.strip() if sep else "",
                start=m.start(),
                end=m.end(),
            )
        )
    return directives, problems


def _parse(
    source: str, known: Collection[str] | None = None
) -> tuple[list[Suppression], list[DirectiveProblem]]:
    index = LineIndex(source)
    directives, problems = _scan(source, index)
    suppressions: list[Suppression] = []
    open_disables: list[tuple[_Directive, list[str]]] = []  # directive, selectors still open

    def add(d: _Directive, rules: tuple[str, ...], scope_start: int, scope_end: int) -> None:
        line, column = index.position(d.start)
        suppressions.append(
            Suppression(
                kind=d.kind,
                rules=rules,
                reason=d.reason,
                start=d.start,
                end=d.end,
                line=line,
                column=column,
                scope_start=scope_start,
                scope_end=scope_end,
            )
        )

    lowered = {k.casefold() for k in known} if known is not None else None
    for d in directives:
        line, column = index.position(d.start)
        if lowered is not None:
            for rule in d.rules:
                if rule.casefold() not in lowered:
                    problems.append(
                        DirectiveProblem(
                            message=f"unknown rule {rule!r} in postguard-{d.kind}",
                            start=d.start,
                            end=d.end,
                            line=line,
                            column=column,
                        )
                    )
        if d.kind == "disable-line":
            add(d, d.rules, *index.line_range(line))
        elif d.kind == "disable-next-line":
            end_line, _ = index.position(d.end)
            add(d, d.rules, *index.line_range(end_line + 1))
        elif d.kind == "disable":
            open_disables.append((d, list(d.rules) or [""]))  # "": every rule
        else:  # enable
            closed = False
            for disable, selectors in open_disables:
                wanted = {r.casefold() for r in d.rules}
                ending = list(selectors) if not d.rules else [s for s in selectors if s.casefold() in wanted]
                if not ending:
                    continue
                rules = tuple(s for s in ending if s)
                add(disable, rules, disable.end, d.start)
                for s in ending:
                    selectors.remove(s)
                closed = True
            open_disables = [(dis, sel) for dis, sel in open_disables if sel]
            if not closed:
                what = "any rule" if not d.rules else ", ".join(d.rules)
                problems.append(
                    DirectiveProblem(
                        message=f"postguard-enable for {what} without a matching postguard-disable before it",
                        start=d.start,
                        end=d.end,
                        line=line,
                        column=column,
                    )
                )
    for disable, selectors in open_disables:
        add(disable, tuple(s for s in selectors if s), disable.end, len(source))
    suppressions.sort(key=lambda s: (s.start, s.scope_start, s.rules))
    problems.sort(key=lambda p: p.start)
    return suppressions, problems


def parse_suppressions(source: str) -> list[Suppression]:
    """Every suppression in ``source``, in source order. Malformed directives are left out."""
    return _parse(source)[0]


def directive_problems(source: str, *, known: Collection[str] | None = None) -> list[DirectiveProblem]:
    """Malformed directives and enables without a disable; with ``known`` (rule ids, names and
    categories), also rules that do not exist."""
    return _parse(source, known)[1]


def apply_suppressions(
    findings: Iterable[Finding],
    source: str,
    suppressions: Sequence[Suppression] | None = None,
    *,
    known: Collection[str] | None = None,
) -> SuppressionResult:
    """Split ``findings`` into kept and suppressed, and list the selectors that suppressed nothing.

    With ``known`` (rule ids, names and categories) the problems include rules that do not exist.
    """
    problems: list[DirectiveProblem] = []
    if suppressions is None:
        suppressions, problems = _parse(source, known)
    elif "postguard-" in source:
        problems = directive_problems(source, known=known)
    used: list[set[str]] = [set() for _ in suppressions]
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        hit = False
        for i, suppression in enumerate(suppressions):
            selector = suppression.selector_for(finding)
            if selector is not None:
                used[i].add(selector)
                hit = True
        (suppressed if hit else kept).append(finding)
    unused: list[UnusedSuppression] = []
    for suppression, selectors in zip(suppressions, used, strict=True):
        if not suppression.rules:
            if not selectors:
                unused.append(UnusedSuppression(suppression=suppression, rules=()))
            continue
        idle = tuple(rule for rule in suppression.rules if rule not in selectors)
        if idle:
            unused.append(UnusedSuppression(suppression=suppression, rules=idle))
    return SuppressionResult(
        kept=tuple(kept), suppressed=tuple(suppressed), unused=tuple(unused), problems=tuple(problems)
    )


def suppress_findings(
    findings: tuple[Finding, ...],
    source: str,
    *,
    rules: Mapping[str, RuleInfo],
    disabled: Collection[str],
    report_unused: bool = False,
) -> tuple[tuple[Finding, ...], int]:
    """Apply inline suppressions to ``findings``; add PG002 for invalid directives and, with
    ``report_unused``, PG001 for unused ones. Returns the findings kept and how many were suppressed.

    ``rules`` are the engine's registered rules (their ids, names and categories are the known
    selectors), ``disabled`` the rule ids switched off for this run.
    """
    known = {k for r in rules.values() for k in (r.id, r.name, r.category)}
    outcome = apply_suppressions(findings, source, known=known)
    extra: list[Finding] = []
    if INVALID not in disabled:
        rule = rules[INVALID]
        extra += [_meta_finding(rule, p.message, p.start, p.end, source) for p in outcome.problems]
    if report_unused and UNUSED not in disabled:
        rule = rules[UNUSED]
        for u in outcome.unused:
            what = ", ".join(u.rules) if u.rules else "any rule"
            s = u.suppression
            message = f"This suppression of {what} matched nothing."
            extra.append(_meta_finding(rule, message, s.start, s.end, source))
    kept = tuple(sorted((*outcome.kept, *extra), key=lambda f: (f.start, f.end, f.rule_id)))
    return kept, len(outcome.suppressed)


def _meta_finding(rule: RuleInfo, message: str, start: int, end: int, source: str) -> Finding:
    end = max(end, start + 1)
    return rule.finding(message, start=start, end=end, match=source[start:end])
