"""Built-in rule: an image of the draft that could not be read (PG806).

The pipeline reports it (as it reports PG001/PG002 for suppressions); this
module only registers the rule, so that it can be listed, explained,
disabled and re-rated like any other.
"""

from __future__ import annotations

from postguard.plugin import hookimpl, load_rules

UNREADABLE = "PG806"


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    register(RULE)


RULE = load_rules(__name__)[0]
