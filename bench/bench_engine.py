"""Benchmarks for the engine (issue 2): rerun with `python bench/bench_engine.py`.

Measures, on this machine:
1. an in-process check of a 300-word draft with the example pack (median, p99);
2. a pack of 100,000 terms: first load (empty cache), load when unchanged
   (cache hit), memory it adds (RSS), and check time relative to the small pack;
3. `postguard check draft.txt` as a whole process (median of several runs),
   next to the time of `python -c "import spacy"` alone.

Figures go to docs/benchmarks.md by hand; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

try:
    import psutil
except ModuleNotFoundError:  # pragma: no cover - a message instead of a traceback
    sys.exit("the benchmarks need psutil: pip install -e '.[bench]' (or pip install psutil)")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from postguard.config import Config  # noqa: E402
from postguard.engine import Engine  # noqa: E402
from postguard.pipeline import lint  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

_DE = (
    "Wir freuen uns sehr über die neue Saison und danken allen Kolleginnen und Kollegen für ihren Einsatz. "
    "Auf der Messe zeigen wir unsere Jacken, Zelte und Rucksäcke, die wir gemeinsam mit Bergführern getestet "
    "haben. Besonders stolz sind wir auf die Nachhaltigkeit: recycelte Materialien, faire Produktion und "
    "kurze Wege. Kommt vorbei, probiert alles aus und erzählt uns, was ihr davon haltet! "
)
_EN = (
    "We are thrilled to share what our team has been working on this year. Our designers spent months in the "
    "mountains testing jackets, tents and backpacks with guides and athletes. Sustainability matters to us: "
    "recycled fabrics, fair production and short supply chains. Come and see us at the fair, try everything "
    "and tell us what you think! "
)


def draft(words: int, base: str, extra: str = "") -> str:
    out: list[str] = []
    toks = base.split()
    i = 0
    while len(out) < words:
        out.append(toks[i % len(toks)])
        i += 1
    if extra:
        out[len(out) // 2 : len(out) // 2] = extra.split()
    return " ".join(out[:words])


def timed_checks(engine: Engine, text: str, runs: int) -> tuple[float, float]:
    for _ in range(20):
        lint(engine, text, now=NOW)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        lint(engine, text, now=NOW)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def fake_word(rng: random.Random) -> str:
    syll = ["ka", "ro", "vin", "tel", "mar", "lo", "qu", "ix", "an", "sor", "bel", "dra", "fen", "gu", "hol"]
    return "".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize()


def big_pack(path: Path, n: int) -> None:
    rng = random.Random(42)
    terms = set()
    while len(terms) < n:
        t = fake_word(rng)
        if rng.random() < 0.3:
            t += f" {fake_word(rng)}"
        if rng.random() < 0.1:
            t += f" {rng.choice('ABCDEFGHKLMNPRSTVXZ')}{rng.randint(1, 99)}"
        terms.add(t)
    lines = ['[pack]\nname = "big"\n', "[[confidential]]", 'kind = "codename"', "terms = ["]
    lines += [f'  "{t}",' for t in sorted(terms)]
    lines.append("]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1_048_576


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--process-runs", type=int, default=9)
    args = ap.parse_args()
    example = ROOT / "rules" / "example-company.toml"
    tmp = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    os.environ["POSTGUARD_CACHE_DIR"] = str(tmp / "cache")

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    small = Engine(Config(packs=(example,)))
    texts = {
        "de, 300 words, no finding": draft(300, _DE),
        "de, 300 words, 2 findings": draft(300, _DE, "das #Sturmvogel-Team zeigt den Trekker T5"),
        "en, 300 words, no finding": draft(300, _EN),
    }
    base = {}
    print("\n1. in-process check, example pack")
    for label, text in texts.items():
        med, p99 = timed_checks(small, text, args.runs)
        base[label] = med
        print(f"   {label:28s} median {med:6.3f} ms   p99 {p99:6.3f} ms")

    print(f"\n2. a pack of {args.terms:,} terms")
    pack = tmp / "big.toml"
    big_pack(pack, args.terms)
    print(f"   pack file: {pack.stat().st_size / 1_048_576:.1f} MB")
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    big = Engine(Config(packs=(example, pack)))
    first = time.perf_counter() - t
    gc.collect()
    added = rss_mb() - before
    del big
    gc.collect()
    t = time.perf_counter()
    big = Engine(Config(packs=(example, pack)))
    second = time.perf_counter() - t
    print(f"   first load (empty cache)   {first:6.2f} s")
    print(f"   load when unchanged        {second:6.2f} s")
    print(f"   memory added (RSS)         {added:6.1f} MB")
    for label, text in texts.items():
        med, p99 = timed_checks(big, text, args.runs)
        print(
            f"   {label:28s} median {med:6.3f} ms   p99 {p99:6.3f} ms   ({med / base[label]:.2f}x small pack)"
        )

    print("\n3. whole process: postguard check draft.txt (example pack)")
    work = tmp / "proj"
    work.mkdir()
    (work / "postguard.toml").write_text(f'packs = ["{example.as_posix()}"]\n', encoding="utf-8")
    (work / "draft.txt").write_text(texts["de, 300 words, 2 findings"], encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, "-m", "postguard", "check", "draft.txt", "--now", "2026-11-28T12:00Z"]
    subprocess.run(cmd, cwd=work, env=env, capture_output=True)  # warm the caches once
    runs = []
    for _ in range(args.process_runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=work, env=env, capture_output=True)
        runs.append(time.perf_counter() - t)
    spacy_runs = []
    for _ in range(args.process_runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import spacy"], capture_output=True)
        spacy_runs.append(time.perf_counter() - t)
    print(f"   postguard check draft.txt  median {statistics.median(runs):5.2f} s  (min {min(runs):.2f})")
    print(
        f"   python -c 'import spacy'   median {statistics.median(spacy_runs):5.2f} s"
        f"  (min {min(spacy_runs):.2f})"
    )


if __name__ == "__main__":
    main()
