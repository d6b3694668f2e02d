"""``postguard serve``: run the local HTTP endpoint (see docs/server.md)."""

from __future__ import annotations

import contextlib
import copy
import errno
import gc
import ipaddress
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click

from postguard.errors import UsageError

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: a free one), ready for uvicorn to listen on.

    Never ``SO_REUSEPORT``: with it a second server on the same port would start and
    silently share the requests (some checked without the company pack). A port in
    use is a :class:`UsageError` (exit 2).
    """
    name = "127.0.0.1" if host.lower() == "localhost" else host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted connections only then (without it every
    # answer waits ~40 ms for a delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # only lets TIME_WAIT go (Linux, macOS)
    try:
        sock.bind((name, port))
    except OSError as exc:
        sock.close()
        hint = " (is another postguard serve running?)" if exc.errno == errno.EADDRINUSE else ""
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
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
@click.option("--threads", type=click.IntRange(1, 64), hidden=True, help="Ignored (checks run in --workers).")
@click.option("--header-timeout", type=click.FloatRange(0.1, 3600), hidden=True, help="Seconds for headers.")
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=min(2, os.cpu_count() or 1),
    show_default="2 on machines with 2 or more cores, else 1",
    help="Check worker processes (checks are CPU-bound; an overrunning or dead worker is replaced).",
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
    header_timeout: float | None,
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
    from postguard.server import create_app, install_log_redaction
    from postguard.server.connections import (
        DRAIN_TIMEOUT,
        HEADER_TIMEOUT,
        IDLE_TIMEOUT,
        MAX_CONNECTIONS,
        guarded_protocol,
    )

    config = load_config(Path(config_path) if config_path else None, start=Path.cwd())
    token = token or config.server.token
    if not is_loopback(host):
        if not allow_remote:
            raise UsageError(f"--host {host} is not a loopback address: add --allow-remote (and a token)")
        if not token:
            raise UsageError("a non-loopback --host needs a token (--token or [server].token)")
    if not hasattr(os, "fork"):
        raise UsageError("postguard serve needs fork() (Linux, macOS)")
    engine = Engine(config).warm_up()  # validates the packs before anything listens
    sock = bind(host, config.server.port if port is None else port)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else ("127.0.0.1" if host == "localhost" else host)
    _more_files()
    # Loaded once and shared copy-on-write by the forked check workers; frozen so that the garbage
    # collector neither sweeps these long-lived objects (tail latency) nor touches their pages.
    gc.collect()
    gc.freeze()
    app = create_app(
        config,
        engine=engine,
        token=token,
        allow_remote=allow_remote,
        reload_interval=1.0 if reload else 0,
        processes=workers,
    )
    uv_config = uvicorn.Config(
        app,
        log_config=log_config(),
        access_log=access_log,
        lifespan="on",
        server_header=False,
        http=guarded_protocol(header_timeout or HEADER_TIMEOUT),
        timeout_keep_alive=IDLE_TIMEOUT,
        timeout_graceful_shutdown=DRAIN_TIMEOUT,
        limit_concurrency=MAX_CONNECTIONS,
    )
    install_log_redaction()
    _ready_server(
        uv_config, on_ready=lambda: _announce(f"postguard serve: listening on http://{shown}:{bound}")
    ).run(sockets=[sock])


def _more_files() -> None:
    """Raise the open-files limit to the hard limit: every connection is a file."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


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

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            if sig == signal.SIGTERM:  # a requested stop: drain, then exit 0 (uvicorn would re-raise it)
                self._captured_signals.remove(sig)

    return ReadyServer(config)
