"""The keys of each pack table, declared once: they validate a pack and generate its JSON schema.

Public for plugins through :mod:`postguard.plugin` (``Table``, ``Key``, ``section`` and this module
as ``fields``); the built-in checks declare their sections with it too. A :class:`Table` lists its
keys; each :class:`Key` holds the JSON-schema fragment of its value and the ``expect_*`` helper
that checks it, so ``schema/rulepack.schema.json`` (written by
``python -m postguard.rulepacks.schema``; a test compares) and what postguard accepts come from
the same declaration. The checks beyond a JSON schema (a host name's shape, a regular expression
that compiles, a window that ends after it begins) stay in the section parsers.

Not pydantic, which the server's API models use: importing it costs a CLI run 0.3 s or more where
a small pack loads in 10 ms, and every message would have to be translated back into today's
wording (the file, the key path, "did you mean"). The helpers already give that wording.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from postguard.rulepacks.values import (
    LANGS,
    Where,
    expect_array_of_tables,
    expect_bool,
    expect_choice,
    expect_int,
    expect_langs,
    expect_note,
    expect_pattern,
    expect_patterns,
    expect_replace,
    expect_severity,
    expect_str,
    expect_str_list,
    expect_table,
    expect_terms,
)

__all__ = [
    "FORMS_TEXT",
    "MOMENT",
    "STRING",
    "Key",
    "Section",
    "Table",
    "array_of",
    "boolean",
    "choice",
    "described",
    "hashes",
    "integer",
    "langs",
    "mapping",
    "moment",
    "note",
    "one_or_many",
    "pattern",
    "patterns",
    "raw",
    "replace",
    "section",
    "severity",
    "string",
    "strings",
    "table",
    "tables",
    "terms",
]

Parse = Callable[[Any, Where], Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a table: its value's JSON schema and its check (None: the section parser checks it)."""

    schema: Mapping[str, Any]
    parse: Parse | None = None


def described(schema: Mapping[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description} if description else dict(schema)


def string(description: str = "", *, empty_ok: bool = False) -> Key:
    schema = {"type": "string"} if empty_ok else {"type": "string", "minLength": 1}
    return Key(described(schema, description), lambda v, w: expect_str(v, w, empty_ok=empty_ok))


def boolean(description: str = "", default: bool = False) -> Key:
    return Key(described({"type": "boolean", "default": default}, description), expect_bool)


def integer(lo: int, hi: int, description: str = "", default: int | None = None) -> Key:
    schema: dict[str, Any] = {"type": "integer", "minimum": lo, "maximum": hi}
    if default is not None:
        schema["default"] = default
    return Key(described(schema, description), lambda v, w: expect_int(v, w, lo, hi))


def choice(choices: Sequence[str], description: str = "") -> Key:
    return Key(described({"enum": list(choices)}, description), lambda v, w: expect_choice(v, w, choices))


def one_or_many(item: Mapping[str, Any], empty_ok: bool) -> dict[str, Any]:
    many: dict[str, Any] = {"type": "array", "items": dict(item)}
    if not empty_ok:
        many["minItems"] = 1
    return {"oneOf": [dict(item), many]}


STRING = {"type": "string", "minLength": 1}


#: What the ``hashed_forms`` records are (one schema text for confidential and embargo entries).
FORMS_TEXT = (
    "Hashed pack only: every form the matcher looks up (transliterations, a name's last word, a model"
    " number's family, one-edit typo keys), hashed; written by `postguard pack build`."
)


def hashes(pattern: str, description: str) -> dict[str, Any]:
    """The schema of an array of hashes (a hashed pack's ``hashed_*`` keys)."""
    return {"type": "array", "items": {"type": "string", "pattern": pattern}, "description": description}


def strings(description: str = "", *, empty_ok: bool = False, item: Mapping[str, Any] | None = None) -> Key:
    """A string or an array of strings (a bare string is one item).

    ``item`` is each string's schema when it says more than "not empty" (a host name's pattern);
    the section parser checks that shape itself, with its own message.
    """
    return Key(
        described(one_or_many(item or STRING, empty_ok), description),
        lambda v, w: expect_str_list(v, w, empty_ok=empty_ok),
    )


def terms(description: str = "", *, empty_ok: bool = False) -> Key:
    """Like :func:`strings`; each must have a letter or digit (checked here, not by the schema)."""
    return Key(
        described(one_or_many(STRING, empty_ok), description),
        lambda v, w: expect_terms(v, w, empty_ok=empty_ok),
    )


def severity(description: str = "") -> Key:
    return Key(described({"enum": ["error", "warning", "info"]}, description), expect_severity)


def note(description: str = "Appended to the message: one text, or one per language.") -> Key:
    per_lang = {
        "type": "object",
        "additionalProperties": False,
        "properties": {lang: STRING for lang in LANGS},
    }
    return Key(described({"oneOf": [STRING, per_lang]}, description), expect_note)


def langs(description: str = "") -> Key:
    return Key(described(one_or_many({"enum": list(LANGS)}, False), description), expect_langs)


def patterns(description: str = "") -> Key:
    """Regular expressions, compiled case-insensitive (``[[confidential]] patterns``)."""
    return Key(described(one_or_many(STRING, False), description), expect_patterns)


def pattern(description: str = "") -> Key:
    """One regular expression (Python ``regex``, case as written), compiled; it must match something."""
    return Key(described(STRING, description), expect_pattern)


def replace(lists: Sequence[str]) -> Key:
    """A section's ``replace`` key: which of its ``lists`` replace (not extend) earlier packs' lists."""
    text = "List keys of this section whose values replace (not extend) those of earlier packs."
    return Key(
        described(one_or_many({"enum": list(lists)}, False), text),
        lambda v, w: expect_replace(v, w, lists),
    )


#: A TOML date or date-time, read by the section parser (it needs the pack's time zone).
MOMENT = {
    "description": "A TOML date (2027-05-04) or offset date-time (2027-05-04T09:00:00+02:00).",
    "type": "string",
    "anyOf": [{"format": "date"}, {"format": "date-time"}],
}


def moment(description: str = "") -> Key:
    return Key(described(MOMENT, description))


def raw(schema: Mapping[str, Any]) -> Key:
    """A key its section parser checks (the schema describes it)."""
    return Key(dict(schema))


@dataclass(frozen=True, slots=True)
class Table:
    """A pack table: its keys, the required ones, and what the schema says beyond them.

    ``schema_only`` keys are in the schema but refused by :meth:`check` (the ``hashed_*`` keys, which
    a hashed pack's loader renames before the check: the schema cannot tell the two kinds apart).
    """

    keys: Mapping[str, Key]
    required: tuple[str, ...] = ()
    description: str = ""
    schema_only: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    schema_extra: Mapping[str, Any] = field(default_factory=dict)
    schema_required: tuple[str, ...] | None = None

    def check(self, value: Any, where: Where) -> dict[str, Any]:
        """The table, each declared key's value checked and parsed (in declaration order)."""
        t = expect_table(value, where, tuple(self.keys), self.required)
        return {
            k: (key.parse(t[k], where.child(k)) if key.parse else t[k])
            for k, key in self.keys.items()
            if k in t
        }

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object", "additionalProperties": False}
        if self.description:
            out["description"] = self.description
        required = self.required if self.schema_required is None else self.schema_required
        if required:
            out["required"] = list(required)
        out.update(self.schema_extra)
        out["properties"] = {k: dict(key.schema) for k, key in self.keys.items()}
        out["properties"].update({k: dict(s) for k, s in self.schema_only.items()})
        return out


def array_of(table: Table, description: str = "") -> dict[str, Any]:
    """The schema of an array of tables (``[[confidential]]``)."""
    item = table.schema()
    item.pop("description", None)
    return described({"type": "array", "items": item}, description or table.description)


def table(declared: Table, description: str = "") -> Key:
    """A table inside a table (``[server]`` of the config), checked key by key."""
    schema = declared.schema()
    if description:
        schema["description"] = description
    return Key(schema, declared.check)


def tables(declared: Table, description: str = "") -> Key:
    """An array of tables (``[[copyright.agencies]]``): a tuple of the checked tables."""

    def parse(value: Any, where: Where) -> tuple[dict[str, Any], ...]:
        items = expect_array_of_tables(value, where)
        return tuple(declared.check(item, where.child(i)) for i, item in enumerate(items))

    return Key(array_of(declared, description), parse)


def mapping(value: Key, description: str = "") -> Key:
    """A table whose keys the user names (a forge's host, a rule id), each value checked by ``value``."""

    def parse(raw: Any, where: Where) -> dict[str, Any]:
        t = expect_table(raw, where, tuple(raw) if isinstance(raw, dict) else ())
        return {k: value.parse(v, where.child(k)) if value.parse else v for k, v in t.items()}

    return Key(described({"type": "object", "additionalProperties": dict(value.schema)}, description), parse)


class Section(Generic[T]):
    """A pack section's parser made from its declaration (a :class:`Table`, or a :class:`Key` such as
    :func:`tables` for an array of tables): the declared keys are checked first (the messages name
    the file, the key path and a close key), then ``build(checked, where)`` makes the typed value and
    checks what a JSON schema cannot say. ``schema`` describes the section in the generated
    ``schema/rulepack.schema.json``. Made by :func:`section`.
    """

    def __init__(self, declared: Table | Key, build: Callable[[Any, Where], T]) -> None:
        self.declared = declared
        self.build = build
        functools.update_wrapper(self, build)  # name and module, for the pack cache's key

    @property
    def schema(self) -> Table | Mapping[str, Any]:
        return self.declared if isinstance(self.declared, Table) else self.declared.schema

    def __call__(self, value: Any, where: Where) -> T:
        declared = self.declared
        if isinstance(declared, Table):
            return self.build(declared.check(value, where), where)
        return self.build(declared.parse(value, where) if declared.parse else value, where)


def section(declared: Table | Key) -> Callable[[Callable[[Any, Where], T]], Section[T]]:
    """Decorate ``build(checked, where)`` into the parser of a section declared by ``declared``::

    SHOUTING = Table({"words": fields.terms("Words to shout.")}, required=("words",))

    @section(SHOUTING)
    def parse_shouting(t, where):
        return t["words"]
    """

    def wrap(build: Callable[[Any, Where], T]) -> Section[T]:
        return Section(declared, build)

    return wrap
