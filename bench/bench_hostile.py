"""Cost of a check on hostile and unlucky text (issue 19): rerun with `python bench/bench_hostile.py`.

Times ``lint()`` with the example pack on 1 MB (``--size``) of each shape: long runs
of punctuation, emoji, one word, base64 (with and without line breaks), minified
HTML, random punctuation clusters, random words, and real prose (the nodejs.org
blog posts in /work/cache/corpora when present). Each shape is checked once after
a warm-up; the figure is the wall time of that check. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from postguard.config import Config  # noqa: E402
from postguard.engine import Engine  # noqa: E402
from postguard.pipeline import lint  # noqa: E402

CORPUS = Path("/work/cache/corpora/nodejs.org")


def shapes(size: int, rng: random.Random) -> dict[str, str]:
    blob = base64.b64encode(rng.randbytes(size * 3 // 4)).decode()
    punct = "!?.,;:()[]{}-\"'/*&%$§#@+=<>|~^`"
    emoji = [chr(c) for c in range(0x1F600, 0x1F650)]
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöü") for _ in range(rng.randint(2, 12)))
        for _ in range(20000)
    ]
    out = {
        "'!' run": "!" * size,
        "emoji run": "".join(rng.choice(emoji) for _ in range(size // 2)),
        "emoji triples, spaced": " ".join(
            "".join(rng.choice(emoji) for _ in range(3)) for _ in range(size // 4)
        ),
        "one word": "a" * size,
        "base64": blob,
        "base64, 76-char lines": "\n".join(blob[i : i + 76] for i in range(0, len(blob), 76)),
        "minified HTML": (
            '<div class="c"><a href="https://example.com/p?q=1">Link</a><span>x</span></div>' * size
        )[:size],
        "punctuation clusters": " ".join(
            "".join(rng.choice(punct) for _ in range(rng.randint(1, 6))) for _ in range(size // 4)
        ),
        "random words, punctuated": " ".join(
            rng.choice(words) + rng.choice(["", "", ",", ".", "!"]) for _ in range(size // 8)
        ),
    }
    if CORPUS.is_dir():
        prose: list[str] = []
        total = 0
        for path in sorted(CORPUS.rglob("*.md")):
            prose.append(path.read_text(encoding="utf-8", errors="replace"))
            total += len(prose[-1])
            if total >= size:
                break
        out["real prose (nodejs.org posts)"] = "\n\n".join(prose)[:size]
    return {k: v[:size] for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per shape")
    args = parser.parse_args()
    engine = Engine(Config(packs=(ROOT / "rules" / "example-company.toml",)))
    lint(engine, "Warm up: Wir freuen uns.", lang="de")
    lint(engine, "Warm up: we are proud.", lang="en")
    for name, text in shapes(args.size, random.Random(19)).items():
        started = time.perf_counter()
        report = lint(engine, text, lang="en")
        took = time.perf_counter() - started
        print(f"{name:32s} {len(text):>9,d} chars  {took:6.2f} s  {len(report.findings):>5d} findings")


if __name__ == "__main__":
    main()
