"""How steady is this machine's CPU? Rerun with `python bench/cpu_jitter.py`.

Context for the server's tail latency (issue 4, docs/benchmarks.md). No postguard
code runs here; two measurements of the machine itself:

1. *Slow windows*: one process per core runs the same small unit of pure Python
   work (about 0.1 ms) back to back for a few seconds and records how long each
   unit took. A unit slower than twice the median belongs to a slow window;
   units less than 2 ms apart join one window. Printed: the median unit, how
   many windows of 3 ms or more, the share of the time they cover, how much
   slower the work ran inside them, and whether the cores' windows coincide.
2. *Floor*: a trivial asyncio HTTP server (a fixed 2-byte answer, no
   framework) driven by the same open-loop client as bench/load_server.py at
   300 requests/s: the latency no server on this machine can beat.

A steady machine shows few windows and a floor p99 of a few milliseconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_server

_ECHO = r"""
import asyncio
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
async def handle(reader, writer):
    while True:
        if not await reader.readline():
            break
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        writer.write(ANSWER)
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("listening on http://127.0.0.1:%d" % server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def _unit() -> int:
    s = 0
    for i in range(2000):
        s += i
    return s


def sample(core: int, seconds: float, start_at: float) -> list[tuple[float, float]]:
    """(time since start_at, duration) of every work unit, run on ``core``."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    for _ in range(2000):
        _unit()
    while time.time() < start_at:
        pass
    out: list[tuple[float, float]] = []
    clock = time.perf_counter
    offset = time.time() - clock()
    end = clock() + seconds
    while (t := clock()) < end:
        _unit()
        out.append((t + offset - start_at, clock() - t))
    return out


def windows(units: list[tuple[float, float]]) -> tuple[float, list[tuple[float, float, float]]]:
    """The median unit and the slow windows: (start, length, mean slowdown) of those >= 3 ms."""
    median = statistics.median(d for _, d in units)
    found: list[list[float]] = []
    for t, d in units:
        if d <= 2 * median:
            continue
        if found and t - found[-1][1] < 0.002:
            found[-1][1] = t + d
            found[-1][2] += 1
        else:
            found.append([t, t + d, 1])
    out = []
    for start, end, n in found:
        if end - start >= 0.003:
            out.append((start, end - start, (end - start) / (n * median)))
    return median, out


def _sample_job(args: tuple[int, float, float]) -> list[tuple[float, float]]:
    return sample(*args)


def slow_windows(seconds: float) -> dict[str, object]:
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    start_at = time.time() + 1.0
    with multiprocessing.get_context("fork").Pool(len(cores)) as pool:
        runs = pool.map(_sample_job, [(c, seconds, start_at) for c in cores])
    per_core = []
    all_windows = []
    for core, units in zip(cores, runs, strict=True):
        median, found = windows(units)
        all_windows.append(found)
        per_core.append(
            {
                "core": core,
                "median_unit_us": round(median * 1e6, 1),
                "windows": len(found),
                "share_of_time": round(sum(w[1] for w in found) / seconds, 3),
                "slowdown_inside": round(statistics.median(w[2] for w in found), 1) if found else None,
                "longest_ms": round(max((w[1] for w in found), default=0) * 1000, 1),
            }
        )
    shared = 0
    if len(all_windows) > 1:
        others = [w for found in all_windows[1:] for w in found]
        shared = sum(
            1 for s, length, _ in all_windows[0] if any(s < o + ol and o < s + length for o, ol, _ in others)
        )
    return {"seconds": seconds, "cores": per_core, "core0_windows_overlapping_another_core": shared}


def floor(rate: float, requests: int) -> dict[str, float]:
    proc = subprocess.Popen([sys.executable, "-c", _ECHO], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        m = re.search(rb":(\d+)", proc.stdout.readline())
        if not m:
            raise SystemExit("the echo server did not start")
        port = int(m.group(1))
        load_server.drive(port, 16, 64, 0)
        latencies, wall, errors = load_server.drive(port, 16, requests, 0, rate)
        return {**load_server.stats(latencies, wall), "errors": errors}
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10, help="length of the slow-window sampling")
    ap.add_argument("--rate", type=float, default=300, help="open-loop rate against the trivial server")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    windows_found = slow_windows(args.seconds)
    floor_found = floor(args.rate, int(args.rate * 10))
    if args.json:
        print(json.dumps({"slow_windows": windows_found, "floor": {"rate_per_s": args.rate, **floor_found}}))
        return
    print(f"slow windows over {args.seconds:g} s, one process per core:")
    cores = windows_found["cores"]
    assert isinstance(cores, list)
    for c in cores:
        print(
            f"  core {c['core']}: unit median {c['median_unit_us']} us, {c['windows']} windows >= 3 ms "
            f"covering {c['share_of_time']:.1%} of the time, work {c['slowdown_inside']}x slower inside, "
            f"longest {c['longest_ms']} ms"
        )
    shared = windows_found["core0_windows_overlapping_another_core"]
    print(f"  windows of core 0 that overlap one of another core: {shared}")
    print(
        f"trivial asyncio server at {args.rate:g}/s, 16 clients: p50 {floor_found['p50_ms']} ms, "
        f"p90 {floor_found['p90_ms']} ms, p99 {floor_found['p99_ms']} ms, max {floor_found['max_ms']} ms"
    )


if __name__ == "__main__":
    main()
