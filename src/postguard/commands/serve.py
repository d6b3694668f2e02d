"""``postguard serve``: run the local HTTP endpoint (see docs/server.md)."""

from __future__ import annotations

import contextlib
import copy
import gc
import ipaddress
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from postguard.errors import PostguardError, UsageError

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: a free one), ready for uvicorn to listen on.

    ``reuse_port``: several workers bind the same port and the kernel spreads new
    connections evenly between them (one shared socket would let one worker grab most).
    """
    name = "127.0.0.1" if host.lower() == "localhost" else host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted connections only then (without it every
    # answer waits ~40 ms for a delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((name, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with query strings dropped from the access log and postguard's own logger."""
    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg.setdefault("filters", {})["redact_query"] = {"()": "postguard.server.logs.RedactQuery"}
    cfg["handlers"]["access"]["filters"] = ["redact_query"]
    cfg["loggers"]["postguard"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return cfg


@click.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port (default: [server].port or 8421; 0 = any free)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
@click.option(
    "--token",
    envvar="POSTGUARD_TOKEN",
    help="Require 'Authorization: Bearer TOKEN' (default: [server].token; env POSTGUARD_TOKEN).",
)
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host (needs a token).")
@click.option("--reload/--no-reload", default=True, show_default=True, help="Reload edited packs and config.")
@click.option(
    "--access-log/--no-access-log", default=True, show_default=True, help="Log method, path, status."
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Check threads per worker (checks hold the GIL: more threads only help while one waits).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=min(2, os.cpu_count() or 1),
    show_default="2 on machines with 2 or more cores, else 1",
    help="Worker processes sharing the port (checks are CPU-bound; 1 uses the least memory).",
)
def serve(
    port: int | None,
    host: str,
    config_path: str | None,
    token: str | None,
    allow_remote: bool,
    reload: bool,
    access_log: bool,
    threads: int,
    workers: int,
) -> None:
    """Serve checks over HTTP on this machine: JSON API, LanguageTool API, paste page.

    \b
    Examples:
      postguard serve
      postguard serve --port 0 --config postguard.toml
    """
    import uvicorn

    from postguard.config import load_config
    from postguard.engine import Engine
    from postguard.server import create_app, install_log_redaction, warm_up

    config = load_config(Path(config_path) if config_path else None, start=Path.cwd())
    token = token or config.server.token
    if not is_loopback(host):
        if not allow_remote:
            raise UsageError(f"--host {host} is not a loopback address: add --allow-remote (and a token)")
        if not token:
            raise UsageError("a non-loopback --host needs a token (--token or [server].token)")
    if workers > 1 and not (hasattr(os, "fork") and hasattr(socket, "SO_REUSEPORT")):
        raise UsageError("--workers needs fork() and SO_REUSEPORT (Linux, macOS); use one worker")
    engine = warm_up(Engine(config))  # validates the packs before anything listens
    if workers > 1:
        # Loaded once and shared copy-on-write by the forked workers; frozen so that the garbage
        # collector neither sweeps these long-lived objects (tail latency) nor touches their pages.
        gc.collect()
        gc.freeze()
    first = bind(host, config.server.port if port is None else port, reuse_port=workers > 1)
    bound = first.getsockname()[1]
    socks = [first] + [bind(host, bound, reuse_port=True) for _ in range(workers - 1)]
    shown = f"[{host.strip('[]')}]" if ":" in host else ("127.0.0.1" if host == "localhost" else host)
    ready = f"postguard serve: listening on http://{shown}:{bound}"

    def run(sock: socket.socket, on_ready: Callable[[], None]) -> None:
        # The event loop and the check threads share one GIL: hand it over every 0.5 ms rather
        # than every 5 ms, so a running check delays answering other requests less.
        sys.setswitchinterval(0.0005)
        if workers > 1:
            engine.nlp.after_fork()  # each worker opens its own lemma database connection
        else:
            gc.collect()
            gc.freeze()
        app = create_app(
            config,
            engine=engine,
            token=token,
            allow_remote=allow_remote,
            reload_interval=1.0 if reload else 0,
            threads=threads,
        )
        uv_config = uvicorn.Config(
            app,
            log_config=log_config(),
            access_log=access_log,
            lifespan="on",
            server_header=False,
            timeout_keep_alive=15,
            limit_concurrency=512,
        )
        install_log_redaction()
        _ready_server(uv_config, on_ready=on_ready).run(sockets=[sock])

    if workers == 1:
        run(first, lambda: _announce(ready))
    else:
        _prefork(socks, run, ready)


def _announce(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()


def _ready_server(config: Any, *, on_ready: Callable[[], None]) -> Any:
    """A uvicorn server that calls ``on_ready`` once its socket accepts connections.

    Built in a function so that ``postguard check`` never imports uvicorn.
    """
    import uvicorn

    class ReadyServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                on_ready()

    return ReadyServer(config)


def _prefork(
    socks: list[socket.socket], run: Callable[[socket.socket, Callable[[], None]], None], ready: str
) -> None:
    """Fork a worker per socket; announce when all are ready; stop all when one stops."""
    workers = len(socks)
    read_end, write_end = os.pipe()
    children: list[int] = []
    for mine in socks:
        pid = os.fork()
        if pid == 0:  # a worker
            os.close(read_end)
            for other in socks:
                if other is not mine:
                    other.close()
            code = 0

            def announce() -> None:
                os.write(write_end, b".")

            try:
                run(mine, announce)
            except PostguardError as exc:
                click.echo(f"postguard: error: {exc}", err=True)
                code = 2
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
            except BaseException as exc:  # the worker must never return into the parent's code
                click.echo(f"postguard serve: worker {os.getpid()} failed: {type(exc).__name__}", err=True)
                code = 2
            finally:
                os._exit(code)
        children.append(pid)
    os.close(write_end)
    for sock in socks:
        sock.close()

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = 0
    while started < workers:
        data = os.read(read_end, 64)
        if not data:
            break
        started += len(data)
    os.close(read_end)
    if started == workers:
        _announce(ready)
    else:
        stop(signal.SIGTERM, None)
    failed = started < workers
    for _ in children:
        _, status = os.wait()
        if os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM):
            failed = True
        stop(signal.SIGTERM, None)  # one worker gone: stop the rest
    if failed:
        raise UsageError("a server worker failed (see above)")
