"""Load benchmark for ``postguard serve`` (issue 4).

Starts the server as a subprocess with the example pack, then drives it from
this (second) process over loopback: N concurrent clients, each with its own
keep-alive connection, POST /v1/check with a ~300-word draft (German and
English alternating). Prints start-to-first-answer, idle RSS, p50/p99 latency,
throughput, and the engine's own single-threaded time per draft for context.

    python bench/load_server.py                       # 16 clients, 3000 requests
    python bench/load_server.py --clients 16 --duration 20 --json

Targets (issue 4): p50 <= 5 ms, p99 <= 25 ms, >= 300 checks/s on 2 cores,
idle RSS <= 250 MB, start to first answer <= 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import psutil
except ModuleNotFoundError:  # pragma: no cover - a message instead of a traceback
    sys.exit("the benchmarks need psutil: pip install -e '.[bench]' (or pip install psutil)")

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules" / "example-company.toml"
READY = re.compile(rb"listening on http://[^:]+:(\d+)")

DE = (
    "Liebe Community, wir sind unglaublich stolz auf das, was unser Team in den letzten Monaten "
    "geschafft hat. "
    "Nach vielen Wochen in den Bergen, bei Regen, Wind und Schnee, haben unsere Designerinnen und Designer "
    "gelernt, was eine Jacke wirklich aushalten muss. Stolz auf das Sturmvogel-Team, das jede Naht dreimal "
    "geprüft hat! Wir haben Stoffe getestet, verworfen und neu gedacht, bis am Ende etwas entstanden ist, "
    "das uns selbst überrascht hat. Die Rückmeldungen aus unseren Testgruppen waren durchweg positiv, und "
    "viele haben uns gefragt, wann es endlich so weit ist. Geduld noch ein wenig: Der Trekker T5 kommt bald, "
    "und wir können es kaum erwarten, euch mehr zu zeigen. Bis dahin gilt: raus in die Natur, Schuhe "
    "schnüren, Rucksack packen und los. Wer mehr über unsere Arbeit wissen möchte, findet Hintergründe in "
    "unserem Blog, wo wir regelmäßig über Materialien, Reparaturen und nachhaltige Produktion schreiben. "
    "Wir glauben daran, dass gute Ausrüstung lange halten sollte, und deshalb bieten wir für alle Produkte "
    "einen Reparaturservice an. Danke an alle, die uns auf diesem Weg begleiten, an unsere Partner "
    "im Handel, "
    "an die Menschen in unseren Werkstätten und an euch, die ihr draußen unterwegs seid und uns jeden Tag "
    "zeigt, wofür wir das alles machen. Im Frühjahr laden wir wieder zu gemeinsamen Touren ein, die Termine "
    "stehen bald auf unserer Website. Schreibt uns gern, welche Strecken ihr euch wünscht, welche Berge ihr "
    "schon immer einmal besteigen wolltet und was euch an unserer Ausrüstung noch fehlt. Wir lesen jede "
    "Nachricht und freuen uns über Lob genauso wie über Kritik, denn nur so werden wir besser. Bis bald "
    "draußen, eure Crew aus dem Norden, mit vielen Grüßen aus der Werkstatt und dem Lager."
)
EN = (
    "Dear community, we are incredibly proud of what our team has achieved over the past months. After "
    "many weeks in the mountains, in rain, wind and snow, our designers learned what a jacket really has to "
    "withstand. Proud of the Sturmvogel team, who checked every seam three times! We tested fabrics, threw "
    "them away and thought again, until we ended up with something that surprised even us. The feedback "
    "from our test groups was positive throughout, and many of you asked us when it will finally be ready. "
    "Just a little more patience: the Trekker T5 is coming soon, and we can hardly wait to show you more. "
    "Until then: get outside, lace up your boots, pack your bag and go. If you want to know more about our "
    "work, you will find background stories on our blog, where we regularly write about materials, repairs "
    "and sustainable production. We believe that good gear should last a long time, which is why we offer "
    "a repair service for all our products. Thanks to everyone who joins us on this journey, to our retail "
    "partners, to the people in our workshops and to you, who are out there every day and show us why we "
    "do all of this. In spring we will again invite you to join us on tours, and the dates will be on our "
    "website soon. Write to us about the routes you would like, the mountains you have always wanted to "
    "climb and what you still miss in our gear. We read every message and are as happy about praise as "
    "about criticism, because that is the only way we get better. See you outside soon, your crew from the "
    "north, with many greetings from the workshop and the warehouse, and from everyone who packs your orders."
)


def start_server(
    config: Path, threads: int, workers: int
) -> tuple[subprocess.Popen[bytes], int, float, float]:
    """(process, port, seconds to the ready line, seconds to the first answer)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "postguard",
            "serve",
            "--port",
            "0",
            "--config",
            str(config),
            "--no-access-log",
            "--no-reload",
            "--threads",
            str(threads),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdout is not None
    port = 0
    for line in iter(proc.stdout.readline, b""):
        m = READY.search(line)
        if m:
            port = int(m.group(1))
            break
    if not port:
        raise SystemExit("the server did not start")
    ready = time.perf_counter() - t0
    status, _ = post(http.client.HTTPConnection("127.0.0.1", port), DE[:200])
    assert status == 200
    return proc, port, ready, time.perf_counter() - t0


def post(conn: http.client.HTTPConnection, text: str) -> tuple[int, bytes]:
    body = json.dumps({"text": text}).encode()
    conn.request(
        "POST", "/v1/check", body=body, headers={"Content-Type": "application/json", "Host": "127.0.0.1"}
    )
    r = conn.getresponse()
    return r.status, r.read()


def drive(
    port: int, clients: int, requests: int, duration: float, rate: float = 0
) -> tuple[list[float], float, int]:
    """Latencies (ms) of every request, the wall time, and the number of non-200 answers.

    ``rate`` 0: closed loop, every client sends its next request as soon as the
    previous answer arrives (measures saturation). ``rate`` > 0: open loop, the
    clients together send ``rate`` requests a second on a fixed schedule, and
    latency counts from the scheduled time (so a slow server cannot hide
    queueing: no coordinated omission).

    The clients are coroutines on one asyncio loop, each with its own
    keep-alive connection, sending pre-built requests: the load generator
    shares the machine's two cores with the server, so it must cost little.
    """
    return asyncio.run(_drive(port, clients, requests, duration, rate))


def _request(port: int, text: str) -> bytes:
    body = json.dumps({"text": text}).encode()
    head = (
        f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _drive(
    port: int, clients: int, requests: int, duration: float, rate: float
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    payloads = (_request(port, DE), _request(port, EN))
    t_start = time.perf_counter() + 0.05
    stop_at = t_start + duration if duration else float("inf")

    async def client(i: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = 0
        while next(counter, None) is not None:
            if rate:
                due = t_start + (n * clients + i) / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    await asyncio.sleep(pause)
                t = due
            else:
                t = time.perf_counter()
            if t > stop_at:
                break
            writer.write(payloads[(n + i) % 2])
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - t) * 1000)
            errors += status_line.split(b" ", 2)[1:2] != [b"200"]
            n += 1
        writer.close()

    pause = t_start - time.perf_counter()
    if pause > 0:
        await asyncio.sleep(pause)
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, time.perf_counter() - t_start, errors


def memory_mb(proc: psutil.Process) -> tuple[float, float]:
    """RSS and PSS (proportional: shared pages split between processes) of the server and its workers."""
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        info = p.memory_full_info()
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def cpu_seconds(proc: psutil.Process) -> tuple[float, float]:
    """CPU seconds (user + system) of the server process and of its children (the check workers)."""
    own = sum(proc.cpu_times()[:2])
    return own, sum(sum(p.cpu_times()[:2]) for p in proc.children(recursive=True))


def stats(latencies: list[float], wall: float) -> dict[str, float]:
    latencies = sorted(latencies)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "p50_ms": round(q[49], 2),
        "p90_ms": round(q[89], 2),
        "p95_ms": round(q[94], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(latencies[-1], 2),
        "throughput_per_s": round(len(latencies) / wall, 1),
    }


def engine_ms() -> dict[str, float]:
    """The engine alone, in this process, one thread: ms per draft."""
    sys.path.insert(0, str(ROOT / "src"))
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.model import Extracted
    from postguard.pipeline import lint

    engine = Engine(Config(packs=(PACK,)))
    out = {}
    for name, text in (("de", DE), ("en", EN)):
        lint(engine, text, extracted=Extracted(text=text))
        t = time.perf_counter()
        for _ in range(50):
            lint(engine, text, extracted=Extracted(text=text))
        out[name] = (time.perf_counter() - t) / 50 * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=3000, help="requests per phase")
    ap.add_argument("--duration", type=float, default=0, help="or seconds per phase")
    ap.add_argument("--rate", type=float, default=300, help="open-loop phase: requests/s (0: skip the phase)")
    ap.add_argument("--threads", type=int, default=1, help="the server's --threads (its default: 1)")
    ap.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="the server's --workers (its default)",
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "postguard.toml"
        config.write_text(f'packs = ["{PACK.as_posix()}"]\n', encoding="utf-8")
        proc, port, ready_s, first_s = start_server(config, args.threads, args.workers)
        try:
            server = psutil.Process(proc.pid)
            time.sleep(1.0)
            idle_rss, idle_pss = memory_mb(server)
            drive(port, args.clients, args.clients * 4, 0)  # warm-up: every connection, both languages
            cpu0, client0 = cpu_seconds(server), time.process_time()
            closed = drive(port, args.clients, args.requests, args.duration)
            cpu1, client1 = cpu_seconds(server), time.process_time()
            opened = drive(port, args.clients, args.requests, args.duration, args.rate) if args.rate else None
            busy_rss, _ = memory_mb(server)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    figures: dict[str, object] = {
        "clients": args.clients,
        "cpus": os.cpu_count(),
        "loadavg_1min_before": round(load_before[0], 2),
        "server_workers": args.workers,
        "server_threads": args.threads,
        "words": {"de": len(DE.split()), "en": len(EN.split())},
        "start_to_ready_s": round(ready_s, 3),
        "start_to_first_answer_s": round(first_s, 3),
        "idle_rss_mb": round(idle_rss, 1),
        "idle_pss_mb": round(idle_pss, 1),
        "rss_after_load_mb": round(busy_rss, 1),
        "closed_loop": {**stats(closed[0], closed[1]), "errors": closed[2]},
        "server_cpu_ms_per_check": round((sum(cpu1) - sum(cpu0)) / len(closed[0]) * 1000, 2),
        # the HTTP process and the check workers (their processes at the end: a worker replaced
        # during the run is missing), and this load generator
        "http_cpu_ms_per_check": round((cpu1[0] - cpu0[0]) / len(closed[0]) * 1000, 2),
        "workers_cpu_ms_per_check": round((cpu1[1] - cpu0[1]) / len(closed[0]) * 1000, 2),
        "client_cpu_ms_per_check": round((client1 - client0) / len(closed[0]) * 1000, 2),
        "engine_ms_single_thread": {k: round(v, 2) for k, v in engine_ms().items()},
    }
    if opened:
        figures["open_loop"] = {"rate_per_s": args.rate, **stats(opened[0], opened[1]), "errors": opened[2]}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    c = figures["closed_loop"]
    assert isinstance(c, dict)
    print(
        f"postguard serve load test: {args.clients} clients, "
        f"{args.workers} worker(s) x {args.threads} threads, "
        f"{figures['cpus']} CPUs, load average before {figures['loadavg_1min_before']}"
    )
    print(f"start to ready line     {ready_s:.2f} s")
    print(f"start to first answer   {first_s:.2f} s   (target <= 3 s)")
    print(f"idle memory             RSS {idle_rss:.0f} MB, PSS {idle_pss:.0f} MB  (target <= 250 MB)")
    print(
        f"closed loop ({c['requests']} requests, {c['errors']} errors): p50 {c['p50_ms']:.1f} ms, "
        f"p90 {c['p90_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms, {c['throughput_per_s']:.0f} checks/s"
    )
    if opened:
        o = figures["open_loop"]
        assert isinstance(o, dict)
        print(
            f"open loop at {args.rate:g}/s ({o['requests']} requests, {o['errors']} errors): "
            f"p50 {o['p50_ms']:.1f} ms, "
            f"p90 {o['p90_ms']:.1f} ms, p99 {o['p99_ms']:.1f} ms, {o['throughput_per_s']:.0f} checks/s"
        )
    print(
        f"server CPU per check    {figures['server_cpu_ms_per_check']:.2f} ms "
        f"(HTTP process {figures['http_cpu_ms_per_check']:.2f}, "
        f"workers {figures['workers_cpu_ms_per_check']:.2f}; "
        f"load generator {figures['client_cpu_ms_per_check']:.2f})"
    )
    eng = figures["engine_ms_single_thread"]
    assert isinstance(eng, dict)
    print(
        f"engine alone            de {eng['de']:.1f} ms, en {eng['en']:.1f} ms per draft "
        "(one thread, in-process)"
    )


if __name__ == "__main__":
    main()
