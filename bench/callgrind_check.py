"""Instructions per check (issues 12, 14 and 19): a figure the machine's load does not move.

    python bench/callgrind_check.py de            # the 300-word German draft of bench_engine.py
    python bench/callgrind_check.py en --checks 200
    python bench/callgrind_check.py html          # 1 MB of minified HTML checked as plain text
    python bench/callgrind_check.py de --tree /tmp/main-snapshot   # a peer: `git archive` of a commit

Runs itself under valgrind's callgrind (``apt-get install valgrind``), counting only inside the
measured loop (``--collect-atstart=no --toggle-collect=functools_reduce``: the checks run inside one
``functools.reduce``, after warm-up checks that are not counted), and prints instructions per check.
The example company pack; ``de2`` is the German draft with two findings. Compare two trees in one
run; wall-clock figures are bench_engine.py's and bench_hostile.py's.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = '<div class="c"><a href="https://example.com/p?q=1">Link</a><span>x</span></div>'
SHAPES = ("de", "de2", "en", "html")


def text_of(shape: str) -> str:
    """The text a shape checks."""
    if shape == "html":
        return (HTML * (1_000_000 // len(HTML) + 1))[:1_000_000]
    from bench_engine import _DE, _EN, draft

    if shape == "de2":
        return draft(300, _DE, "das #Sturmvogel-Team zeigt den Trekker T5")
    return draft(300, _DE if shape == "de" else _EN)


def measured(shape: str, checks: int) -> None:
    """The loop valgrind counts (run inside valgrind by :func:`main`)."""
    from bench_engine import NOW

    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    engine = Engine(Config(packs=(ROOT / "rules" / "example-company.toml",)))
    text = text_of(shape)
    lang = "en" if shape == "html" else None
    for _ in range(1 if shape == "html" else 5):
        lint(engine, text[:1000] if shape == "html" else text, lang=lang, now=NOW)
    functools.reduce(lambda acc, _: (lint(engine, text, lang=lang, now=NOW), acc)[1], range(checks), 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shape", choices=SHAPES)
    ap.add_argument("--checks", type=int, help="checks counted (default 100; 1 for html)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the source tree to measure (default: this one)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    checks = args.checks or (1 if args.shape == "html" else 100)
    tree = args.tree.resolve()
    if args.inner:
        # the measured tree's bench_engine, which puts the tree's src first on the path
        sys.path[:0] = [str(tree / "bench"), str(tree / "src")]
        measured(args.shape, checks)
        return
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    cmd = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--collect-atstart=no",
        "--toggle-collect=functools_reduce", os.path.realpath(sys.executable),
        __file__, args.shape, "--checks", str(checks), "--tree", str(tree), "--inner",
    ]  # fmt: skip
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        sys.exit("callgrind_check needs valgrind: apt-get install valgrind")
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        sys.exit(f"valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    per_check = int(found.group(1)) / checks
    unit, scale = ("M", 1e6) if args.shape == "html" else ("K", 1e3)
    print(f"{tree}: {args.shape}: {per_check / scale:,.0f} {unit} instructions per check ({checks} counted)")


if __name__ == "__main__":
    main()
