"""Memory of `postguard serve` over many checks of random words (issue 19): `python bench/memory_server.py`.

Starts the server (example pack, --workers 1 unless --workers) and sends N checks
(default 200,000) of drafts of random letter strings (so every draft brings words
spaCy's string store and the lemma memo have never seen), from 8 keep-alive
clients. Prints the server's memory (RSS of the HTTP process plus its check
workers, and USS) after the first 10,000 checks and at each further 10 %. The
promise: the end is within 20 % of the figure after 10,000.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")


def memory_mb(proc: psutil.Process) -> tuple[float, float]:
    procs = [proc, *proc.children(recursive=True)]
    rss = sum(p.memory_info().rss for p in procs)
    uss = sum(p.memory_full_info().uss for p in procs)
    return rss / 2**20, uss / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "postguard.toml"
        config.write_text(f'packs = ["{(ROOT / "rules" / "example-company.toml").as_posix()}"]\n')
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "postguard", "serve", "--port", "0", "--config", str(config)]
        cmd += ["--no-access-log", "--no-reload", "--workers", str(args.workers)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert proc.stdout is not None
        port = 0
        for line in iter(proc.stdout.readline, b""):
            if m := READY.search(line):
                port = int(m.group(1))
                break
        server = psutil.Process(proc.pid)
        done = 0
        lock = threading.Lock()
        marks: list[tuple[int, float, float, float]] = []
        failures: list[str] = []
        started = time.monotonic()

        def client(seed: int) -> None:
            nonlocal done
            rng = random.Random(seed)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            letters = "abcdefghijklmnopqrstuvwxyzäöüß"
            while True:
                with lock:
                    if done >= args.checks:
                        return
                    done += 1
                words = ["".join(rng.choices(letters, k=rng.randint(3, 12))) for _ in range(30)]
                body = json.dumps({"text": " ".join(words), "lang": rng.choice(["de", "en"])})
                conn.request("POST", "/v1/check", body=body, headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                answer = r.read()
                if r.status != 200:
                    with lock:
                        failures.append(f"{r.status} {answer[:120]!r}")

        def watch() -> None:
            step = [10_000] + [args.checks * k // 10 for k in range(1, 11) if args.checks * k // 10 > 10_000]
            for target in step:
                while done < target and proc.poll() is None:
                    time.sleep(0.2)
                rss, uss = memory_mb(server)
                marks.append((target, rss, uss, time.monotonic() - started))
                print(
                    f"{target:>8,d} checks  RSS {rss:7.1f} MB  USS {uss:7.1f} MB  {marks[-1][3]:6.0f} s",
                    flush=True,
                )

        watcher = threading.Thread(target=watch)
        watcher.start()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        watcher.join()
        proc.terminate()
        proc.wait(timeout=15)
    first, last = marks[0], marks[-1]
    print(f"end / after 10,000: RSS {last[1] / first[1]:.2f}, USS {last[2] / first[2]:.2f}")
    print(f"answers other than 200: {len(failures)}", *sorted(set(failures))[:5], sep="\n  ")


if __name__ == "__main__":
    main()
