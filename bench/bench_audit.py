"""Benchmark `postguard audit` (issue 18): a generated archive of posts on a local Dask cluster.

For each cluster size (default 1 and 2 worker processes, one thread each) it measures, in one run:
cluster start-up, building the engines on the workers, the audit itself, posts per second, and the
peak memory (RSS and USS) of every worker process. For comparison in the same run: the same posts
checked in this process by a plain ``lint()`` loop (no Dask), the speed one core can reach.

    python bench/bench_audit.py                      # 1,000,000 posts (long: see docs/audit.md)
    python bench/bench_audit.py --posts 100000       # a smaller run, to extrapolate from
    python bench/bench_audit.py --posts 20000 --workers 1,2 --json out.json

The archive is written once to /work/cache/audit-bench (or --data DIR) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from postguard.audit.partitions import AuditOptions  # noqa: E402
from postguard.config import Config  # noqa: E402

EXAMPLE_PACK = ROOT / "rules" / "example-company.toml"

DE = [
    "Was für eine Woche auf der Messe in Friedrichshafen!",
    "Danke an alle, die an unserem Stand vorbeigeschaut haben.",
    "Unser Team war heute auf dem Feldberg unterwegs, bei bestem Wetter.",
    "Neue Wanderschuhe im Test: nach 200 Kilometern noch bequem.",
    "Wir suchen Verstärkung im Kundenservice in Kiel.",
    "Heute gab es Kuchen, weil unsere Kollegin zehn Jahre dabei ist.",
    "Tipps für die erste Hüttentour: weniger Gepäck, mehr Wasser.",
    "Der Herbst kommt, und mit ihm die Regenjacken-Saison.",
]
EN = [
    "What a week at the trade fair, thank you for stopping by!",
    "Our team hiked the ridge today, and the weather was perfect.",
    "We are hiring in customer support, come and join us.",
    "Five tips for your first hut-to-hut tour in the Alps.",
    "Ten years with the company today, and still learning every week.",
    "Rain jackets, tested in real rain: here is what we found.",
]
LEAKS = [
    "Stolz auf das #Sturmvogel-Team!",
    "Sneak peek: the Nordkap Trekker T5 is almost ready.",
    "Der Polarfuchs-Prototyp läuft.",
    "Mehr im Wiki: https://wiki.nordkap.intern/start",
]


def generate(path: Path, posts: int, seed: int = 18) -> None:
    """Tweet-sized posts (German and English, 1-3 sentences), about 3 % with something to find."""
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 30, tzinfo=UTC) - start).total_seconds()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for i in range(posts):
            pool = DE if rng.random() < 0.6 else EN
            text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
            if rng.random() < 0.03:
                text += " " + rng.choice(LEAKS)
            when = start + timedelta(seconds=rng.random() * span)
            row = {
                "id": f"t{i}",
                "text": text,
                "created_at": when.isoformat(),
                "url": f"https://x.com/nordkap/status/{i}",
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


class MemoryWatch:
    """Peak RSS (every 0.5 s) and USS (every 5 s) of every child process (the local cluster's workers).

    USS needs ``memory_full_info``, which walks /proc/PID/smaps: 10-35 ms of this process's CPU per
    worker, taken from the workers' cores if it ran every 0.5 s (the first version did: a tenth of a
    core with two workers). RSS and CPU times are cheap (well under a millisecond).
    """

    USS_EVERY = 10

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.peak_rss: dict[int, int] = {}
        self.peak_uss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}  # CPU seconds (user + system) of each worker, last sample
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        import psutil

        tick = 0
        while not self.stop.wait(0.5):
            tick += 1
            for child in self.me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                    times = child.cpu_times()
                    if rss >= 80 * 2**20 and (tick % self.USS_EVERY == 1 or child.pid not in self.peak_uss):
                        uss = child.memory_full_info().uss
                        self.peak_uss[child.pid] = max(self.peak_uss.get(child.pid, 0), uss)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                if times.user + times.system > 0.5:  # not the multiprocessing resource tracker
                    self.cpu[child.pid] = times.user + times.system
                if rss >= 80 * 2**20:
                    self.peak_rss[child.pid] = max(self.peak_rss.get(child.pid, 0), rss)

    def __enter__(self) -> MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _worker_cpu(mem: MemoryWatch) -> dict[int, float]:
    time.sleep(0.6)  # let the watcher sample the freshly started workers
    return dict(mem.cpu)


def in_process(path: Path, posts: int) -> tuple[float, float]:
    """Posts per second (wall, CPU) of a plain lint() loop in this process (one core, no Dask)."""
    from postguard.engine import Engine
    from postguard.pipeline import lint

    engine = Engine(Config(packs=(EXAMPLE_PACK,))).warm_up()
    texts = []
    with path.open(encoding="utf-8") as fh:
        for _, line in zip(range(posts), fh, strict=False):
            row = json.loads(line)
            texts.append((row["text"], datetime.fromisoformat(row["created_at"])))
    began, cpu = time.perf_counter(), time.process_time()
    for text, when in texts:
        lint(engine, text, fmt="plain", now=when)
    return len(texts) / (time.perf_counter() - began), len(texts) / (time.process_time() - cpu)


def cluster_run(path: Path, workers: int, size: int, *, dask_defaults: bool = False) -> dict[str, object]:
    """One audit on a fresh local cluster: postguard's Dask settings, or Dask's defaults."""
    from postguard.audit.run import QUIET_WORKERS, audit, start

    out = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    try:
        began = time.perf_counter()
        with MemoryWatch() as mem:
            cluster = start(workers=workers, settings={} if dask_defaults else QUIET_WORKERS)
            try:
                cpu_before = _worker_cpu(mem)
                client_cpu = time.process_time()
                outcome = audit(
                    [str(path)],
                    out / "out",
                    Config(packs=(EXAMPLE_PACK,), root=path.parent),
                    AuditOptions(started=datetime.now(UTC)),
                    size=size,
                    client=cluster.client,
                )
                client_cpu = time.process_time() - client_cpu
                time.sleep(0.6)  # one more sample of the workers' CPU time
                cpu = {pid: t - cpu_before.get(pid, 0.0) for pid, t in mem.cpu.items()}
            finally:
                cluster.close()
        total = time.perf_counter() - began
        s = outcome.summary
        work = outcome.seconds - outcome.progress.setup
        task_cpu = float(s["run"]["worker_cpu_seconds"])  # type: ignore[index]
        task_wall = float(s["run"]["worker_seconds"])  # type: ignore[index]
        return {
            "workers": workers,
            "dask": "defaults" if dask_defaults else "postguard",
            "documents": int(str(s["documents"])),
            "findings": int(str(s["findings"])),
            "startup_s": round(cluster.startup, 2),
            "engine_setup_s": round(outcome.progress.setup, 2),
            "audit_s": round(work, 2),
            "total_s": round(total, 2),
            "posts_per_s": round(int(str(s["documents"])) / work, 1),
            "posts_per_s_total": round(int(str(s["documents"])) / total, 1),
            "worker_peak_rss_mb": round(max(mem.peak_rss.values(), default=0) / 2**20),
            "worker_peak_uss_mb": round(max(mem.peak_uss.values(), default=0) / 2**20),
            # CPU seconds each worker spent in the audit (engine set-up included): on a machine shared
            # with other jobs, wall time says how much CPU was free; CPU time says what the work costs
            "worker_cpu_s": sorted(round(t, 1) for t in cpu.values()),
            # the workers' CPU time in the tasks (process_time; engine set-up not included)
            # the client and the scheduler (one process): what they take from the workers' cores
            "client_cpu_s": round(client_cpu, 2),
            # how much of the audit's wall time the workers spent inside tasks
            "worker_busy": round(task_wall / (workers * max(work, 1e-9)), 3),
            "posts_per_cpu_s": round(int(str(s["documents"])) / max(task_cpu, 1e-9), 1),
            # the speed if every worker had a core of its own (Dask spreads the partitions evenly)
            "posts_per_s_own_cores": round(workers * int(str(s["documents"])) / max(task_cpu, 1e-9), 1),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--partition-size", type=int, default=500)
    ap.add_argument("--baseline-posts", type=int, default=5000, help="posts for the in-process lint() loop")
    ap.add_argument("--data", type=Path, default=Path("/work/cache/audit-bench"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--rounds", type=int, default=1, help="repeat the worker counts, alternating")
    ap.add_argument(
        "--compare-dask-defaults", action="store_true", help="also run each size on Dask's default settings"
    )
    args = ap.parse_args()
    os.environ.setdefault("POSTGUARD_CACHE_DIR", str(Path(tempfile.gettempdir()) / "postguard-bench-cache"))
    args.data.mkdir(parents=True, exist_ok=True)
    path = args.data / f"posts-{args.posts}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.posts)
        print(f"generated {args.posts:,} posts in {time.perf_counter() - t:.1f} s: {path}", file=sys.stderr)
    results: dict[str, object] = {
        "posts": args.posts,
        "partition_size": args.partition_size,
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="minutes"),
    }
    wall, cpu = in_process(path, args.baseline_posts)
    results["in_process_posts_per_s"], results["in_process_posts_per_cpu_s"] = round(wall, 1), round(cpu, 1)
    print(f"in-process lint() loop: {wall:.1f} posts/s, {cpu:.1f} posts per CPU-second", file=sys.stderr)
    runs = []
    variants = (False, True) if args.compare_dask_defaults else (False,)
    for _ in range(args.rounds):
        for workers in (int(w) for w in args.workers.split(",")):
            for dask_defaults in variants:
                load = [round(x, 2) for x in os.getloadavg()]
                run = cluster_run(path, workers, args.partition_size, dask_defaults=dask_defaults)
                run["load_before"] = load  # type: ignore[assignment]
                run["load_after"] = [round(x, 2) for x in os.getloadavg()]  # type: ignore[assignment]
                print(json.dumps(run), file=sys.stderr)
                runs.append(run)
    results["runs"] = runs
    ours = [r for r in runs if r["dask"] == "postguard"]
    if len(ours) >= 2:
        results["speedup_wall"] = round(float(ours[1]["posts_per_s"]) / float(ours[0]["posts_per_s"]), 2)
        results["speedup_own_cores"] = round(
            float(ours[1]["posts_per_s_own_cores"]) / float(ours[0]["posts_per_s_own_cores"]), 2
        )
    head = ["workers", "Dask settings", "load", "posts",
            "start-up", "engines", "audit", "total", "posts/s (audit)", "posts/s (total)",
            "worker CPU", "client CPU", "posts per CPU-s", "posts/s, a core each",
            "peak RSS / USS per worker"]  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join("---" for _ in head) + " |")
    for r in runs:
        cells = [r["workers"], r["dask"], f"{r['load_before'][0]}-{r['load_after'][0]}",  # type: ignore[index]
                 f"{r['documents']:,}", f"{r['startup_s']} s", f"{r['engine_setup_s']} s",
                 f"{r['audit_s']} s", f"{r['total_s']} s", r["posts_per_s"], r["posts_per_s_total"],
                 " + ".join(f"{t} s" for t in r["worker_cpu_s"]), f"{r['client_cpu_s']} s",
                 r["posts_per_cpu_s"],
                 r["posts_per_s_own_cores"],
                 f"{r['worker_peak_rss_mb']} / {r['worker_peak_uss_mb']} MB"]  # fmt: skip
        print("| " + " | ".join(map(str, cells)) + " |")
    print(json.dumps({k: v for k, v in results.items() if k != "runs"}))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
