"""Baselines: record today's findings so that later runs report only new ones.

A baseline file never holds the matched text or the messages (they are what the
rule packs protect). Each finding is stored as a salted SHA-256 fingerprint of

    relative path, rule id, casefolded match, occurrence index

where the occurrence index counts earlier findings of the same rule with the
same casefolded match in the same file. Lines and columns are not part of it,
so a finding stays known when text above it moves. If an earlier occurrence is
removed, the later ones take over its fingerprint: nothing new is reported.
If one is added before known ones, the *last* occurrence is reported as new.

The salt is random per baseline and kept when the file is rewritten, so the
file stays stable across runs. Anyone holding the file and a list of
candidate words can still test them (the salt is in the file): the baseline
hides the text from readers, it is not a secret store.

File format (JSON, keys sorted, entries sorted)::

    {"version": 1, "tool": "postguard", "hash": "sha256", "salt": "<hex>",
     "findings": [{"path": "posts/a.md", "rule_id": "PG101", "fingerprint": "<hex>"}]}

Paths are relative to the directory that contains the baseline file, with ``/``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from postguard.errors import ConfigError, InputError
from postguard.fingerprints import STDIN_NAMES, fingerprint, occurrences
from postguard.model import Finding, Report

VERSION = 1


def relative_name(name: str, root: Path) -> str:
    """The path of a report relative to ``root`` with forward slashes (standard input stays as named)."""
    if name in STDIN_NAMES:
        return name
    path = Path(name)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        relative = os.path.relpath(os.path.normpath(absolute), os.path.normpath(root.absolute()))
    except ValueError:  # another drive on Windows
        return absolute.as_posix()
    return Path(relative).as_posix()


def report_fingerprints(report: Report, *, salt: str, root: Path) -> list[tuple[Finding, str]]:
    """Each finding of ``report`` with its fingerprint, occurrence indices counted in source order."""
    path = relative_name(report.name, root)
    ordered = sorted(report.findings, key=lambda f: (f.start, f.end, f.rule_id))
    return [
        (finding, fingerprint(path, finding.rule_id, finding.match, occurrence, salt=salt))
        for finding, occurrence in occurrences(ordered)
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    path: str
    rule_id: str
    fingerprint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """Known findings. ``root`` is the directory paths are relative to (the baseline file's)."""

    salt: str
    root: Path
    entries: tuple[Entry, ...] = ()

    def partition(self, report: Report) -> tuple[Report, int]:
        """``report`` without its known findings, and how many were dropped."""
        if report.error or not report.findings:
            return report, 0
        known = Counter(entry.fingerprint for entry in self.entries)
        kept: list[Finding] = []
        dropped = 0
        for finding, print_ in report_fingerprints(report, salt=self.salt, root=self.root):
            if known[print_] > 0:
                known[print_] -= 1
                dropped += 1
            else:
                kept.append(finding)
        order = {id(f): i for i, f in enumerate(report.findings)}
        kept.sort(key=lambda f: order[id(f)])
        return dataclasses.replace(report, findings=tuple(kept)), dropped

    def filter(self, report: Report) -> Report:
        """``report`` without its known findings; they are added to ``report.suppressed``."""
        filtered, dropped = self.partition(report)
        if not dropped:
            return filtered
        return dataclasses.replace(filtered, suppressed=filtered.suppressed + dropped)


def build_baseline(reports: Iterable[Report], *, root: Path, salt: str | None = None) -> Baseline:
    salt = salt or secrets.token_hex(16)
    entries = [
        Entry(path=relative_name(report.name, root), rule_id=finding.rule_id, fingerprint=print_)
        for report in reports
        if not report.error
        for finding, print_ in report_fingerprints(report, salt=salt, root=root)
    ]
    entries.sort(key=lambda e: (e.path, e.rule_id, e.fingerprint))
    return Baseline(salt=salt, root=root, entries=tuple(entries))


def dumps(baseline: Baseline) -> str:
    doc = {
        "version": VERSION,
        "tool": "postguard",
        "hash": "sha256",
        "salt": baseline.salt,
        "findings": [
            {"path": e.path, "rule_id": e.rule_id, "fingerprint": e.fingerprint} for e in baseline.entries
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_baseline(path: str | Path, reports: Sequence[Report]) -> Baseline:
    """Write the findings of ``reports`` to ``path``; an existing valid baseline's salt is kept.

    Reports with an input error contribute nothing. Returns what was written.
    """
    path = Path(path)
    salt: str | None = None
    if path.exists():
        try:
            salt = load_baseline(path).salt
        except (ConfigError, InputError):
            salt = None
    baseline = build_baseline(reports, root=path.absolute().parent, salt=salt)
    try:
        path.write_text(dumps(baseline), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None
    return baseline


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline written by :func:`write_baseline`.

    A missing or unreadable file raises :class:`InputError`; a file that is not a
    postguard baseline of a known version raises :class:`ConfigError` naming the key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: baseline file not found (create it with `postguard baseline`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the baseline: {exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=str(path)
        ) from None
    if not isinstance(doc, dict):
        raise ConfigError("a baseline must be a JSON object", path=str(path))
    version = doc.get("version")
    if version != VERSION:
        raise ConfigError(
            f"unsupported baseline version {version!r} (this postguard reads version {VERSION}); "
            "write a new one with `postguard baseline`",
            path=str(path),
            key="version",
        )
    if doc.get("hash", "sha256") != "sha256":
        raise ConfigError(
            f"unsupported hash {doc.get('hash')!r} (expected 'sha256')", path=str(path), key="hash"
        )
    salt = doc.get("salt")
    if not isinstance(salt, str) or not salt:
        raise ConfigError("missing or empty salt", path=str(path), key="salt")
    findings = doc.get("findings")
    if not isinstance(findings, list):
        raise ConfigError("expected a list", path=str(path), key="findings")
    entries: list[Entry] = []
    for i, item in enumerate(findings):
        if not isinstance(item, dict):
            raise ConfigError("expected an object", path=str(path), key=f"findings[{i}]")
        values: dict[str, str] = {}
        for field in ("path", "rule_id", "fingerprint"):
            value = item.get(field)
            if not isinstance(value, str) or not value:
                raise ConfigError("missing or not a string", path=str(path), key=f"findings[{i}].{field}")
            values[field] = value
        unknown = sorted(set(item) - set(values))
        if unknown:
            raise ConfigError("unknown key", path=str(path), key=f"findings[{i}].{unknown[0]}")
        entries.append(Entry(**values))
    return Baseline(salt=salt, root=path.absolute().parent, entries=tuple(entries))
