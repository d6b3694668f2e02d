"""Time the browser extension's node tests (issue 17): the whole `node --test` run, and each file.

For each source tree given (this checkout, and for instance an export of a previous commit) it
starts that tree's own ``postguard serve`` with the example company pack (as tests/test_browser.py
does; the paste page's tests need the page of the same tree) and runs ``node --test`` in its
``browser-extension/`` against it (``POSTGUARD_NODE_TEST_CONCURRENCY``, as tests/test_browser.py).
The trees take turns round after round, so that they share the machine's load. Export a previous
commit with::

    mkdir /tmp/base && git archive COMMIT | tar -x -C /tmp/base
    ln -s "$PWD/browser-extension/node_modules" /tmp/base/browser-extension/node_modules
    python bench/bench_browser_tests.py . /tmp/base --rounds 3 --per-file

The figures are wall-clock seconds (the tests wait on browsers and a server, so CPU time says
little); the minimum over the rounds is reported beside the median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _server(tree: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    from test_browser import _free_port, _healthy

    config = workdir / "postguard.toml"
    config.write_text(
        f"packs = [{json.dumps(str(tree / 'rules' / 'example-company.toml'))}]\n", encoding="utf-8"
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "POSTGUARD_DATA_DIR": str(workdir / "data")}
    command = [sys.executable, "-m", "postguard", "serve", "--port", str(port), "--config", str(config)]
    log = (workdir / "serve.log").open("wb")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while not _healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"postguard serve of {tree} did not start: see {workdir / 'serve.log'}")
        time.sleep(0.2)
    return process, url


def _concurrency() -> list[str]:
    """As tests/test_browser.py: ``POSTGUARD_NODE_TEST_CONCURRENCY`` (the same for every tree)."""
    value = os.environ.get("POSTGUARD_NODE_TEST_CONCURRENCY", "")
    return [f"--test-concurrency={int(value)}"] if value else []


def _node(tree: Path, url: str, out: Path, target: str) -> tuple[float, bool]:
    extension = tree / "browser-extension"
    env = {**os.environ, "POSTGUARD_URL": url, "POSTGUARD_ARTIFACTS": str(out / "artifacts")}
    started = time.monotonic()
    result = subprocess.run(
        ["node", "--test", *_concurrency(), "--test-reporter=tap", target],
        cwd=extension,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    name = target.replace("/", "_")
    (out / f"tap-{tree.name}-{name}-{int(started)}.txt").write_text(result.stdout + result.stderr)
    return wall, result.returncode == 0 and "# fail 0" in result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path, help="source trees (with src/ and browser-extension/)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--per-file", action="store_true", help="also run each test file alone")
    parser.add_argument("--out", type=Path, default=None, help="keep the TAP output of each run here")
    args = parser.parse_args()
    trees = [t.resolve() for t in args.trees]
    with tempfile.TemporaryDirectory() as tmp:
        out = (args.out or Path(tmp) / "out").resolve()
        out.mkdir(parents=True, exist_ok=True)
        servers = {}
        try:
            for n, tree in enumerate(trees):
                workdir = Path(tmp) / f"serve-{n}"
                workdir.mkdir()
                servers[tree] = _server(tree, workdir)
            walls: dict[Path, list[float]] = {t: [] for t in trees}
            per_file: dict[Path, dict[str, list[float]]] = {t: {} for t in trees}
            for round_ in range(args.rounds):
                for tree in trees if round_ % 2 == 0 else list(reversed(trees)):
                    url = servers[tree][1]
                    wall, passed = _node(tree, url, out, "test/")
                    walls[tree].append(wall)
                    print(
                        f"round {round_ + 1} {tree}: {wall:.1f} s {'passed' if passed else 'FAILED'}",
                        flush=True,
                    )
                    if not args.per_file:
                        continue
                    for file in sorted((tree / "browser-extension" / "test").glob("*.test.mjs")):
                        seconds, _ = _node(tree, url, out, f"test/{file.name}")
                        per_file[tree].setdefault(file.name, []).append(seconds)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=10)
    for tree in trees:
        times = walls[tree]
        print(f"\n{tree}: node --test test/  min {min(times):.1f} s, median {statistics.median(times):.1f} s")
        for name, seconds in sorted(per_file[tree].items(), key=lambda kv: -min(kv[1])):
            print(f"  {name:32} alone: min {min(seconds):6.1f} s  median {statistics.median(seconds):6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
