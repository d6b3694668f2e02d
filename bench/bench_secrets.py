"""Secrets and personal data: postguard next to detect-secrets on one labelled set (issue 14).

Rerun with ``python bench/bench_secrets.py`` (needs ``pip install '.[bench]'`` for
detect-secrets). The set is bench/secrets_fixtures.py: generated provider tokens,
assignments, credentials in URLs, prose passwords in German and English, near
misses and placeholders, IBANs, cards and phone numbers. For each group it prints
how many cases each tool flags; for ``near-miss`` every flag is a false alarm.
detect-secrets knows no personal data, so those rows are postguard's alone.

``--corpus DIR`` (repeatable) also counts postguard's secret/personal alarms on
real public text (``*.md``/``*.mdx``/``*.html`` below DIR) and prints each one,
masked, for inspection. Figures go to docs/quality.md by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from secrets_fixtures import cases  # noqa: E402

from postguard.config import Config  # noqa: E402
from postguard.engine import Engine  # noqa: E402
from postguard.lines import LineIndex  # noqa: E402
from postguard.pipeline import lint  # noqa: E402

FAMILIES = ("secret", "personal")


def postguard_flags(engine: Engine, texts: list[str]) -> list[set[str]]:
    out = []
    for text in texts:
        report = lint(engine, text, name="case.txt", fmt="plain")
        out.append({f.category for f in report.findings if f.category in FAMILIES})
    return out


def detect_secrets_flags(texts: list[str]) -> list[bool] | None:
    try:
        from detect_secrets import SecretsCollection
        from detect_secrets.settings import default_settings
    except ImportError:
        return None
    hit = [False] * len(texts)
    # one file per case: detect-secrets reports a value once per file, and the
    # set repeats some (the same private-key header, the same placeholder)
    with tempfile.TemporaryDirectory() as tmp, default_settings():
        for i, text in enumerate(texts):
            path = Path(tmp) / f"case{i}.txt"
            path.write_text(text + "\n", encoding="utf-8")
            collection = SecretsCollection()
            collection.scan_file(str(path))
            hit[i] = any(True for _ in collection)
    return hit


def corpus(engine: Engine, root: Path) -> None:
    """Count (and print, masked) the secret/personal alarms on the documents below ``root``."""
    from postguard.errors import PostguardError

    files = [p for p in sorted(root.rglob("*")) if p.suffix in (".md", ".mdx", ".html") and p.is_file()]
    alarms = skipped = 0
    for path in files:
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            report = lint(engine, source, name=str(path), path=str(path))
        except PostguardError:  # e.g. front matter postguard cannot read: not checked
            skipped += 1
            continue
        index = LineIndex(report.source)
        for f in report.findings:
            if f.category in FAMILIES:
                alarms += 1
                line, _ = index.position(f.start)
                print(f"  {path}:{line}: {f.rule_id} {f.match!r} conf={f.confidence:.2f} {f.severity.value}")
    checked = len(files) - skipped
    per_1000 = alarms / checked * 1000 if checked else 0.0
    print(f"corpus {root}: {checked} documents ({skipped} not checked), {alarms} alarms", end="")
    print(f" ({per_1000:.1f} per 1,000)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[])
    parser.add_argument("--no-set", action="store_true", help="only the corpora, not the labelled set")
    args = parser.parse_args()
    engine = Engine(Config())
    if args.no_set:
        for root in args.corpus:
            corpus(engine, root)
        return 0
    labelled = cases()
    texts = [t for _, t, _ in labelled]
    ours = postguard_flags(engine, texts)
    theirs = detect_secrets_flags(texts)
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, (group, _, label) in enumerate(labelled):
        row = rows[group]
        row[0] += 1
        if label:
            row[1] += label in ours[i]
            row[2] += bool(theirs and theirs[i]) if label == "secret" else 0
        else:
            row[1] += bool(ours[i])
            row[2] += bool(theirs and theirs[i])
    name = "detect-secrets" if theirs is not None else "detect-secrets (not installed)"
    print(f"{'group':<22} {'cases':>5} {'postguard':>10} {name:>15}")
    for group, (n, a, b) in rows.items():
        theirs_cell = "-" if group.startswith("personal") else str(b)
        print(f"{group:<22} {n:>5} {a:>10} {theirs_cell:>15}")
    print("(rows: cases flagged; for near-miss every flag is a false alarm)")
    for root in args.corpus:
        corpus(engine, root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
