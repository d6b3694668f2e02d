"""A site-wide pattern, reported once per run: one finding for the site instead of one per file.

Some findings are not one post's slip but a habit of the site: every event report of an association
shows its own group photos without naming the photographer (PG408). Reported on every image, a
content repository gets dozens of warnings for one decision the team takes once, and switches the
rule off. A check marks such findings with a ``pattern`` key (:attr:`postguard.model.Finding.pattern`,
with the site's root in it, so two sites never mix); :func:`once_per_site` then folds a pattern that
a run finds in at least :data:`MIN_FILES` files into one finding at its first place (the first file
in path order, its first occurrence), whose message counts the others and names the first few. A
run over fewer files (a single post, a commit touching two) keeps every finding: the writer of one
post still sees that post's photo. Like PG301's once-per-site imprint finding, this follows how a
repository is checked: a run over its files (``postguard check content/``, a pre-commit run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from postguard.lines import LineIndex
from postguard.model import Finding, Report

#: In how many files of one run a pattern must occur to be the site's habit, reported once.
MIN_FILES = 3
#: How many further places the folded finding's message names.
SHOWN = 3


def once_per_site(reports: Sequence[Report], min_files: int = MIN_FILES) -> list[Report]:
    """``reports`` with every pattern found in ``min_files`` or more of them folded into one finding."""
    places: dict[str, list[tuple[str, int, Finding]]] = {}
    for k, report in enumerate(reports):
        for f in report.findings:
            if f.pattern:
                places.setdefault(f.pattern, []).append((report.name, k, f))
    folded: dict[int, dict[Finding, Finding | None]] = {}  # report -> finding -> its replacement (None: gone)
    for found in places.values():
        files = {name for name, _, _ in found}
        if len(files) < min_files:
            continue
        found.sort(key=lambda p: (p[0], p[2].start))
        _, k, first = found[0]
        message = _summary(reports, found, len(files), reports[k].language or "en") + " " + first.message
        folded.setdefault(k, {})[first] = replace(first, message=message)
        for _, j, f in found[1:]:
            folded.setdefault(j, {})[f] = None
    if not folded:
        return list(reports)
    out = list(reports)
    for k, changes in folded.items():
        kept = tuple(changes.get(f, f) for f in reports[k].findings)
        out[k] = replace(reports[k], findings=tuple(f for f in kept if f is not None))
    return out


def _summary(reports: Sequence[Report], found: list[tuple[str, int, Finding]], files: int, lang: str) -> str:
    indexes: dict[int, LineIndex] = {}
    shown: list[str] = []
    for name, k, f in found[1:]:
        if len(shown) == SHOWN:
            break
        index = indexes.get(k) or indexes.setdefault(k, LineIndex(reports[k].source))
        shown.append(f"{name}:{index.position(f.start)[0]}")
    more = len(found) - 1 - len(shown)
    if lang == "de":
        rest = f" und {more} weitere" if more else ""
        return (
            f"Einmal für die Website gemeldet: {len(found)} Stellen in {files} Dateien dieses Laufs "
            f"(hier zuerst; auch {', '.join(shown)}{rest}). Eine Datei allein geprüft nennt jede ihrer "
            "Stellen."
        )
    rest = f" and {more} more" if more else ""
    return (
        f"Reported once for the site: {len(found)} places in {files} files of this run (first here; also "
        f"{', '.join(shown)}{rest}). A file checked alone lists each of its places."
    )
