"""Vocabularies in rule packs: word lists a compliance team tunes, extended or replaced pack by pack.

A check's pack section holds lists (``labels``, ``stock_hosts``...). The default pack
(rules/default.toml) brings postguard's own lists; every later pack *adds* to them,
unless it names the key in its section's ``replace`` list, in which case its list
*replaces* what the packs before it said::

    [imprint]
    weak_labels = ["Rechtliches"]        # adds to the default pack's list
    replace = ["weak_labels"]            # ...or, with this line, is the whole list
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from postguard.rulepacks.values import Where, expect_replace


def parse_replace(table: dict[str, Any], where: Where, lists: Sequence[str]) -> tuple[str, ...]:
    """The ``replace`` key of a section: names of its list keys, each one of ``lists``.

    A section declared with :class:`postguard.plugin.Table` gets the same check from the key
    ``fields.replace(lists)``.
    """
    if "replace" not in table:
        return ()
    return expect_replace(table["replace"], where.child("replace"), lists)


def merged(specs: Sequence[Any], key: str) -> tuple[Any, ...]:
    """The list ``key`` over the packs' specs in load order: added up, or replaced where a pack says so.

    Every spec has the attribute ``key`` (a tuple) and ``replace`` (the keys it replaces).
    """
    out: list[Any] = []
    for spec in specs:
        if key in spec.replace:
            out = []
        out.extend(getattr(spec, key))
    return tuple(dict.fromkeys(out))
