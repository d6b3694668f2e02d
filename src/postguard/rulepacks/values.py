"""The value parsers of rule packs and config: each checks one value and names its place on error.

``Where`` is a place in a file (the file and a key path such as ``embargo[2].until``); every
``expect_*`` returns the typed value or raises the :class:`ConfigError` that names it. Re-exported by
:mod:`postguard.rulepacks` (and, for plugins, by :mod:`postguard.plugin`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import regex

from postguard.errors import ConfigError
from postguard.model import Severity

LANGS = ("de", "en")
#: A pack's note: one text, or one per language (``{de = "...", en = "..."}``).
Note = str | Mapping[str, str] | None


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a pack file, for error messages: the file and a key path."""

    file: str
    key: str = ""

    def child(self, key: str | int) -> Where:
        if isinstance(key, int):
            return Where(self.file, f"{self.key}[{key}]")
        return Where(self.file, f"{self.key}.{key}" if self.key else key)

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, path=self.file, key=self.key or None)


def expect_table(
    value: Any, where: Where, allowed: Sequence[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(f"expected a table, got {typename(value)}")
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (allowed: {', '.join(allowed)})"
            raise where.child(key).error(f"unknown key{hint}")
    for key in required:
        if key not in value:
            raise where.child(key).error("missing required key")
    return value


def typename(value: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
        date: "a date",
        datetime: "a date-time",
    }.get(type(value), type(value).__name__)


def expect_str(value: Any, where: Where, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise where.error(f"expected a string, got {typename(value)}")
    if not empty_ok and not value.strip():
        raise where.error("must not be empty")
    return value


def expect_bool(value: Any, where: Where) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"expected true or false, got {typename(value)}")
    return value


def expect_int(value: Any, where: Where, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"expected an integer, got {typename(value)}")
    if not lo <= value <= hi:
        raise where.error(f"must be between {lo} and {hi}, got {value}")
    return value


def expect_choice(value: Any, where: Where, choices: Sequence[str]) -> str:
    s = expect_str(value, where)
    if s not in choices:
        raise where.error(f"must be one of {', '.join(choices)}, got {s!r}")
    return s


def expect_str_list(value: Any, where: Where, *, empty_ok: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise where.error(f"expected an array of strings, got {typename(value)}")
    if not value and not empty_ok:
        raise where.error("is empty: list at least one entry")
    return tuple(expect_str(v, where.child(i)) for i, v in enumerate(value))


def expect_terms(value: Any, where: Where, *, empty_ok: bool = False) -> tuple[str, ...]:
    """A list of terms; each must contain a letter or a digit."""
    terms = expect_str_list(value, where, empty_ok=empty_ok)
    for i, term in enumerate(terms):
        if not any(c.isalnum() for c in term):
            raise where.child(i).error(f"term {term!r} has no letters or digits, so it can never match")
    return terms


def expect_severity(value: Any, where: Where) -> Severity:
    return Severity(expect_choice(value, where, ("error", "warning", "info")))


def expect_moment(value: Any, where: Where, tz: ZoneInfo, *, end_of_day: bool) -> datetime:
    """A TOML date or date-time (or an ISO string) as an aware datetime.

    A date means the start of that day in the pack's time zone, or the start
    of the next day when it closes a window (``until`` is inclusive).
    """
    if isinstance(value, str):
        try:
            value = (
                datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            )
        except ValueError:
            raise where.error(
                f"{value!r} is not a date: write 2027-05-04 or 2027-05-04T09:00:00+02:00 (without quotes)"
            ) from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        start = datetime.combine(value, time(0, 0), tzinfo=tz)
        return start + timedelta(days=1) if end_of_day else start
    if isinstance(value, time):
        raise where.error("a time of day alone is not a date; write 2027-05-04T09:00:00+02:00")
    raise where.error(f"expected a date, got {typename(value)}")


def expect_note(value: Any, where: Where) -> Note:
    """A string, or a table of strings keyed by language (``de``, ``en``)."""
    if isinstance(value, dict):
        table = expect_table(value, where, LANGS)
        return {k: expect_str(v, where.child(k)) for k, v in table.items()}
    return expect_str(value, where)


def expect_langs(value: Any, where: Where) -> tuple[str, ...]:
    langs = expect_str_list(value, where)
    for i, lang in enumerate(langs):
        if lang not in LANGS:
            raise where.child(i).error(f"unknown language {lang!r} (expected de or en)")
    return langs


def expect_patterns(value: Any, where: Where) -> tuple[Any, ...]:
    out = []
    for i, pattern in enumerate(expect_str_list(value, where)):
        try:
            out.append(regex.compile(pattern, regex.IGNORECASE | regex.VERSION1))
        except regex.error as exc:
            # quoted as written in the pack (repr would double every backslash)
            raise where.child(i).error(f"invalid regular expression '{pattern}': {exc}") from None
        if out[-1].match(""):
            raise where.child(i).error(f"regular expression '{pattern}' matches the empty string")
    return tuple(out)


def expect_array_of_tables(value: Any, where: Where) -> list[Any]:
    if not isinstance(value, list):
        raise where.error(f"expected an array of tables ([[{where.key}]]), got {typename(value)}")
    return value


def expect_tables(
    value: Any, where: Where, allowed: Sequence[str], required: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """An array of tables (``[[secrets.token]]``), each checked by :func:`expect_table`."""
    items = expect_array_of_tables(value, where)
    return [expect_table(item, where.child(i), allowed, required) for i, item in enumerate(items)]


def expect_pattern(value: Any, where: Where) -> Any:
    """One regular expression (Python ``regex``, case as written), compiled; it must match something."""
    source = expect_str(value, where)
    try:
        compiled = regex.compile(source, regex.VERSION1)
    except regex.error as exc:
        raise where.error(f"invalid regular expression {source!r}: {exc}") from None
    if compiled.match(""):
        raise where.error(f"regular expression {source!r} matches the empty string")
    return compiled


def expect_replace(value: Any, where: Where, lists: Sequence[str]) -> tuple[str, ...]:
    """A section's ``replace`` key: names of its list keys, each one of ``lists`` (:mod:`postguard.vocab`)."""
    names = expect_str_list(value, where)
    for i, name in enumerate(names):
        if name not in lists:
            raise where.child(i).error(f"{name!r} is not a list of this section (one of: {', '.join(lists)})")
    return names


def where_index(where: Where) -> int:
    return int(where.key.rsplit("[", 1)[1].rstrip("]"))
