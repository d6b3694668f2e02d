"""The serving process's own work per check: the ASGI app (guard, routing, body, answer), no worker.

Drives the app of ``create_app`` in this process with ``POST /v1/check`` requests (the German
draft of bench/load_server.py) whose check is answered at once by a stand-in pool, so what is
measured is everything the HTTP process does for a check besides uvicorn's parsing and the
workers' socket traffic. Runs on any tree with a ``CheckPool.run(deadline, job, *args)``:

    python bench/bench_server_overhead.py                      # min CPU time per request
    python TREE/bench/bench_server_overhead.py                 # the same for another checkout
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/bench_server_overhead.py \
        --requests 0     # and again with --requests 1000: the difference / 1000 = instructions per check
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from load_server import DE  # noqa: E402

from postguard.config import Config  # noqa: E402
from postguard.server.app import create_app  # noqa: E402

ANSWER = b'{"findings":[],"language":"de","pack_fingerprint":"x"}'


class AnsweringPool:
    """Answers every job at once: the serving process's side of a check without a worker."""

    async def run(self, deadline: float, job: Any, *args: Any) -> bytes:
        return ANSWER


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="requests per round (0: only set up)")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    app = create_app(Config(), reload_interval=0)
    state = app.state.postguard
    state.engine = object()  # never used: the pool answers
    state.pool = AnsweringPool()
    body = json.dumps({"text": DE}).encode()
    headers = [
        (b"host", b"127.0.0.1:8421"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"user-agent", b"bench"),
        (b"accept", b"*/*"),
    ]
    statuses: list[int] = []

    async def one() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "server": ("127.0.0.1", 8421),
            "client": ("127.0.0.1", 5555),
            "scheme": "http",
            "method": "POST",
            "root_path": "",
            "path": "/v1/check",
            "raw_path": b"/v1/check",
            "query_string": b"",
            "headers": headers,
            "state": {},
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(scope, receive, send)

    async def run(n: int) -> None:
        for _ in range(n):
            await one()

    loop: asyncio.AbstractEventLoop
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ModuleNotFoundError:  # pragma: no cover
        loop = asyncio.new_event_loop()
    loop.run_until_complete(run(20))
    assert set(statuses) == {200}, statuses
    if args.requests == 0:
        return
    best = float("inf")
    for _ in range(args.rounds):
        t = time.process_time()
        loop.run_until_complete(run(args.requests))
        best = min(best, (time.process_time() - t) / args.requests)
    print(f"serving process, ASGI app per POST /v1/check: {best * 1e6:.1f} us CPU (min of {args.rounds})")


if __name__ == "__main__":
    main()
