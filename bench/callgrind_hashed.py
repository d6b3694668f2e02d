"""Hashed against plain packs in instructions (issue 15): figures the machine's load does not move.

Run it under valgrind's callgrind, with instrumentation off until the script turns it on::

    python bench/callgrind_hashed.py prepare DIR      # once, without valgrind: the pack files
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=OUT.%p \\
        /root/.pyenv/versions/3.11.7/bin/python bench/callgrind_hashed.py run DIR {example,2000} OUT

(give valgrind the interpreter itself, not a pyenv shim). In one process ``run`` makes two engines
(default pack plus the plain or the hashed pack, sharing one spaCy pipeline, no pack cache) and
warms each up on 5 drafts; then it counts, phase by phase (``callgrind_control --instr=on`` and a
dump per phase, read back at the end):

* ``empty``: nothing, the cost of switching and dumping (subtracted from every other phase);
* ``load plain`` / ``load hashed``: ``load_packs`` of the pack (read, validate, index; no cache);
* ``check plain`` / ``check hashed``: ``lint`` of ``--drafts`` real public drafts (nodejs.org blog
  posts and de.react.dev pages from /work/cache/corpora, as in bench_hashed.py), new to both;
* ``match plain`` / ``match hashed``: the term matcher alone on ``--drafts`` other drafts: each
  cut into pieces once (no lemmas) and looked up in the confidential and embargo indexes
  (``find``, what those checks ask), without spaCy and the other checks.

An instruction count is the same on a busy and on a quiet machine, so plain and hashed compare
without alternating. The hashed packs are built with a fixed salt, so every run hashes the same keys.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

SALT = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # fixed, for repeatable counts only
WARM = 5
UNDER_VALGRIND = "vgpreload" in os.environ.get("LD_PRELOAD", "")


def prepare(out: Path) -> None:
    from bench_engine import big_pack

    from postguard.rulepacks.hashbuild import build_hashed, dumps

    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "rules" / "example-company.toml", out / "example.toml")
    big_pack(out / "2000.toml", 2000)
    for name in ("example", "2000"):
        data, _ = build_hashed(tomllib.loads((out / f"{name}.toml").read_text(encoding="utf-8")), salt=SALT)
        (out / f"{name}.hashed.toml").write_text(dumps(data), encoding="utf-8")


def _control(*args: str) -> None:
    if UNDER_VALGRIND:
        subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True)


def run(folder: Path, pack: str, out: str, n: int) -> None:
    from bench_hashed import NOW, drafts

    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint
    from postguard.rulepacks import load_packs
    from postguard.terms import Pieces

    texts = drafts(WARM + 2 * n)
    warm, checked, matched = texts[:WARM], texts[WARM : WARM + n], texts[WARM + n :]
    paths = {"plain": folder / f"{pack}.toml", "hashed": folder / f"{pack}.hashed.toml"}
    plain = Engine(Config(packs=(paths["plain"],)), use_cache=False)
    engines = {
        "plain": plain,
        "hashed": Engine(Config(packs=(paths["hashed"],)), use_cache=False, nlp=plain.nlp),
    }
    for engine in engines.values():
        for text in warm:
            lint(engine, text, now=NOW, fmt="markdown")
    sections = Engine(Config(default_pack=False), use_cache=False).sections
    _control("--instr=on")
    _control("--dump=empty")
    for variant, path in paths.items():
        load_packs([path], sections)
        _control(f"--dump=load {variant}")
    for variant, engine in engines.items():
        for text in checked:
            lint(engine, text, now=NOW, fmt="markdown")
        _control(f"--dump=check {variant}")
    for variant, engine in engines.items():
        indexes = (engine.packs.confidential_index, engine.packs.embargo_index)
        for text in matched:
            pieces = Pieces(text)
            for index in indexes:
                index.find(pieces)
        _control(f"--dump=match {variant}")
    _control("--instr=off")
    if UNDER_VALGRIND:
        report(f"{out}.{os.getpid()}", pack, n)


def report(prefix: str, pack: str, n: int) -> None:
    counts: dict[str, int] = {}
    for dump in sorted(Path(prefix).parent.glob(Path(prefix).name + ".*")):
        text = dump.read_text(encoding="utf-8", errors="replace")
        label = re.search(r"^desc: Trigger: dump (.+)$", text, re.M)
        total = re.search(r"^totals: (\d+)", text, re.M)
        if label and total:
            counts[label.group(1)] = int(total.group(1))
    empty = counts.pop("empty", 0)
    print(f"pack {pack}, {n} drafts per check phase; instructions, less the empty phase ({empty:,}):")
    for job, per in (("load", 1), ("check", n), ("match", n)):
        p, h = (counts[f"{job} {v}"] - empty for v in ("plain", "hashed"))
        unit = "" if per == 1 else " per draft"
        print(
            f"  {job:5}{unit:10}: plain {p / per / 1e6:9.2f} M"
            f"  hashed {h / per / 1e6:9.2f} M  ratio {h / p:5.2f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir", type=Path)
    r = sub.add_parser("run")
    r.add_argument("dir", type=Path)
    r.add_argument("pack", choices=("example", "2000"))
    r.add_argument("out", help="the prefix given to --callgrind-out-file (before .%%p)")
    r.add_argument("--drafts", type=int, default=20)
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args.dir)
    else:
        run(args.dir, args.pack, args.out, args.drafts)


if __name__ == "__main__":
    main()
