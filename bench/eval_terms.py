"""Quality of the confidential and embargo checks (issue 12): rerun with `python bench/eval_terms.py`.

1. The labelled drafts in tests/data/eval/drafts.jsonl (posts as employees write them, with leaks and
   traps) against tests/data/eval/pack.toml: per category, leaks caught (the expected rule on exactly
   the expected text) and false alarms (any other PG1xx/PG2xx finding) on clean drafts.
2. With ``--corpus DIR`` (repeatable): real public text nobody here wrote, checked with the example
   company pack and the evaluation pack. Every confidential/embargo finding there is counted as a
   false alarm and listed, to be read: one that sits on a real marking is a true finding.

Figures go to docs/quality.md by hand; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from postguard.config import Config  # noqa: E402
from postguard.engine import Engine  # noqa: E402
from postguard.pipeline import lint  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
EVAL = ROOT / "tests" / "data" / "eval"
TEXT_SUFFIXES = (".md", ".mdx", ".txt", ".html")


def ours(rule_id: str) -> bool:
    return rule_id.startswith(("PG1", "PG2"))


def evaluate(engine: Engine) -> None:
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # caught, leaks, false alarms, clean
    missed: list[str] = []
    for line in (EVAL / "drafts.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        found = [(f.rule_id, f.match) for f in lint(engine, d["text"], now=NOW).findings if ours(f.rule_id)]
        expected = [(e["rule"], e["match"]) for e in d["expect"]]
        row = rows[d["category"]]
        if expected:
            row[1] += 1
            if all(e in found for e in expected):
                row[0] += 1
            else:
                missed.append(f"   missed #{d['id']} ({d['category']}): expected {expected}, found {found}")
        else:
            row[3] += 1
        extra = [f for f in found if f not in expected]
        if extra:
            row[2] += 1
            missed.append(f"   false alarm #{d['id']} ({d['category']}): {extra}")
    print(f"{'category':16s} {'caught/leaks':>13s} {'false alarms/clean':>19s}")
    total = [0, 0, 0, 0]
    for cat in sorted(rows, key=lambda c: (rows[c][1] == 0, c)):
        r = rows[cat]
        total = [a + b for a, b in zip(total, r, strict=True)]
        print(f"{cat:16s} {f'{r[0]}/{r[1]}':>13s} {f'{r[2]}/{r[3]}':>19s}")
    print(f"{'all':16s} {f'{total[0]}/{total[1]}':>13s} {f'{total[2]}/{total[3]}':>19s}")
    print("\n".join(missed) or "   no misses, no false alarms")


def corpus(engine: Engine, dirs: list[Path]) -> None:
    docs = 0
    alarms: list[str] = []
    per_corpus: list[str] = []
    for d in dirs:
        n, before = 0, len(alarms)
        for path in sorted(p for p in d.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file()):
            n += 1
            text = path.read_text(encoding="utf-8", errors="replace")
            for f in lint(engine, text, now=NOW).findings:
                if ours(f.rule_id):
                    line = text[: f.start].count("\n") + 1
                    alarms.append(f"   {f.rule_id} {f.match!r} {path.relative_to(d.parent)}:{line}")
        docs += n
        per_corpus.append(f"   {d.name}: {n} documents, {len(alarms) - before} findings")
    rate = len(alarms) / docs * 2000 if docs else 0.0
    print(
        f"\nreal public text: {docs} documents, {len(alarms)} confidential/embargo findings"
        f" ({rate:.1f} per 2,000 documents)"
    )
    print("\n".join(per_corpus + alarms))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, action="append", default=[])
    args = ap.parse_args()
    engine = Engine(Config(packs=(EVAL / "pack.toml",)))
    evaluate(engine)
    if args.corpus:
        corpus(
            Engine(Config(packs=(ROOT / "rules" / "example-company.toml", EVAL / "pack.toml"))), args.corpus
        )


if __name__ == "__main__":
    main()
