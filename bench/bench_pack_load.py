"""Pack load against another checkout, in one run: `python bench/bench_pack_load.py --against DIR`.

Section 2 of bench_engine.py (``Engine(Config(packs=(example, big)))`` with an empty pack cache, then
again with the cache), for this tree's ``src`` and for ``DIR/src`` (e.g. a ``git archive`` of main),
each load in a fresh process, the two trees alternating so that slow phases of a shared machine hit
both. Prints wall and CPU seconds per round and the CPU minimum per tree; figures go to
docs/benchmarks.md by hand.

``--callgrind N`` counts instructions instead (valgrind, independent of the machine's load): N loads
of the default and example packs, without cache, with the built-in checks' sections (the part of a
load that the sections' declarations change), minus a run with no load, per load, for both trees.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


_SECTIONS_CHILD = """
import sys
from pathlib import Path
from postguard.config import Config, default_pack_path
from postguard.engine import Engine
from postguard.rulepacks import load_packs
sections = Engine(Config(default_pack=False), use_cache=False).sections
packs = [default_pack_path(), Path(sys.argv[2])]
for _ in range(int(sys.argv[1])):
    load_packs(packs, sections)
"""


def instructions(src: Path, loads: int) -> int:
    """Instructions (callgrind's ``Collected``) of a process that loads the small packs ``loads`` times."""
    example = ROOT / "rules" / "example-company.toml"
    env = dict(os.environ, PYTHONPATH=str(src), POSTGUARD_CACHE_DIR=tempfile.mkdtemp(prefix="pg-cg-"))
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    done = subprocess.run(
        [*cmd, "-c", _SECTIONS_CHILD, str(loads), str(example)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.findall(r"Collected : (\d+)", done.stderr)[-1])


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
    ap.add_argument(
        "--callgrind", type=int, default=0, metavar="N", help="count instructions of N small loads"
    )
    args = ap.parse_args()
    trees = {"this": ROOT / "src", "other": args.against.resolve() / "src"}
    if args.callgrind:
        print(
            "default + example pack, built-in sections, no cache: instructions per load"
            f" ({args.callgrind} loads)"
        )
        for name, src in trees.items():
            base, work = instructions(src, 0), instructions(src, args.callgrind)
            print(f"  {name:5s}: {(work - base) / args.callgrind:,.0f}  (process without loads: {base:,})")
        return
    tmp = Path(tempfile.mkdtemp(prefix="pg-packload-"))
    big = tmp / "big.toml"
    big_pack(big, args.terms)
    packs = [ROOT / "rules" / "example-company.toml", big]
    print(f"{args.terms:,} terms + example pack; seconds, wall / CPU")
    cpu: dict[str, dict[str, list[float]]] = {name: {"first": [], "cached": []} for name in trees}
    for r in range(args.rounds):
        for name, src in trees.items():
            t = load(src, packs, tmp / f"cache-{name}-{r}")
            print(
                f"  round {r + 1} {name:5s}: first load {t['first'][0]:6.2f} / {t['first'][1]:6.2f}"
                f"   cached {t['cached'][0]:5.2f} / {t['cached'][1]:5.2f}"
            )
            for label in ("first", "cached"):
                cpu[name][label].append(t[label][1])
    for name, runs in cpu.items():
        print(
            f"  CPU minimum {name:5s}: first load {min(runs['first']):6.2f}"
            f"   cached {min(runs['cached']):5.2f}"
        )


if __name__ == "__main__":
    main()
