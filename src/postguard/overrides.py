"""The local log of overrides ("post anyway") and false-positive reports from the extension.

One JSON object per line in ``overrides.jsonl`` in postguard's data directory
(``POSTGUARD_DATA_DIR``, else ``$XDG_DATA_HOME/postguard``, else ``~/.local/share/postguard``),
readable only by the user. An entry holds the rule id, the matched term's salted fingerprint
(SHA-256 with a random salt kept beside the log, so the same term gives the same fingerprint on
this machine and no term can be looked up elsewhere), the site, the time and the employee's reason
with every finding in it masked. Never the draft text, never the matched words.

``postguard serve`` appends (``POST /v1/feedback``); ``postguard report`` reads and summarises.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Action = Literal["override", "false_positive"]
ACTIONS: tuple[Action, ...] = ("override", "false_positive")
MAX_REASON = 500
MAX_SITE = 253
LOG_NAME = "overrides.jsonl"
SALT_NAME = "overrides.salt"
MASK = "…"


def data_dir() -> Path:
    """Where postguard keeps what it records for the user (the override log)."""
    env = os.environ.get("POSTGUARD_DATA_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "postguard"


def log_path(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / LOG_NAME


@dataclass(frozen=True, slots=True)
class Entry:
    time: str
    action: Action
    rule_id: str
    term: str
    site: str
    reason: str


def _private_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)


def _salt(directory: Path) -> str:
    path = directory / SALT_NAME
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    _private_dir(directory)
    salt = secrets.token_hex(16)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(salt)
    return salt


def term_fingerprint(match: str, salt: str) -> str:
    """The salted fingerprint of a matched term (casefolded, spaces collapsed), 16 hex digits."""
    norm = " ".join(match.casefold().split())
    return hashlib.sha256(f"{salt}\0{norm}".encode()).hexdigest()[:16]


def masked(reason: str, spans: Iterable[tuple[int, int]]) -> str:
    """``reason`` with each span (code points) replaced by an ellipsis."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        out.append(reason[pos : max(start, pos)])
        out.append(MASK)
        pos = end
    out.append(reason[pos:])
    return "".join(out)


def record(
    action: Action,
    rule_id: str,
    match: str,
    site: str,
    reason: str,
    *,
    find_spans: Callable[[str], Iterable[tuple[int, int]]],
    directory: Path | None = None,
    now: datetime | None = None,
) -> Entry:
    """Append one entry; ``find_spans(reason)`` gives the spans of the reason to mask (its findings)."""
    where = directory or data_dir()
    reason = " ".join(reason.split())[:MAX_REASON]
    entry = Entry(
        time=(now or datetime.now(UTC)).replace(microsecond=0).isoformat(),
        action=action,
        rule_id=rule_id,
        term=term_fingerprint(match, _salt(where)) if match else "",
        site=site.lower()[:MAX_SITE],
        reason=masked(reason, find_spans(reason)) if reason else "",
    )
    _private_dir(where)
    fd = os.open(log_path(where), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
    return entry


def read(directory: Path | None = None) -> list[Entry]:
    """Every entry of the log (none when there is no log); lines that do not parse are skipped."""
    try:
        lines = log_path(directory).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            raw = json.loads(line)
            entry = Entry(**{k: str(raw[k]) for k in Entry.__dataclass_fields__})  # type: ignore[arg-type]
        except (ValueError, KeyError, TypeError):
            continue
        if entry.action in ACTIONS:
            out.append(entry)
    return out


def clear(directory: Path | None = None) -> int:
    """Delete the log; returns how many entries it held."""
    count = len(read(directory))
    log_path(directory).unlink(missing_ok=True)
    return count


def summary(entries: list[Entry]) -> dict[str, Any]:
    """Counts by action, by rule and action, by site, and the entries themselves."""
    by_rule: dict[str, Counter[str]] = {}
    for e in entries:
        by_rule.setdefault(e.rule_id, Counter())[e.action] += 1
    return {
        "total": len(entries),
        "actions": {a: sum(1 for e in entries if e.action == a) for a in ACTIONS},
        "rules": {
            rid: {a: counts[a] for a in ACTIONS}
            for rid, counts in sorted(by_rule.items(), key=lambda kv: kv[0])
        },
        "sites": dict(Counter(e.site for e in entries).most_common()),
        "first": min((e.time for e in entries), default=None),
        "last": max((e.time for e in entries), default=None),
        "entries": [asdict(e) for e in entries],
    }
