"""Built-in rules about inline suppressions themselves (like ruff's RUF100).

The pipeline reports them after suppressions are applied: PG001 for a
``postguard-disable`` that suppressed nothing (with
``--report-unused-suppressions``), PG002 for a malformed directive (always).
This module only registers the rules; it has no check of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from postguard.plugin import RuleDoc, RuleInfo, Severity, hookimpl

UNUSED = "PG001"
INVALID = "PG002"


@hookimpl
def postguard_register_rules(register: Callable[[RuleInfo], None]) -> None:
    register(
        RuleInfo(
            id=UNUSED,
            name="unused-suppression",
            category="suppression",
            severity=Severity.WARNING,
            plugin=__name__,
            docs={
                "en": RuleDoc(
                    name="Unused suppression",
                    what="A `postguard-disable` comment that suppressed nothing (reported with "
                    "`--report-unused-suppressions`).",
                    why="Stale suppressions hide future findings in the same place.",
                    fix="Remove the comment, or name the rule that really fires there.",
                    example="<!-- postguard-disable-next-line PG101 -->",
                ),
                "de": RuleDoc(
                    name="Ungenutzte Unterdrückung",
                    what="Ein `postguard-disable`-Kommentar, der nichts unterdrückt hat (mit "
                    "`--report-unused-suppressions`).",
                    why="Veraltete Unterdrückungen verdecken künftige Befunde an derselben Stelle.",
                    fix="Den Kommentar entfernen oder die Regel nennen, die dort wirklich anschlägt.",
                ),
            },
        )
    )
    register(
        RuleInfo(
            id=INVALID,
            name="invalid-suppression",
            category="suppression",
            severity=Severity.WARNING,
            plugin=__name__,
            docs={
                "en": RuleDoc(
                    name="Invalid suppression comment",
                    what="A `postguard-` comment that is not a valid directive, names an unknown rule, or "
                    "enables what was never disabled.",
                    why="A mistyped directive suppresses nothing, so the author believes a finding is "
                    "handled when it is not.",
                    fix="Write `<!-- postguard-disable-next-line RULE -- reason -->` with a rule id, name or "
                    "category from `postguard rules`.",
                ),
                "de": RuleDoc(
                    name="Ungültiger Unterdrückungskommentar",
                    what="Ein `postguard-`-Kommentar, der keine gültige Anweisung ist, eine unbekannte Regel "
                    "nennt oder etwas einschaltet, das nie ausgeschaltet war.",
                    why="Eine vertippte Anweisung unterdrückt nichts; man glaubt, ein Befund sei erledigt.",
                    fix="`<!-- postguard-disable-next-line REGEL -- Grund -->` mit einer Regel aus "
                    "`postguard rules` schreiben.",
                ),
            },
        )
    )
