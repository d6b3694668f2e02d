"""Hashed packs against plain ones (issue 15): rerun with `python bench/bench_hashed.py`.

In one run, alternating plain and hashed so that the machine's slow phases hit both:
1. load time of the example pack and of a pack of N generated terms (no cache: validation and
   indexing), plain versus built by `pack build`;
2. check time over real public drafts (English nodejs.org blog posts, German de.react.dev pages, from
   /work/cache/corpora, else a generated 300-word draft), median per draft and total.

Times are CPU time of this process (``time.process_time``), less disturbed than wall time by the
other jobs of a shared machine. Each round checks drafts of its own (``--drafts`` per round), so
the hashed index's memo of draft words helps only as much as it would on a stream of new drafts.

Figures go to docs/benchmarks.md by hand; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import big_pack  # noqa: E402

from postguard.config import Config  # noqa: E402
from postguard.engine import Engine  # noqa: E402
from postguard.pipeline import lint  # noqa: E402
from postguard.rulepacks import load_packs  # noqa: E402
from postguard.rulepacks.hashbuild import build_hashed, dumps  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CORPORA = Path("/work/cache/corpora")


def drafts(n: int) -> list[str]:
    files = sorted((CORPORA / "nodejs.org" / "apps/site/pages/en/blog").rglob("*.md"))
    files += sorted((CORPORA / "de.react.dev" / "src/content").rglob("*.md"))
    rng = random.Random(7)
    rng.shuffle(files)
    out = [f.read_text(encoding="utf-8", errors="replace")[:6000] for f in files[:n]]
    return out or ["Wir freuen uns sehr über die neue Saison und danken allen Kolleginnen. " * 30]


def hashed_copy(src: Path, out: Path) -> Path:
    data, _ = build_hashed(tomllib.loads(src.read_text(encoding="utf-8")))
    out.write_text(dumps(data), encoding="utf-8")
    return out


def load_ms(path: Path, sections: dict, runs: int) -> float:  # type: ignore[type-arg]
    samples = []
    for _ in range(runs):
        t = time.process_time()
        load_packs([path], sections)
        samples.append((time.process_time() - t) * 1000)
    return statistics.median(samples)


def check_ms(engine: Engine, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        t = time.process_time()
        lint(engine, text, now=NOW, fmt="markdown")
        out.append((time.process_time() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--terms", type=int, default=20_000)
    ap.add_argument("--drafts", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pg-hashed-"))
    example = ROOT / "rules" / "example-company.toml"
    big = tmp / "big.toml"
    big_pack(big, args.terms)
    pairs = {
        "example": (example, hashed_copy(example, tmp / "example.hashed.toml")),
        f"{args.terms} terms": (big, hashed_copy(big, tmp / "big.hashed.toml")),
    }
    sections = Engine(Config(default_pack=False), use_cache=False).sections
    print("load (no cache), CPU ms, best of rounds of the median of 3:")
    for name, (plain, hashed) in pairs.items():
        ps: list[float] = []
        hs: list[float] = []
        for _ in range(args.rounds):  # alternate
            ps.append(load_ms(plain, sections, 3))
            hs.append(load_ms(hashed, sections, 3))
        p, h = min(ps), min(hs)
        print(f"  {name:>12}: plain {p:8.1f}  hashed {h:8.1f}  ratio {h / p:4.2f}")
    texts = drafts(args.drafts * (args.rounds + 1))
    rounds = [texts[r * args.drafts : (r + 1) * args.drafts] for r in range(args.rounds + 1)]
    words = sum(len(t.split()) for t in texts)
    print(
        f"check, {args.rounds} rounds of {args.drafts} new drafts ({words} words), default pack + the pack:"
    )
    for name, (plain, hashed) in pairs.items():
        ep = Engine(Config(packs=(plain,)), use_cache=False)
        eh = Engine(Config(packs=(hashed,)), use_cache=False, nlp=ep.nlp)
        check_ms(ep, rounds[-1][:5])  # warm up on drafts of no round
        check_ms(eh, rounds[-1][:5])
        tp: list[list[float]] = []
        th: list[list[float]] = []
        for batch in rounds[:-1]:  # alternate, so slow phases of the VM hit both
            tp.append(check_ms(ep, batch))
            th.append(check_ms(eh, batch))
        ratios = [sum(h) / sum(p) for p, h in zip(tp, th, strict=True)]
        p_med = statistics.median(t for r in tp for t in r)
        h_med = statistics.median(t for r in th for t in r)
        print(
            f"  {name:>12}: total plain {sum(map(sum, tp)):8.1f} ms  hashed {sum(map(sum, th)):8.1f} ms"
            f"  ratio {sum(map(sum, th)) / sum(map(sum, tp)):4.2f}"
            f" (rounds {', '.join(f'{r:.2f}' for r in ratios)})"
            f"   per-draft median plain {p_med:6.2f}  hashed {h_med:6.2f}"
        )


if __name__ == "__main__":
    main()
