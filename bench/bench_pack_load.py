"""Pack load against another checkout, in one run: `python bench/bench_pack_load.py --against DIR`.

Section 2 of bench_engine.py (``Engine(Config(packs=(example, big)))`` with an empty pack cache, then
again with the cache), for this tree's ``src`` and for ``DIR/src`` (e.g. a ``git archive`` of main),
each load in a fresh process, the two trees alternating so that slow phases of a shared machine hit
both. Prints wall and CPU seconds per round; figures go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import big_pack  # noqa: E402

_CHILD = """
import json, sys, time
from pathlib import Path
from postguard.config import Config
from postguard.engine import Engine
packs = tuple(Path(p) for p in sys.argv[1:])
out = {}
for label in ("first", "cached"):
    w, c = time.perf_counter(), time.process_time()
    Engine(Config(packs=packs))
    out[label] = (time.perf_counter() - w, time.process_time() - c)
print(json.dumps(out))
"""


def load(src: Path, packs: list[Path], cache: Path) -> dict[str, list[float]]:
    env = dict(os.environ, PYTHONPATH=str(src), POSTGUARD_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-c", _CHILD, *map(str, packs)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", type=Path, required=True, help="another checkout (its src/ is used)")
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pg-packload-"))
    big = tmp / "big.toml"
    big_pack(big, args.terms)
    packs = [ROOT / "rules" / "example-company.toml", big]
    trees = {"this": ROOT / "src", "other": args.against.resolve() / "src"}
    print(f"{args.terms:,} terms + example pack; seconds, wall / CPU")
    for r in range(args.rounds):
        for name, src in trees.items():
            t = load(src, packs, tmp / f"cache-{name}-{r}")
            print(
                f"  round {r + 1} {name:5s}: first load {t['first'][0]:6.2f} / {t['first'][1]:6.2f}"
                f"   cached {t['cached'][0]:5.2f} / {t['cached'][1]:5.2f}"
            )


if __name__ == "__main__":
    main()
