"""``postguard serve``: run the local HTTP endpoint (see docs/server.md)."""

from __future__ import annotations

import copy
import ipaddress
import socket
import sys
from pathlib import Path
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
    """A listening-ready socket on ``host:port`` (port 0: a free one)."""
    name = "127.0.0.1" if host.lower() == "localhost" else host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    cfg.setdefault("filters", {})["redact_query"] = {"()": "postguard.server.RedactQuery"}
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
@click.option("--threads", type=click.IntRange(1, 64), default=2, show_default=True, help="Check threads.")
def serve(
    port: int | None,
    host: str,
    config_path: str | None,
    token: str | None,
    allow_remote: bool,
    reload: bool,
    access_log: bool,
    threads: int,
) -> None:
    """Serve checks over HTTP on this machine: JSON API, LanguageTool API, paste page.

    \b
    Examples:
      postguard serve
      postguard serve --port 0 --config postguard.toml
    """
    import uvicorn

    from postguard.config import load_config
    from postguard.server import build_engine, create_app, install_log_redaction

    config = load_config(Path(config_path) if config_path else None, start=Path.cwd())
    token = token or config.server.token
    if not is_loopback(host):
        if not allow_remote:
            raise UsageError(f"--host {host} is not a loopback address: add --allow-remote (and a token)")
        if not token:
            raise UsageError("a non-loopback --host needs a token (--token or [server].token)")
    engine = build_engine(config)
    sock = bind(host, config.server.port if port is None else port)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else ("127.0.0.1" if host == "localhost" else host)
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
    server = _ready_server(uv_config, ready=f"postguard serve: listening on http://{shown}:{bound}")
    server.run(sockets=[sock])


def _ready_server(config: Any, *, ready: str) -> Any:
    """A uvicorn server that prints ``ready`` once its socket accepts connections.

    Built in a function so that ``postguard check`` never imports uvicorn.
    """
    import uvicorn

    class ReadyServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                click.echo(ready)
                sys.stdout.flush()

    return ReadyServer(config)
